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
