"""Walking an app by its links in Chromium, as the page sweeps do (the Chinese-only sweep, the
patient pages' measurements, the elderly mode's pages, `make a11y`): which links to follow, when
two addresses are one page, and whether an address is a page at all."""

import re
from urllib.parse import urljoin, urlsplit

# Never followed: they end the session, switch the language, or download a file.
SKIP = re.compile(
    r"/logout|[?&]lang=|\.(pdf|ics|csv|json|png|jpe?g|svg)\b|/download|/static/|/files/"
)


def path_shape(path: str) -> str:
    """Pages that differ only by an id are one page."""
    return re.sub(r"\d+", "N", path)


def url_shape(url: str) -> str:
    """Pages that differ only by ids or query values are one page: the path's shape and the
    names of the query's keys."""
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return path_shape(parts.path) + ("?" + "&".join(keys) if keys else "")


def links_on(page, base: str) -> list[str]:
    """The same-origin addresses the page links to, without fragments or the skipped ones."""
    hrefs = page.eval_on_selector_all(
        "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
    )
    found = [urljoin(page.url, href).split("#")[0] for href in hrefs]
    return [url for url in found if url.startswith(base) and not SKIP.search(url)]


def is_html_page(page, url: str) -> bool:
    """An HTML page (or a redirect to one), not a file the browser would show or download."""
    answer = page.context.request.get(url, max_redirects=0)
    return answer.status >= 300 or answer.headers.get("content-type", "").startswith("text/html")
