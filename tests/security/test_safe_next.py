"""Finding 5: after signing in, `?next=` is followed only to a plain path on this site. Browsers
drop tabs and newlines from a URL: `/%09/evil.example` becomes `//evil.example`, another host."""

import pytest

from tcm_app.models.accounts import Role
from tcm_app.views.auth import safe_next
from tests.factories import PASSWORD, create_user

REFUSED = [
    pytest.param("//evil.example", id="two leading slashes (another host) are refused"),
    pytest.param("/\t/evil.example", id="tab before second slash is refused"),
    pytest.param("/%09/evil.example", id="percent-encoded tab before second slash is refused"),
    pytest.param("/\n/evil.example", id="newline is refused"),
    pytest.param("/%0a/evil.example", id="percent-encoded newline is refused"),
    pytest.param("/%0d%0aSet-Cookie:x=1", id="percent-encoded CR LF is refused"),
    pytest.param("/\r/evil.example", id="carriage return is refused"),
    pytest.param("/ /evil.example", id="space is refused"),
    pytest.param("/%20/evil.example", id="percent-encoded space is refused"),
    pytest.param("/\u3000desk", id="ideographic space is refused"),
    pytest.param("/\x00desk", id="NUL is refused"),
    pytest.param("/%00desk", id="percent-encoded NUL is refused"),
    pytest.param("/\\evil.example", id="backslash is refused"),
    pytest.param("/%5cevil.example", id="percent-encoded backslash is refused"),
    pytest.param("/%2f/evil.example", id="percent-encoded second slash is refused"),
    pytest.param("https://evil.example/", id="absolute URL is refused"),
    pytest.param("javascript:alert(1)", id="scheme is refused"),
    pytest.param("/%2F%2Fevil.example", id="percent-encoded double slash is refused"),
    pytest.param("desk", id="relative path is refused"),
    pytest.param("", id="empty is refused"),
    pytest.param(None, id="missing is refused"),
    pytest.param("/\u202edesk", id="bidi override is refused"),
]

ACCEPTED = [
    pytest.param("/desk", id="plain local path is followed"),
    pytest.param("/patients/3?tab=visits", id="local path with query is followed"),
    pytest.param("/prescriptions/7#lines", id="local path with fragment is followed"),
    pytest.param("/", id="home is followed"),
]


@pytest.mark.parametrize("target", REFUSED)
def test_unsafe_next_goes_home(app, target):
    with app.test_request_context():
        assert safe_next(target) is None


@pytest.mark.parametrize("target", ACCEPTED)
def test_plain_local_next_is_followed(app, target):
    with app.test_request_context():
        assert safe_next(target) == target


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("/%09/evil.example", id="tab in next signs in and goes home"),
        pytest.param("/%0a/evil.example", id="newline in next signs in and goes home, not a 500"),
        pytest.param("/%0d%0a/evil.example", id="CR LF in next signs in and goes home"),
    ],
)
def test_sign_in_with_a_crafted_next_lands_on_the_home_page(app, client, query):
    user = create_user(Role.CLINIC)
    response = client.post(
        f"/login?next={query}", data={"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
