"""Fewer items per screen in the elderly mode (issue 22): a patient's list page shows five items,
then 查看更多 opens the next five (and 上一页 the ones before), so every item stays reachable; in
the normal mode the same page shows the whole list with no such links, as before. The rule is
tcm_app/common/elder_screens.py (tests/common/test_elder_screens.py)."""

import re

import pytest

from tcm_app.extensions import db
from tcm_app.services import inbox
from tests.factories import create_patient, login, signed_prescription


def seven_prescriptions(patient):
    for _ in range(7):
        signed_prescription(patient=patient)


def seven_messages(patient):
    for n in range(7):
        inbox.post(patient.user, "test", f"第{n + 1}条消息")


# page, how to fill its list with seven items, what marks one item on the page
LISTS = [
    pytest.param(
        "/herbs/mine", seven_prescriptions, r"/herbs/prescriptions/\d+\"", id="my-prescriptions"
    ),
    pytest.param("/inbox", seven_messages, r"第\d条消息", id="my-messages"),
]


def items_on(page: str, item: str) -> int:
    return len(re.findall(item, page.split("<main")[-1]))


@pytest.mark.parametrize(("path", "fill", "item"), LISTS)
def test_the_elder_sees_five_then_the_rest_behind_see_more(app, client, path, fill, item):
    patient = create_patient()
    fill(patient)
    patient.user.elder_mode = True
    db.session.commit()
    login(client, patient.user)

    first = client.get(path).get_data(as_text=True)
    assert items_on(first, item) == 5
    assert "第 1 至 5 条，共 7 条。" in first and "上一页" not in first
    more = re.search(r'class="btn btn-primary more-link" href="([^"]+)">查看更多<', first)
    assert more is not None, "no 查看更多 link"

    rest = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert items_on(rest, item) == 2
    assert "第 6 至 7 条，共 7 条。" in rest and "上一页" in rest and "查看更多" not in rest
    shown = set(re.findall(item, first.split("<main")[-1])) | set(re.findall(item, rest))
    assert len(shown) == 7  # every item reachable, none twice


@pytest.mark.parametrize(("path", "fill", "item"), LISTS)
def test_the_normal_mode_shows_the_whole_list_without_links(app, client, path, fill, item):
    patient = create_patient()
    fill(patient)
    db.session.commit()
    login(client, patient.user)
    page = client.get(path).get_data(as_text=True)
    assert items_on(page, item) == 7
    assert "共 7 条" not in page and "上一页" not in page
    assert items_on(client.get(f"{path}?page=2").get_data(as_text=True), item) == 7
