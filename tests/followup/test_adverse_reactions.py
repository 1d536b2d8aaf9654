"""Adverse reactions (followup/services/reactions.py): a patient reports one against their own
dispensed prescription, with its herbs as they were; every pharmacist and the prescribing doctor
are told at once; the report is due by its severity; a pharmacist assesses causality, then the
quality office records the report to the monitoring system, in that order; who sees what."""

from datetime import timedelta

import pytest

from followup.services import reactions
from tcm_app.common.errors import ConflictError, NotFoundError, ValidationError
from tcm_app.extensions import db
from tcm_app.models.accounts import Role
from tests.factories import create_pharmacist, create_user, signed_prescription
from tests.followup.helpers import START, at_noon, messages, visit_with_prescription


def report(user, rx, **change):
    values = {
        "onset_on": START, "severity": "mild", "description": "服药后大便偏稀，每日两次",
        "suspected": [], **change,
    }  # fmt: skip
    return reactions.report(user, rx, **values)


@pytest.fixture
def rx(app):
    with at_noon(START):
        _, rx = visit_with_prescription()
        return rx


def test_a_patients_report_keeps_the_herbs_and_reaches_pharmacists_and_the_doctor(rx):
    second = create_pharmacist(username="pharm-2")
    db.session.commit()
    with at_noon(START + timedelta(days=1)):
        reaction = report(rx.patient.user, rx, severity="serious", suspected=["当归"])
        db.session.commit()
    assert reaction.herbs == [{"name": "黄芪", "dose_g": 30.0}, {"name": "当归", "dose_g": 10.0}]
    assert reaction.suspected == ["当归"] and reaction.reporter_role == "patient"
    assert reaction.report_due_on == START + timedelta(days=16)  # serious: 15 days
    assert reaction.status == "reported"
    for reader in (rx.reviewed_by, second, rx.doctor):
        [text] = messages(reader, "adverse_reaction")
        assert text.startswith(f"{rx.patient.legal_name}报告了不良反应（处方RX")
    assert messages(rx.patient.user, "adverse_reaction") == []


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"onset_on": None}, "onset_on", "onset_required"),
        ({"onset_on": START + timedelta(days=2)}, "onset_on", "onset_in_future"),
        ({"onset_on": START - timedelta(days=1)}, "onset_on", "onset_before_prescription"),
        ({"severity": "awful"}, "severity", "severity_required"),
        ({"description": "不适"}, "description", "description_length"),
        ({"description": "长" * 2001}, "description", "description_length"),
        ({"suspected": ["附子"]}, "suspected", "not_in_prescription"),
    ],
    ids=[
        "without the day it began",
        "beginning in the future",
        "beginning before the prescription was signed",
        "an unknown severity",
        "a description under 5 characters",
        "a description over 2000 characters",
        "a suspected herb the prescription lacks",
    ],
)
def test_an_incomplete_report_is_refused_naming_the_field(rx, change, field, code):
    with at_noon(START + timedelta(days=1)), pytest.raises(ValidationError) as refused:
        report(rx.patient.user, rx, **change)
    assert refused.value.fields[field] == [code]


def test_only_a_dispensed_prescription_of_ones_own_can_be_reported(rx):
    with at_noon(START):
        _, other = visit_with_prescription()
        waiting = signed_prescription(patient=rx.patient)  # not yet reviewed
        db.session.commit()
        for prescription in (other, waiting):
            with pytest.raises(NotFoundError):
                report(rx.patient.user, prescription)
        assert report(rx.doctor, rx).reporter_role == "doctor"  # the prescribing doctor may


def test_a_pharmacist_assesses_then_the_quality_office_reports(rx):
    officer = create_user(Role.QUALITY, username="quality-1")
    pharmacist = rx.reviewed_by
    with at_noon(START):
        reaction = report(rx.patient.user, rx)
        db.session.commit()
        with pytest.raises(ConflictError) as early:
            reactions.record_submission(reaction, officer, "ADR-2026-0001")
        assert early.value.code == "reaction_not_reviewed"
        with pytest.raises(ValidationError):
            reactions.review(reaction, pharmacist, "probable", "  ")
        reactions.review(reaction, pharmacist, "probable", "与当归润肠相关可能性大，建议减量")
        with pytest.raises(ConflictError):
            reactions.review(reaction, pharmacist, "possible", "再评")
        with pytest.raises(ValidationError):
            reactions.record_submission(reaction, officer, "")
        reactions.record_submission(reaction, officer, "ADR-2026-0001")
        db.session.commit()
    assert (reaction.status, reaction.causality, reaction.submission_ref) == (
        "submitted", "probable", "ADR-2026-0001",
    )  # fmt: skip


def test_who_sees_a_reaction(rx):
    with at_noon(START):
        reaction = report(rx.patient.user, rx)
        _, other = visit_with_prescription()
        db.session.commit()
    allowed = [rx.patient.user, rx.doctor, rx.reviewed_by, create_user(Role.QUALITY)]
    refused = [other.patient.user, other.doctor, create_user(Role.CLINIC), create_user(Role.ADMIN)]
    for user in allowed:
        assert reactions.visible_reaction(user, reaction.id) is reaction
    for user in refused:
        with pytest.raises(NotFoundError):
            reactions.visible_reaction(user, reaction.id)
