"""Translations found once per request and locale.

A page asks for translations hundreds of times (a board of orders, each row's labels and
buttons), in templates and through `_()`/lazy labels in Python. Flask-Babel's domain finds the
request's translations anew on each call (its per-request namespace, the locale and its
identifier, then its cache): about 15 µs a call, several milliseconds on a long list. This domain
keeps the translations it found on Flask-Babel's per-request namespace with the locale they were
found for, so a call costs a comparison and a dictionary lookup. A locale forced for a while
(`force_locale`: a document in the hospital's language) is a different Locale object, so it is
looked up again, and nothing stale is ever returned."""

from functools import cached_property

from flask_babel import Babel, Domain, _get_current_context, get_locale


class RequestCachedDomain(Domain):
    def get_translations(self):
        ctx = _get_current_context()
        if ctx is None:  # outside any app context: Flask-Babel's null translations
            return super().get_translations()
        kept = getattr(ctx, "tcm_translations", None)
        locale = getattr(ctx, "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is locale and kept[1] is self:
            return kept[2]
        translations = super().get_translations()
        ctx.tcm_translations = (get_locale(), self, translations)
        return translations


class CachingBabel(Babel):
    """Flask-Babel whose default domain is a RequestCachedDomain."""

    @cached_property
    def domain_instance(self):
        return RequestCachedDomain(domain=self.domain)
