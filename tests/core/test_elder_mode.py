"""The elderly mode (长辈模式, issue 22): the patient switches it on once and it stays on (a form
post, audited); the pages then link elder.css, whose palette holds text at 7:1 or more against
white, and /me shows the main tasks as large buttons, with the clinic's phone number to call."""

import json
import re
from pathlib import Path

import pytest

from tcm_app.app import create_app
from tcm_app.config import ConfigError, apply_environment, default_config, tel_uri
from tcm_app.extensions import db
from tcm_app.models.audit import AuditEntry
from tests.core.test_config import SAFE
from tests.factories import create_child, create_encounter, create_patient, login

ELDER_CSS = Path(__file__).resolve().parents[2] / "tcm_app" / "static" / "elder.css"
WHITE = (255, 255, 255)


# ---- contrast: computed from the custom properties of elder.css ------------------------------


def hex_colour(value: str) -> tuple[int, int, int]:
    value = value.strip().lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def palette() -> dict[str, tuple[int, int, int]]:
    root = re.search(r":root\s*\{(.*?)\}", ELDER_CSS.read_text(), re.S).group(1)
    return {
        name: hex_colour(value)
        for name, value in re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", root)
    }


# Text colours and the background they are read on in the elderly mode: the page and cards are
# white (--page, --paper), badges white (forced in elder.css), buttons white on their colour.
TEXT_ON = [
    ("ink", "paper", "body text on the page"),
    ("muted", "paper", "hints and meta lines"),
    ("brand", "paper", "links and the task buttons' labels"),
    ("brand-dark", "paper", "visited links"),
    ("accent", "accent-soft", "a done badge's colour, were it kept"),
    ("warn", "warn-soft", "a warning's text"),
    ("error", "error-soft", "an error beside a field"),
    ("ink", "brand-soft", "a badge's text"),
]


@pytest.mark.parametrize(
    "text, background", [(t, b) for t, b, _ in TEXT_ON], ids=[why for *_, why in TEXT_ON]
)
def test_the_elder_palette_reaches_7_to_1(text, background):
    colours = palette()
    assert contrast(colours[text], colours[background]) >= 7


@pytest.mark.parametrize(
    "fill", ["brand", "brand-dark", "error"], ids=lambda f: f"white on {f} buttons and the top bar"
)
def test_white_on_the_filled_buttons_reaches_7_to_1(fill):
    assert contrast(WHITE, palette()[fill]) >= 7


def test_guard_the_normal_muted_grey_is_below_7_to_1():
    # app.css's --muted (#5c6470) passes AA but not 7:1: the check above would catch it.
    assert contrast(hex_colour("#5c6470"), WHITE) < 7


def test_the_elder_sheet_sets_body_text_at_20_px_and_targets_at_56_px():
    css = ELDER_CSS.read_text()
    body = re.search(r"\nbody\s*\{(.*?)\}", css, re.S).group(1)
    assert re.search(r"font-size:\s*1\.25rem", body)  # 20 px at the default 16 px
    assert "--elder-target: 3.5rem" in css  # 56 px


# ---- the clinic's phone number (TCM_CLINIC_PHONE) ---------------------------------------------


@pytest.mark.parametrize(
    "phone, tel",
    [("010-12345678", "tel:01012345678"), ("+86 10 1234 5678", "tel:+861012345678")],
    ids=["a city number with its area code", "an international number with spaces"],
)
def test_a_phone_number_becomes_a_tel_link(phone, tel):
    assert tel_uri(phone) == tel


def test_the_clinic_phone_comes_from_the_environment(tmp_path):
    config = default_config(str(tmp_path))
    apply_environment(config, {"TCM_CLINIC_PHONE": "0571-87654321"})
    assert config["CLINIC_PHONE"] == "0571-87654321"


@pytest.mark.parametrize(
    "value",
    ["", "call us", "120", "010--1234", "1" * 16, 12345678],
    ids=[
        "empty",
        "words",
        "the emergency number is not the clinic's",
        "two dashes in a row",
        "too many digits",
        "not text",
    ],
)
def test_a_bad_clinic_phone_stops_start(value):
    with pytest.raises(ConfigError, match="TCM_CLINIC_PHONE"):
        create_app({**SAFE, "ENV_NAME": "development", "CLINIC_PHONE": value})


# ---- the switch and the home page -------------------------------------------------------------


def switch(client, on: bool):
    return client.post("/me/elder-mode", data={"on": "1" if on else "0"})


def test_the_switch_is_kept_linked_and_audited(app, client):
    patient = create_patient()
    db.session.commit()
    login(client, patient.user)
    assert "/static/elder.css" not in client.get("/me").get_data(as_text=True)
    assert switch(client, True).headers["Location"] == "/me"
    db.session.refresh(patient.user)
    assert patient.user.elder_mode is True
    page = client.get("/inbox").get_data(as_text=True)  # every page, not only the home
    assert page.index("/static/app.css") < page.index("/static/elder.css")
    switch(client, False)
    db.session.refresh(patient.user)
    assert patient.user.elder_mode is False
    audited = db.session.scalars(
        db.select(AuditEntry.details).where(AuditEntry.action == "account.elder_mode")
    ).all()
    assert [json.loads(d)["after"] for d in audited] == [True, False]


def test_a_garbled_switch_changes_nothing(app, client):
    patient = create_patient()
    db.session.commit()
    login(client, patient.user)
    response = client.post("/me/elder-mode", data={"on": "yes"})
    assert response.status_code == 302
    db.session.refresh(patient.user)
    assert patient.user.elder_mode is False


def test_a_guardians_account_switches_it_too_and_sees_the_childs_visit(app, client):
    guardian = create_patient()
    child = create_child(guardian, name="王小宝")
    create_encounter(patient=child, actor=guardian.user)
    db.session.commit()
    login(client, guardian.user)
    switch(client, True)
    page = client.get("/me").get_data(as_text=True)
    assert 'class="elder-tasks"' in page
    assert "为王小宝看病" in page  # 我今天的就诊 names whom the visit is for
    assert "王小宝" in page.split("我也替他们办事")[1]


def test_the_elder_home_shows_the_four_main_tasks_and_calls_the_clinic(app, client):
    patient = create_patient()
    encounter = create_encounter(patient=patient)
    patient.user.elder_mode = True
    db.session.commit()
    login(client, patient.user)
    page = client.get("/me").get_data(as_text=True)
    tasks = page.split('class="elder-tasks"')[1].split("</ul>")[0]
    labels = re.findall(r'class="elder-task-label">([^<]+)<', tasks)
    assert labels == ["我今天的就诊", "我的药", "我的下次治疗", "打电话给医院"]
    assert f'href="/encounters/{encounter.id}"' in tasks
    assert 'href="tel:01012345678"' in tasks
    assert "还没有开药" in tasks and "还没有预约治疗" in tasks


def test_the_elder_home_lists_a_few_visits_then_see_more(app, client):
    patient = create_patient()
    for _ in range(5):
        create_encounter(patient=patient)
    patient.user.elder_mode = True
    db.session.commit()
    login(client, patient.user)
    few = client.get("/me").get_data(as_text=True).split('id="visits-title"')[1]
    assert few.count('class="item-link"') == 3 and "查看更多" in few
    everything = client.get("/me?all=visits").get_data(as_text=True)
    assert everything.split('id="visits-title"')[1].count('class="item-link"') == 5
