"""Fewer items per screen in the elderly mode (长辈模式, issue 22): which part of a list one
screen shows, and whether there is a screen before or after it. Pure: standard library only.

The normal mode shows a list whole, as before. The elderly mode shows a few items at a time, with
查看更多 (the next few) and 上一页 (the few before): every item stays reachable, and an elder
never has to scroll through a long column of small differences to find one."""

from dataclasses import dataclass

# Five: what a 390x844 phone holds at the mode's 20 px type without scrolling far (a card of a
# prescription or an order is about 150 px tall there), and few enough to compare at a glance.
ITEMS_PER_SCREEN = 5


@dataclass(frozen=True)
class Screen:
    """Items [start, stop) of the list are shown; `page` counts from 1."""

    start: int
    stop: int
    page: int
    next_page: int | None  # None: this screen shows the last items
    previous_page: int | None  # None: this screen shows the first items
    total: int


def screen_of(total: int, page: int | None, elder: bool, per_screen: int = ITEMS_PER_SCREEN):
    """The part of a list of `total` items that screen `page` shows. A missing, malformed or
    out-of-range page number shows the nearest screen that exists (a link kept from a longer
    list must still open something)."""
    if not elder or total <= per_screen:
        return Screen(0, total, 1, None, None, total)
    last = -(-total // per_screen)  # ceiling division: a part-full last screen counts
    page = min(max(page or 1, 1), last)
    start = (page - 1) * per_screen
    return Screen(
        start=start,
        stop=min(start + per_screen, total),
        page=page,
        next_page=page + 1 if page < last else None,
        previous_page=page - 1 if page > 1 else None,
        total=total,
    )
