"""Every page links the core's stylesheet first and then each installed domain's own, as their
setup.py registered them (tcm_app/stylesheets.py), and each is served as CSS."""

import re

from tcm_app.domains import INSTALLED_DOMAINS

WITH_STYLES = (
    "herbs",
    "consults",
    "diagnosis",
    "treatments",
    "constitution",
    "followup",
    "quality",
    "external_rx",
)


def linked_stylesheets(client, path="/login") -> list[str]:
    page = client.get(path).get_data(as_text=True)
    return re.findall(r'<link rel="stylesheet" href="([^"]+)">', page)


def test_the_core_sheet_comes_first_then_each_domain_in_installed_order(app, client):
    expected = ["/static/app.css"] + [
        f"/{name}/static/{name}.css" for name in INSTALLED_DOMAINS if name in WITH_STYLES
    ]
    assert linked_stylesheets(client) == expected


def test_each_linked_sheet_is_served_as_css_and_holds_its_rules(app, client):
    for href in linked_stylesheets(client):
        with client.get(href) as response:  # a static file: closed after reading
            assert response.status_code == 200 and response.mimetype == "text/css", href
            assert "{" in response.get_data(as_text=True), href
