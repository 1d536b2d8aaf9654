"""PDF rendering through WeasyPrint (the only place that imports it): our templates, our fonts,
and a URL fetcher that serves nothing from the network or the file system."""

import io

import qrcode
import qrcode.image.svg
from flask import render_template
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher


def render_pdf(template: str, **context) -> bytes:
    """Render `templates/<template>` (HTML + CSS) to PDF bytes."""
    html = render_template(template, **context)
    buffer = io.BytesIO()
    # Everything a document needs is inline (CSS, QR code SVG): only data: URLs are fetched, so a
    # value in a template can never make the renderer read a file or call the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    HTML(string=html, url_fetcher=fetcher, base_url="about:blank").write_pdf(buffer)
    return buffer.getvalue()


def qr_svg(data: str, border: int = 2) -> Markup:
    """An inline SVG QR code (no image library, no file); `border` is the quiet zone in modules
    (the standard asks for 4 where nothing else frames the code, as on a bag label)."""
    image = qrcode.make(
        data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=border
    )
    return Markup(image.to_string(encoding="unicode"))
