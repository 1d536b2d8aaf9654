"""The UI speaks Simplified Chinese by default and English on request; the catalog is complete."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.factories import create_patient, login

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "tcm_app/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def _all_filled(string) -> bool:
    """A plural entry is a tuple of forms; each must be filled, not only the tuple."""
    return all(string) if isinstance(string, tuple) else bool(string)


def test_every_extracted_string_has_a_chinese_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            # Babel skips folders starting with "_" by default; templates/_macros holds strings too.
            "--ignore-dirs",
            ".*",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    with pot.open("rb") as template, CATALOG.open("rb") as po:
        wanted = {m.id for m in read_po(template) if m.id}
        catalog = read_po(po)
    translated = {m.id for m in catalog if m.id and _all_filled(m.string) and not m.fuzzy}
    assert wanted - translated == set()


def test_pages_are_chinese_by_default_and_english_on_request(app, client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert "Sign in" in english or "Log in" in english
    assert "登录" not in english.split("<body", 1)[1]


def test_language_choice_is_remembered(app, client):
    patient = create_patient()
    from tcm_app.extensions import db

    db.session.commit()
    client.get("/login?lang=en")
    login(client, patient.user)
    page = client.get("/me").get_data(as_text=True)
    assert "My visits" in page and "我的就诊" not in page


TEMPLATE = "{{ _('Sign out') }}|{{ ngettext('%(num)d day', '%(num)d days', 2) }}"


def test_a_template_follows_a_locale_forced_within_the_request_and_back(app):
    """Templates keep the request's translations; a locale forced for a while (a document in
    another language) is honoured, and the request's own comes back after it."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/?lang=zh_Hans_CN"):
        before = render_template_string(TEMPLATE)
        with force_locale("en"):
            forced = render_template_string(TEMPLATE)
        after = render_template_string(TEMPLATE)
    assert before.startswith("退出") and after == before
    assert forced == "Sign out|2 days"


def test_each_request_speaks_its_own_language(app, client):
    patient = create_patient()
    login(client, patient.user)
    assert "退出" in client.get("/me?lang=zh_Hans_CN").get_data(as_text=True)
    assert ">Sign out<" in client.get("/me?lang=en").get_data(as_text=True)
    assert "退出" in client.get("/me?lang=zh_Hans_CN").get_data(as_text=True)
