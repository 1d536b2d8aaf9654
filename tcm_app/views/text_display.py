"""Free text shown to staff as it was written, with its hidden characters made visible.

A right-to-left override or a zero-width space in a complaint or a chat is kept in the record
(records are never altered) but never shown as itself: each one is printed as a marker such as
⟨U+202E⟩. Two layers:

- `mark_hidden` is the template engine's `finalize`: every string a template prints, on every page
  (new ones included), has its hidden characters replaced by plain-text markers before escaping.
  Plain text is safe in any context (attributes, <title>, <textarea>).
- `visible_controls` is a filter for text in the page body (a patient's complaint, notes, chat):
  the markers come in a distinct style (`span.hidden-char`) with an explanation on hover. Its
  result is markup, which `mark_hidden` leaves alone.
"""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from tcm_app.common.text import marker, split_hidden


def mark_hidden(value):
    """Strings with their hidden characters as markers; anything else (markup included) as is."""
    if type(value) is not str or value.isprintable():  # the fast path of nearly every string
        return value
    return "".join(marker(part) if hidden else part for part, hidden in split_hidden(value))


def visible_controls(value) -> Markup:
    """The text escaped, each hidden character as a styled marker."""
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return value
    title = escape(_("An invisible character or a text direction control"))
    return Markup("").join(
        Markup('<span class="hidden-char" title="{}">{}</span>').format(title, marker(part))
        if hidden
        else escape(part)
        for part, hidden in split_hidden(str(value))
    )
