"""A video consult on the production stack (make prod): two gunicorn nodes behind nginx, the
signaling relayed between them through Redis.

First the doctor is served by one node and the patient by the other, each page on its node's own
address: the call connects, video flows and chat goes both ways, so every signaling message
crossed from one process to the other through Redis. Then both open the call through nginx (TLS,
WebSocket upgrade) and each node in turn is killed (SIGKILL) mid-call and started again: whichever
node carried a socket, the page reconnects through nginx to the node still up, the video goes on
and chat still goes both ways."""

import time

import pytest

from tests.webrtc.calls import (
    call_value,
    chat_both_ways,
    frames,
    open_call,
    send_chat,
    wait_chat,
    wait_frames,
)
from tests.webrtc.prod_stack import ProdStack


@pytest.fixture(scope="module")
def stack():
    started = ProdStack()
    try:
        started.start()
        yield started
    finally:
        started.stop()


def demo_call(stack) -> int:
    return int(
        stack.sql(
            "SELECT id FROM encounters WHERE kind = 'online_followup' "
            "AND status = 'in_progress' ORDER BY id LIMIT 1"
        )
    )


def send_as_a_person_would(page, text: str, seconds: float = 30) -> None:
    """While its socket reconnects the page keeps the text in the box; the person presses send
    again a moment later, until the box empties (sent)."""
    deadline = time.monotonic() + seconds
    send_chat(page, text)
    while page.input_value("#chat-text"):
        assert time.monotonic() < deadline, f"never sent: {text}"
        time.sleep(1)
        page.locator("#chat-form button[type=submit]").click()


def test_doctor_on_one_node_and_patient_on_the_other(stack, browser):
    encounter_id = demo_call(stack)
    doctor, patient = open_call(
        browser, stack.node_url(1), encounter_id, patient_base=stack.node_url(2)
    )
    for page in (doctor, patient):
        wait_frames(page)
    chat_both_ways(doctor, patient, "两个节点")


def test_the_call_goes_on_through_nginx_when_either_node_dies(stack, browser):
    encounter_id = demo_call(stack)
    doctor, patient = open_call(browser, stack.base, encounter_id)
    pages = (doctor, patient)
    for page in pages:
        wait_frames(page)
    chat_both_ways(doctor, patient, "经由前端")
    generations = [call_value(page, "pcGeneration") for page in pages]

    for number in (1, 2):  # each socket was on one of the two: each is lost once
        stack.prod("node-kill", str(number))
        seen = [frames(page) for page in pages]
        tag = f"节点{number}停止后"
        send_as_a_person_would(doctor, f"医生说 {tag}")
        wait_chat(patient, f"医生说 {tag}", seconds=10)
        send_as_a_person_would(patient, f"病人说 {tag}")
        wait_chat(doctor, f"病人说 {tag}", seconds=10)
        for page, before in zip(pages, seen, strict=True):
            wait_frames(page, above=before, seconds=10)
        stack.prod("node-start", str(number))

    assert [call_value(page, "pcGeneration") for page in pages] == generations  # same media path
    assert "101" in stack.log("nginx-access.log")  # the sockets were upgraded by nginx
