"""One shape for every list the API answers: `{"items": [...]}`, paged by `limit` and `offset`,
its query filters validated the same way (422 `bad_<name>`, `error.fields` naming the parameter,
the message in the caller's language)."""

import re
from dataclasses import dataclass
from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _

from tcm_app.common.errors import ValidationError

MAX_OFFSET = 100_000  # past this a client is scraping, not paging
WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def of_statement(self, statement):
        return statement.limit(self.limit).offset(self.offset)

    def of_list(self, rows) -> list:
        return list(rows)[self.offset : self.offset + self.limit]


def refuse_arg(name: str, problem: str, message: str):
    raise ValidationError(message, f"bad_{name}", {name: [problem]})


def paged(maximum: int, default: int | None = None):
    """Page a list view by `?limit=` (1 to `maximum`, default `default` or `maximum`: an old
    client asking for no page still gets the whole first page) and `?offset=`; validated
    before the view runs, which reads `g.page`. The OpenAPI document declares both."""
    default = default or maximum

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.page = page_args(default, maximum)
            return view(*args, **kwargs)

        wrapped.paging = (default, maximum)
        return wrapped

    return decorate


def paging_parameters(default: int, maximum: int) -> list[dict]:
    """The two query parameters of a paged list, for the OpenAPI document."""
    return [
        {
            "in": "query",
            "name": "limit",
            "schema": {"type": "integer", "minimum": 1, "maximum": maximum, "default": default},
        },
        {
            "in": "query",
            "name": "offset",
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
        },
    ]


def page_args(default: int, maximum: int) -> Page:
    """`?limit=` (1 to `maximum`, `default` when absent) and `?offset=` (0 when absent)."""
    return Page(
        whole_number_arg("limit", default, 1, maximum),
        whole_number_arg("offset", 0, 0, MAX_OFFSET),
    )


def whole_number_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not WHOLE_NUMBER.fullmatch(raw) or not low <= int(raw) <= high:
        message = _(
            "%(name)s must be a whole number from %(low)d to %(high)d",
            name=name,
            low=low,
            high=high,
        )
        refuse_arg(name, "out_of_range", message)
    return int(raw)


def choice_arg(name: str, choices) -> str | None:
    """An optional filter that must be one of `choices` (None when absent or empty)."""
    raw = request.args.get(name) or None
    if raw is not None and raw not in choices:
        message = _("%(name)s must be one of: %(choices)s", name=name, choices=", ".join(choices))
        refuse_arg(name, "invalid", message)
    return raw


def text_arg(name: str, max_chars: int) -> str:
    """An optional search text of at most `max_chars` characters ("" when absent)."""
    raw = request.args.get(name) or ""
    if len(raw) > max_chars:
        message = _("%(name)s is longer than %(max)d characters", name=name, max=max_chars)
        refuse_arg(name, "too_long", message)
    return raw


def list_response(schema, rows):
    """The one list envelope, each row dumped by the resource's schema."""
    return jsonify({"items": schema.dump(rows, many=True)})
