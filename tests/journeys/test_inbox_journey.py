"""A patient hears on the phone that the pharmacist approved the prescription: the unread count
shows in the navigation, the inbox lists the message, opening it leads to the prescription and
the count drops."""

from playwright.sync_api import expect

from herbs.services.documents import prescription_number
from tcm_app.extensions import db
from tests.factories import PASSWORD, approved_prescription
from tests.journeys.conftest import sign_in


def test_patient_reads_messages_in_the_inbox(app, live_server, person):
    rx = approved_prescription()
    patient, number = rx.patient.user.username, prescription_number(rx)
    db.session.commit()
    db.session.remove()

    page = person("patient", phone=True)
    sign_in(page, live_server, patient, PASSWORD)
    inbox_link = page.get_by_role("link", name="消息")
    expect(inbox_link).to_contain_text("1")
    inbox_link.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    message = page.get_by_role("button", name=f"您的处方（{number}）已通过药师审核")
    expect(message).to_contain_text("未读")
    message.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    expect(page.locator(".nav-inbox .badge-count")).to_have_count(0)
    page.get_by_role("link", name="消息").click()
    read = page.get_by_role("button", name=f"您的处方（{number}）已通过药师审核")
    expect(read).not_to_contain_text("未读")
