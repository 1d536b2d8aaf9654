"""Addresses that leave the browser (QR codes, calendar feeds, reminder links) follow one rule:
the configured public address first, then the request's host, then SERVER_NAME, then the path
alone; the same in a request, a Celery task or a command."""

import pytest

from tcm_app.services.urls import public_url, site_path

ENDPOINT = ("decoction.trace", {"token": "abc"})
PATH = "/decoction/trace/abc"


def build(app, in_request: bool) -> str:
    endpoint, values = ENDPOINT
    if not in_request:
        return public_url(endpoint, **values)
    with app.test_request_context(base_url="http://10.0.0.7:5000/"):
        return public_url(endpoint, **values)


@pytest.mark.parametrize("in_request", [True, False], ids=["in-a-request", "in-a-task"])
def test_the_public_address_wins_wherever_it_is_built(app, in_request):
    app.config["PUBLIC_BASE_URL"] = "https://tcm.example.cn/"
    assert build(app, in_request) == "https://tcm.example.cn" + PATH


def test_without_a_public_address_a_request_uses_its_own_host(app):
    app.config["PUBLIC_BASE_URL"] = ""
    assert build(app, in_request=True) == "http://10.0.0.7:5000" + PATH


def test_a_task_without_a_public_address_uses_the_server_name(app):
    app.config.update(PUBLIC_BASE_URL="", SERVER_NAME="clinic.example.cn")
    with app.app_context():  # Flask binds the URL adapter to SERVER_NAME when a context starts
        assert build(app, in_request=False) == "http://clinic.example.cn" + PATH


def test_a_task_with_no_address_at_all_gives_the_path_not_an_error(app):
    app.config.update(PUBLIC_BASE_URL="", SERVER_NAME=None)
    assert build(app, in_request=False) == PATH


def test_the_site_path_is_the_same_with_or_without_a_request(app):
    with app.test_request_context():
        in_request = site_path("treatments.booking_view", booking_id=5)
    assert in_request == site_path("treatments.booking_view", booking_id=5)
    assert in_request == "/treatments/bookings/5"
