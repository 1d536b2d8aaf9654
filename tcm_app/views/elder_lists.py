"""Lists in the elderly mode (长辈模式): a few items per screen, with 查看更多 and 上一页 links
that keep every item reachable (the rule: tcm_app/common/elder_screens.py). A patient page's
template asks `elder_screen(items, "page")` for what to show and renders the links with
ui.screen_links; in the normal mode it gets the whole list and no links, as before."""

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from tcm_app.common.elder_screens import Screen, screen_of
from tcm_app.navigation import in_elder_mode


@dataclass(frozen=True)
class ListScreen:
    items: list  # what this screen shows
    screen: Screen
    more_url: str | None  # 查看更多: the next few items
    back_url: str | None  # 上一页: the few before


def elder_screen(items, key: str = "page") -> ListScreen:
    """The part of `items` this request shows. `key` names the query parameter of this list's
    screen number (a page with two lists gives each its own)."""
    items = list(items)
    screen = screen_of(len(items), request.args.get(key, type=int), in_elder_mode())
    return ListScreen(
        items=items[screen.start : screen.stop],
        screen=screen,
        more_url=_screen_url(key, screen.next_page),
        back_url=_screen_url(key, screen.previous_page),
    )


def _screen_url(key: str, page: int | None) -> str | None:
    """This page's address with the list's screen number changed, every other query kept."""
    if page is None:
        return None
    values: dict[str, Any] = {**(request.view_args or {}), **request.args.to_dict(), key: page}
    return url_for(request.endpoint or "", **values)
