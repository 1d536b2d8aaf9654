"""Invisible characters and text-direction controls (issue 15, finding 9).

"张三\u202eabc" shows as "张三cba": a right-to-left override, an isolate, a zero-width space or a
control character makes text read differently from what was typed. Names (of patients, family
members, recipients, staff, accounts) refuse them with a Chinese message at the field. Free text
(complaints, notes, chat) keeps what the person wrote, and staff see each such character as a
visible marker such as ⟨U+202E⟩: on every page (the template engine marks every printed string),
in a distinct style where patients' free text is shown, and in the consult chat."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consults.models import ChatMessage
from tcm_app.common.resident_id import build_resident_id
from tcm_app.common.text import has_hidden_in_name, hidden_class, marker, split_hidden
from tcm_app.extensions import db
from tcm_app.models.accounts import Role, User
from tcm_app.models.patients import Patient
from tcm_app.services import encounters as encounter_service
from tcm_app.services.clock import clinic_today
from tests.core.test_auth_pages import coded
from tests.factories import create_department, create_doctor, create_patient, create_user, login

# (character, its class, a short name for the test ids)
HIDDEN = [
    ("\u202e", "direction control", "right-to-left override"),
    ("\u202d", "direction control", "left-to-right override"),
    ("\u202a", "direction control", "left-to-right embedding"),
    ("\u202b", "direction control", "right-to-left embedding"),
    ("\u202c", "direction control", "pop directional formatting"),
    ("\u2066", "direction control", "left-to-right isolate"),
    ("\u2067", "direction control", "right-to-left isolate"),
    ("\u2068", "direction control", "first strong isolate"),
    ("\u2069", "direction control", "pop directional isolate"),
    ("\u200e", "direction control", "left-to-right mark"),
    ("\u200f", "direction control", "right-to-left mark"),
    ("\u061c", "direction control", "Arabic letter mark"),
    ("\u200b", "zero-width character", "zero-width space"),
    ("\u200c", "zero-width character", "zero-width non-joiner"),
    ("\u200d", "zero-width character", "zero-width joiner"),
    ("\u2060", "zero-width character", "word joiner"),
    ("\ufeff", "zero-width character", "byte order mark"),
    ("\u2028", "line or paragraph separator", "line separator"),
    ("\u2029", "line or paragraph separator", "paragraph separator"),
    ("\x00", "control character", "NUL"),
    ("\x07", "control character", "bell (C0 control)"),
    ("\x1b", "control character", "escape (C0 control)"),
    ("\x7f", "control character", "delete"),
    ("\x85", "control character", "next line (C1 control)"),
    ("\x9b", "control character", "control sequence introducer (C1 control)"),
    ("\u00ad", "format character", "soft hyphen"),
    ("\u2064", "format character", "invisible plus"),
]
ORDINARY = [
    ("张", "Chinese character"),
    ("·", "middle dot of a transliterated name"),
    ("\u3000", "ideographic space"),
    ("１", "full-width digit"),
    ("e\u0301", "combining accent"),
    ("😀", "emoji (astral plane)"),
    ("\U00020000", "CJK extension B character"),
]


@pytest.mark.parametrize(
    ("char", "kind"),
    [(c, k) for c, k, _ in HIDDEN],
    ids=[f"{name} is a {kind}" for _, kind, name in HIDDEN],
)
def test_hidden_characters_are_classified(char, kind):
    assert hidden_class(char) == kind


@pytest.mark.parametrize(
    "text", [t for t, _ in ORDINARY], ids=[f"{n} is ordinary" for _, n in ORDINARY]
)
def test_ordinary_characters_are_not_hidden(text):
    assert all(hidden_class(char) is None for char in text)
    assert not has_hidden_in_name(f"张{text}三")
    assert split_hidden(text) == [(text, False)]


@pytest.mark.parametrize(
    "char",
    [c for c, _, _ in HIDDEN] + ["\t", "\n", "\r"],
    ids=[f"{name} in a name is refused" for _, _, name in HIDDEN]
    + [
        "tab in a name is refused",
        "newline in a name is refused",
        "carriage return in a name is refused",
    ],
)
def test_names_refuse_hidden_characters(char):
    assert has_hidden_in_name(f"张三{char}abc")


@pytest.mark.parametrize(
    "char",
    [c for c, _, _ in HIDDEN],
    ids=[f"{name} in a note is shown as a marker" for _, _, name in HIDDEN],
)
def test_free_text_shows_hidden_characters_as_markers(char):
    assert split_hidden(f"胃痛{char}三天") == [("胃痛", False), (char, True), ("三天", False)]
    assert marker(char) == f"⟨U+{ord(char):04X}⟩"


@pytest.mark.parametrize(
    "text",
    ["胃痛\n三天", "胃痛\t三天", "胃痛\r\n三天"],
    ids=["newline in a note stays", "tab in a note stays", "CRLF in a note stays"],
)
def test_free_text_keeps_line_breaks_and_tabs(text):
    assert split_hidden(text) == [(text, False)]


# ---- names on the pages ------------------------------------------------------------------------

NAME_REFUSED = "含有不可见字符或改变文字方向的字符"


def field_error(page: str, field_id: str) -> str:
    """The error list shown under the field with this id ("" when there is none)."""
    if f'id="{field_id}-error"' not in page:
        return ""
    return page.split(f'id="{field_id}-error"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(
            "legal_name", "张三\u202eabc", id="right-to-left override in a legal name is refused"
        ),
        pytest.param("legal_name", "张\u200b三", id="zero-width space in a legal name is refused"),
        pytest.param("username", "zhang\u2066san", id="isolate in a username is refused"),
        pytest.param("username", "zhang\x85san", id="C1 control in a username is refused"),
    ],
)
def test_registration_refuses_hidden_characters_in_names(app, client, field, value):
    response = client.post("/register", data=coded(client, **{field: value}))
    assert 400 <= response.status_code < 500
    assert NAME_REFUSED in field_error(response.get_data(as_text=True), field)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_a_family_member_with_a_direction_control_in_the_name_is_refused(app, client):
    guardian = create_patient()
    db.session.commit()
    login(client, guardian.user)
    child_id = build_resident_id("110105", clinic_today() - timedelta(days=3 * 365), 5, "male")
    data = {"legal_name": "王\u202e小宝", "id_number": child_id, "relation": "parent"}
    response = client.post("/me/wards", data=data)
    assert 400 <= response.status_code < 500
    assert NAME_REFUSED in field_error(response.get_data(as_text=True), "ward-legal_name")
    assert db.session.scalar(sa.select(sa.func.count(Patient.id))) == 1


def test_a_recipient_with_a_zero_width_space_is_refused(app, client):
    patient = create_patient()
    db.session.commit()
    login(client, patient.user)
    data = {"recipient": "张\u200b三", "phone": "13700001111", "region": "北京市", "detail": "1号"}
    response = client.post("/me/addresses", data=data)
    assert 400 <= response.status_code < 500
    assert NAME_REFUSED in field_error(response.get_data(as_text=True), "address-recipient")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("full_name", "李\u2067医生", id="isolate in a staff full name is refused"),
        pytest.param("username", "dr\ufeffli", id="byte order mark in a staff username is refused"),
    ],
)
def test_staff_names_refuse_hidden_characters(app, client, field, value):
    create_department()
    login(client, create_user(Role.ADMIN))
    form = {
        "username": "dr-li",
        "full_name": "李医生",
        "password": "Li-2024-pass",
        "role": "clinic",
        "title": "attending",
        "department_code": "tcm_internal",
        field: value,
    }
    response = client.post("/admin/users", data=form)
    assert 400 <= response.status_code < 500
    assert NAME_REFUSED in field_error(response.get_data(as_text=True), field)
    assert db.session.scalar(sa.select(User).where(User.full_name.contains("医生"))) is None


# ---- free text as staff see it -----------------------------------------------------------------

COMPLAINT = "胃痛\u202e天三\u200b已"


def test_a_complaint_keeps_its_characters_and_the_doctor_sees_markers(app, client):
    doctor = create_doctor()
    patient = create_patient()
    encounter = encounter_service.request_encounter(
        patient.user, patient, doctor, "online_followup", COMPLAINT, clinic_today()
    )
    db.session.commit()
    login(client, doctor)
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert '<span class="hidden-char" title="' in page
    assert "⟨U+202E⟩</span>天三" in page and "⟨U+200B⟩</span>已" in page
    assert "\u202e" not in page and "\u200b" not in page
    db.session.refresh(encounter)
    assert encounter.chief_complaint == COMPLAINT  # the record is not altered


def test_every_printed_string_marks_hidden_characters_and_stays_escaped(app):
    template = app.jinja_env.from_string("<p title='{{ t }}'>{{ t }}</p>")
    html = template.render(t="<b>\u202e</b>")
    assert html == "<p title='&lt;b&gt;⟨U+202E⟩&lt;/b&gt;'>&lt;b&gt;⟨U+202E⟩&lt;/b&gt;</p>"


def test_the_styled_filter_escapes_the_text_around_its_markers(app):
    with app.test_request_context("/"):
        html = app.jinja_env.from_string("{{ t|visible_controls }}").render(t="<i>\u2066x")
    assert html.startswith('&lt;i&gt;<span class="hidden-char" title="')
    assert html.endswith('">⟨U+2066⟩</span>x')


def test_chat_in_the_consult_record_shows_markers(app, client):
    from tests.factories import create_prescribable_encounter

    encounter = create_prescribable_encounter()
    db.session.add(
        ChatMessage(
            encounter_id=encounter.id, sender_id=encounter.patient.user.id, text="好\u202e了"
        )
    )
    db.session.commit()
    login(client, encounter.doctor)
    page = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert "⟨U+202E⟩</span>了" in page
