"""Files handed out (PDFs, documents, photos) carry one set of headers: never cached, never
sniffed, and a file name that survives any alphabet (RFC 6266 / RFC 5987)."""

import pytest
from werkzeug.http import parse_options_header

from tcm_app.views.responses import content_disposition, file_response, pdf_response


@pytest.mark.parametrize(
    ("filename", "inline", "expected"),
    [
        pytest.param(
            "day-sheet-2026-03-10.pdf",
            True,
            "inline; filename=day-sheet-2026-03-10.pdf",
            id="ascii-name-shown-inline",
        ),
        pytest.param(
            "prescription-7-2.pdf",
            False,
            "attachment; filename=prescription-7-2.pdf",
            id="ascii-name-saved",
        ),
        pytest.param(
            "my file.pdf", False, 'attachment; filename="my file.pdf"', id="space-is-quoted"
        ),
        pytest.param(
            "处方-7.pdf",
            False,
            "attachment; filename=-7.pdf; filename*=UTF-8''%E5%A4%84%E6%96%B9-7.pdf",
            id="chinese-name-goes-as-filename-star",
        ),
    ],
)
def test_the_disposition_names_the_file(filename, inline, expected):
    assert content_disposition(filename, inline=inline) == expected


def test_a_chinese_name_reads_back_whole():
    _kind, options = parse_options_header(content_disposition("处方笺 张三.pdf", inline=False))
    assert options["filename"] == "处方笺 张三.pdf"  # werkzeug prefers filename* when present


def test_a_pdf_is_never_cached_or_sniffed(app):
    response = pdf_response(b"%PDF-1.7", "labels.pdf", inline=True)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "inline; filename=labels.pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == b"%PDF-1.7"


def test_any_file_keeps_its_own_type(app):
    response = file_response(b"\x89PNG", "image/png", "document-3", inline=True)
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "private, no-store"
