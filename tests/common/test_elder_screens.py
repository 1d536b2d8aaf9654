"""Fewer items per screen in the elderly mode: which items a screen shows, and its links."""

import pytest

from tcm_app.common.elder_screens import ITEMS_PER_SCREEN, screen_of

pytestmark = pytest.mark.pure

CASES = [
    # total, page, elder → start, stop, page, next, previous
    pytest.param(12, 1, False, (0, 12, 1, None, None), id="normal-mode-shows-the-whole-list"),
    pytest.param(12, 3, False, (0, 12, 1, None, None), id="normal-mode-ignores-a-page-number"),
    pytest.param(0, 1, True, (0, 0, 1, None, None), id="an-empty-list-has-one-empty-screen"),
    pytest.param(5, 1, True, (0, 5, 1, None, None), id="five-fit-on-one-screen-no-more-link"),
    pytest.param(6, 1, True, (0, 5, 1, 2, None), id="six-show-five-and-a-more-link"),
    pytest.param(6, 2, True, (5, 6, 2, None, 1), id="the-sixth-on-the-second-screen"),
    pytest.param(12, 2, True, (5, 10, 2, 3, 1), id="a-middle-screen-links-both-ways"),
    pytest.param(12, 3, True, (10, 12, 3, None, 2), id="the-last-screen-is-part-full"),
    pytest.param(12, None, True, (0, 5, 1, 2, None), id="no-page-number-is-the-first-screen"),
    pytest.param(12, 0, True, (0, 5, 1, 2, None), id="page-zero-is-the-first-screen"),
    pytest.param(12, -4, True, (0, 5, 1, 2, None), id="a-negative-page-is-the-first-screen"),
    pytest.param(12, 99, True, (10, 12, 3, None, 2), id="a-page-past-the-end-is-the-last"),
]


@pytest.mark.parametrize(("total", "page", "elder", "expected"), CASES)
def test_the_screen_of_a_list(total, page, elder, expected):
    screen = screen_of(total, page, elder)
    shown = (screen.start, screen.stop, screen.page, screen.next_page, screen.previous_page)
    assert shown == expected
    assert screen.total == total


def test_every_item_is_on_exactly_one_screen():
    total, seen, page = 23, [], 1
    while page is not None:
        screen = screen_of(total, page, elder=True)
        assert screen.stop - screen.start <= ITEMS_PER_SCREEN
        seen += range(screen.start, screen.stop)
        page = screen.next_page
    assert seen == list(range(total))
