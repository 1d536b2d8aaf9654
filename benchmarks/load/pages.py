"""What a browser reads from a page, for the load users: links, the CSRF token, a form's fields as
rendered (hidden inputs, the checked radio, the selected option, text areas) and its action.

Regular expressions over the app's own templates, not a full HTML parser: the load generator
shares the machine's two cores with the stack, and parsing every page with html.parser would cost
it more than the requests. Standard library only."""

from __future__ import annotations

import html
import re

_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
_INPUT = re.compile(r"<input\b([^>]*)>", re.I)
_SELECT = re.compile(r"<select\b([^>]*)>(.*?)</select>", re.S | re.I)
_OPTION = re.compile(r"<option\b([^>]*)>", re.I)
_TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S | re.I)
_ATTR = re.compile(r"""([\w:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def attributes(tag_body: str) -> dict[str, str]:
    """The attributes of one tag (`<input …>` without the brackets); a bare attribute is ''."""
    found = {}
    for name, double, single, bare in _ATTR.findall(tag_body):
        found[name.lower()] = html.unescape(double or single or bare)
    return found


def csrf_token(page: str) -> str:
    """The first CSRF token on the page (every form of a session carries the same one)."""
    match = _CSRF.search(page)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def ids(page: str, pattern: str) -> list[int]:
    """The numbers in the page's links matching `pattern` (a regex with one group), in page
    order without repeats: ids(page, r'/encounters/(\\d+)"')."""
    seen: dict[int, None] = {}
    for value in re.findall(pattern, page):
        seen.setdefault(int(value), None)
    return list(seen)


def hrefs(page: str, prefix: str) -> list[str]:
    """The link targets starting with `prefix`, unescaped, in page order."""
    return [html.unescape(h) for h in re.findall(r'href="(' + re.escape(prefix) + r'[^"]*)"', page)]


class Form:
    """One form as rendered: `action`, `attrs`, and `fields` (name → value a browser would send
    unchanged), plus `options` (select name → its option values) and `radios` (name → values)."""

    def __init__(self, attrs: dict[str, str], body: str):
        self.attrs = attrs
        self.action = attrs.get("action", "")
        self.body = body
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.radios: dict[str, list[str]] = {}
        self._read(body)

    def _read(self, body: str) -> None:
        for tag in _INPUT.findall(body):
            a = attributes(tag)
            name, kind = a.get("name"), a.get("type", "text").lower()
            if not name or kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("radio", "checkbox"):
                self.radios.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
                continue
            self.fields[name] = a.get("value", "")
        for tag, inner in _SELECT.findall(body):
            name = attributes(tag).get("name")
            if not name:
                continue
            options = [attributes(o) for o in _OPTION.findall(inner)]
            self.options[name] = [o.get("value", "") for o in options]
            chosen = next((o for o in options if "selected" in o), options[0] if options else None)
            self.fields[name] = chosen.get("value", "") if chosen else ""
        for tag, inner in _TEXTAREA.findall(body):
            name = attributes(tag).get("name")
            if name:
                self.fields[name] = html.unescape(inner.strip("\n"))


def forms(page: str) -> list[Form]:
    return [Form(attributes(tag), body) for tag, body in _FORM.findall(page)]


def form(
    page: str, action: str | None = None, form_id: str | None = None, method: str = "post"
) -> Form:
    """The page's form sent with `method` to `action` (its path, ignoring a query string), or
    the form with this id."""
    for candidate in forms(page):
        if form_id is not None and candidate.attrs.get("id") == form_id:
            return candidate
        same_method = candidate.attrs.get("method", "get").lower() == method
        if action is not None and same_method and candidate.action.split("?")[0] == action:
            return candidate
    raise ValueError(f"no form {form_id or action} on the page")


def has_error_flash(page: str) -> bool:
    """The page says an action was refused (a flash of category error)."""
    return 'class="flash flash-error"' in page
