"""Files we hand to the browser or an API client: printed PDFs, uploaded documents, photos.

One set of headers for all of them, pages and API alike: they carry health data, so no browser
or proxy keeps a copy (`private, no-store`), the browser never guesses another type than the one
we state (`nosniff`), and the file name survives any alphabet (RFC 6266, with the RFC 5987
`filename*=UTF-8''…` form beside an ASCII fallback, as werkzeug's send_file builds it)."""

import unicodedata
from urllib.parse import quote

from flask import Response
from werkzeug.http import dump_options_header

PDF = "application/pdf"
NO_STORE = "private, no-store"


def pdf_response(pdf: bytes, filename: str, *, inline: bool) -> Response:
    """A PDF shown in the browser (inline) or saved (attachment) under `filename`."""
    return file_response(pdf, PDF, filename, inline=inline)


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool) -> Response:
    """Any stored or rendered file (a document, a photo): never cached, never sniffed."""
    response = Response(data, content_type=content_type)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    response.headers["Cache-Control"] = NO_STORE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def content_disposition(filename: str, *, inline: bool) -> str:
    """`inline` or `attachment` with the name; a non-ASCII name also goes as `filename*`, and
    `filename` keeps its closest ASCII form for clients that read only that."""
    kind = "inline" if inline else "attachment"
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
        encoded = f"UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"
        return dump_options_header(kind, {"filename": simple, "filename*": encoded})
    return dump_options_header(kind, {"filename": filename})
