"""Translations for templates, found once per request and locale.

A page asks for a translation hundreds of times (a board of orders, each row's labels and
buttons). Flask-Babel finds the request's translations anew on each call (its per-request
namespace, the domain, the locale and its identifier, then its cache): about 15 µs a call, several
milliseconds on a long list. Here the translations found are kept on Flask-Babel's own
per-request namespace together with the locale and domain they were found for, so a call costs a
comparison and a dictionary lookup. A locale forced for a while (`force_locale`, a document in
the hospital's language) or a domain set for the request is a different object, so it is looked
up again and nothing stale is ever returned."""

from flask import Flask
from flask_babel import _get_current_context, get_domain, get_locale


def request_translations():
    ctx = _get_current_context()
    if ctx is None:  # outside a request or app context: Flask-Babel's null translations
        return get_domain().get_translations()
    kept = getattr(ctx, "tcm_translations", None)
    locale, domain = getattr(ctx, "babel_locale", None), getattr(ctx, "babel_domain", None)
    if kept is not None and locale is not None and kept[0] is locale and kept[1] is domain:
        return kept[2]
    translations = get_domain().get_translations()
    ctx.tcm_translations = (get_locale(), getattr(ctx, "babel_domain", None), translations)
    return translations


def install_template_translations(app: Flask) -> None:
    """Replace the callables Flask-Babel gave Jinja with ones that use `request_translations`."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
