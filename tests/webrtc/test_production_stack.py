"""A video consult on the production stack (make prod): two gunicorn nodes behind nginx, the
signaling relayed between them through Redis.

First the doctor is served by one node and the patient by the other, each page on its node's own
address: the call connects, video flows and chat goes both ways, so every signaling message
crossed from one process to the other through Redis. Then both open the call through nginx (TLS,
WebSocket upgrade) and each node in turn is killed (SIGKILL) mid-call and started again: whichever
node carried a socket, the page reconnects through nginx to the node still up, the video goes on
and chat still goes both ways."""

import re
import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

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
from tests.webrtc.prod_stack import ProdStack, stack_tls


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


# --- limits at the front: nginx stops what must never reach a node ---------------------------


def tls_socket(port: int) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", port), timeout=30)
    return stack_tls().wrap_socket(raw, server_hostname="127.0.0.1")


def test_an_oversized_body_stops_at_nginx(stack):
    body = b"x" * (13 * 1024 * 1024)  # the app's limit is 12 MiB
    request = urllib.request.Request(
        stack.base + "/api/v1/encounters/1/tongue-images", data=body, method="POST"
    )
    request.add_header("Content-Type", "application/octet-stream")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, context=stack_tls(), timeout=30)
    refused.value.close()
    assert refused.value.code == 413
    logged = stack.wait_for_log("nginx-access.log", "tongue-images")  # written once closed
    assert " 413 " in logged and "node=-" in logged  # never passed to a node


def test_slow_clients_wait_at_nginx_not_in_a_worker(stack):
    """More clients than the nodes have threads (2 nodes x 2 workers x 16) send half a request
    and stall: nginx holds them, a normal request is still answered at once, and nginx drops
    the stalled ones after its header timeout (10 s)."""
    stalled = []
    for _ in range(80):
        client = tls_socket(stack.https_port)
        client.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")  # never ends
        stalled.append(client)
    status, _ = stack.get("/login", timeout=5)  # answered while all of them stall
    assert status == 200
    time.sleep(12)
    held = 0
    for client in stalled:
        client.settimeout(1)
        try:
            answer = client.recv(1024)
            held += answer not in (b"",) and not answer.startswith(b"HTTP/1.1 408")
        except TimeoutError:
            held += 1  # still open: nginx did not drop it
        except (ssl.SSLError, OSError):
            pass  # reset: dropped
        finally:
            client.close()
    assert held == 0


# --- a fault under load: what make faults runs, one of its faults ------------------------------


def test_restarting_postgresql_under_load_loses_no_acknowledged_write(stack):
    """Writers and readers go through nginx while PostgreSQL restarts: requests in flight are
    refused with a retryable 503 (or answered), every acknowledged upload is there with its
    file, none twice, the audit chain is intact and every queued analysis ran."""
    report = stack.script("faults.py", "postgres")
    assert "all checks passed" in report, report
    row = next(line for line in report.splitlines() if line.startswith("postgres "))
    refusals = dict(re.findall(r"(\d+|no answer): (\d+)", row))
    assert set(refusals) <= {"503"}, row  # retryable, never a 500 or a cut connection


def test_a_client_flooding_one_endpoint_is_limited_across_both_nodes(stack):
    """The API's per-client limit (600 a minute per endpoint) is counted in Redis, so requests
    spread over both nodes share one count: the flood is refused (429) after at most one limit
    (two, when the minute turns during the run); counted per process, four worker processes
    would let about 2,400 through."""
    token = stack.token("demo-doctor")

    def flood(count: int) -> list[int]:  # one kept-alive connection, as a script would
        connection = stack.connection()
        try:
            return [stack.over(connection, "/api/v1/herbs?q=dg", token) for _ in range(count)]
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        answers = [status for batch in pool.map(flood, [325] * 4) for status in batch]
    assert set(answers) <= {200, 429}
    assert 429 in answers and answers.count(200) <= 1200, answers.count(200)
    served_by = {
        line.split("node=")[1].split()[0]
        for line in stack.log("nginx-access.log").splitlines()
        if "/api/v1/herbs?q=dg" in line and " 200 " in line
    }
    assert len(served_by) == 2, served_by  # both nodes counted into the same limit
