"""Image decompression bombs: every way an image comes in reads its size from the header and
refuses one too large (422 image_too_large) before anything decodes it; a damaged header is a
4xx too, never a 500; and nothing of a refused upload is stored.

The bombs are built in memory. The real one from the probe: a PNG of 30000×30000 grey pixels,
875 KB on the wire (zeros compress about 1000:1), streamed through zlib row block by row block so
the test never holds the 900 MB it stands for."""

import functools
import os
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
import sqlalchemy as sa
from flask import has_request_context

from consults.models import ChatMessage
from diagnosis.models import TongueImage
from tcm_app.extensions import db
from tcm_app.models.encounters import ClinicalDocument
from tests.factories import bearer, create_encounter, create_prescribable_encounter, login

JSON = {"Accept": "application/json"}
UPLOAD_NAME = "record.png"
ROOT = Path(__file__).resolve().parents[2]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_of(width: int, height: int, idat: bytes) -> bytes:
    """An 8-bit greyscale PNG with the given compressed pixel data."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


@functools.cache
def zero_png(width: int, height: int) -> bytes:
    """A real, complete PNG of width×height black pixels, compressed in blocks of rows."""
    compressor = zlib.compressobj(9)
    rows_per_block = 100
    block = b"\x00" * ((width + 1) * rows_per_block)
    parts = [compressor.compress(block) for _ in range(height // rows_per_block)]
    parts.append(compressor.compress(b"\x00" * ((width + 1) * (height % rows_per_block))))
    parts.append(compressor.flush())
    return png_of(width, height, b"".join(parts))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose IHDR claims a huge size over a single row of data."""
    return png_of(width, height, zlib.compress(b"\x00" * 65))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) claims another size; libjpeg would fill the
    missing rows with grey, so decoding it allocates the full claimed size."""
    data = bytearray(cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_sof_after_garbage() -> bytes:
    """A JPEG whose segments are interrupted by garbage before the frame header."""
    data = cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes()
    sof = data.find(b"\xff\xc0")
    return data[:sof] + b"garbage!" + data[sof:]


def png_header_cut_short() -> bytes:
    return zero_png(100, 100)[:20]


def png_zero_width() -> bytes:
    return png_of(0, 100, zlib.compress(b"\x00"))


def jpeg_cut_before_frame() -> bytes:
    data = cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes()
    return data[: data.find(b"\xff\xc0") + 4]


def jpeg_with_two_frames() -> bytes:
    """A small frame header first, a huge one second: decoders disagree on which counts."""
    data = cv2.imencode(".jpg", np.zeros((64, 64, 3), np.uint8))[1].tobytes()
    sof = data.find(b"\xff\xc0")
    length = struct.unpack(">H", data[sof + 2 : sof + 4])[0]
    segment = bytearray(data[sof : sof + 2 + length])
    segment[5:9] = struct.pack(">HH", 30000, 30000)
    return data[: sof + 2 + length] + bytes(segment) + data[sof + 2 + length :]


TOO_LARGE = [
    pytest.param(lambda: zero_png(30000, 30000), id="real png 30000x30000 refused before decoding"),
    pytest.param(lambda: png_claiming(40000, 40000), id="png claiming 40000x40000 refused"),
    pytest.param(lambda: png_claiming(12001, 100), id="png one pixel wider than 12000 refused"),
    pytest.param(lambda: png_claiming(8000, 7000), id="png of 56 megapixels refused"),
    pytest.param(lambda: jpeg_claiming(30000, 30000), id="jpeg claiming 30000x30000 refused"),
    pytest.param(lambda: jpeg_claiming(65000, 65000), id="jpeg claiming 65000x65000 refused"),
]

MALFORMED = [
    pytest.param(png_header_cut_short, id="png cut inside its header refused"),
    pytest.param(png_zero_width, id="png with zero width refused"),
    pytest.param(jpeg_sof_after_garbage, id="jpeg with its frame after garbage refused"),
    pytest.param(jpeg_cut_before_frame, id="jpeg cut before its frame size refused"),
    pytest.param(jpeg_with_two_frames, id="jpeg with two frame headers refused"),
]


@pytest.fixture
def no_decoding(monkeypatch):
    """Record every cv2.imdecode call while a request is served (a fixture's own documents are
    decoded outside one): a refusal by the header must come before any."""
    calls = []
    real = cv2.imdecode

    def spy(buffer, flags):
        if has_request_context():
            calls.append(len(buffer))
        return real(buffer, flags)

    monkeypatch.setattr(cv2, "imdecode", spy)
    return calls


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


def multipart(fields: dict, name: str, filename: str, data: bytes) -> dict:
    """client.post keyword arguments for a multipart form with one file, encoded here: the test
    client's own encoder leaves a temporary file open for bodies over 500 KB."""
    boundary = "bomb-boundary-7f3a"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return {"data": b"".join(parts), "content_type": f"multipart/form-data; boundary={boundary}"}


# ---- the entry points: each posts `data` as its users do ----------


def document_page(client, data):
    encounter = create_encounter()
    db.session.commit()
    login(client, encounter.patient.user)
    response = client.post(
        f"/encounters/{encounter.id}/documents",
        **multipart({"doc_type": "outpatient_record"}, "file", UPLOAD_NAME, data),
    )
    return response


def document_api(client, data):
    encounter = create_encounter()
    headers = bearer(encounter.patient.user)
    response = client.post(
        f"/api/v1/encounters/{encounter.id}/documents",
        headers=headers,
        **multipart({"doc_type": "outpatient_record"}, "file", UPLOAD_NAME, data),
    )
    return response


def chat_image(client, data):
    encounter = create_prescribable_encounter()
    db.session.commit()  # its proof document is stored: uploads_besides_proof leaves it out
    login(client, encounter.patient.user)
    response = client.post(
        f"/consults/{encounter.id}/chat/images",
        headers=JSON,
        **multipart({}, "image", "chat.png", data),
    )
    return response


def tongue_page(client, data):
    encounter = create_encounter()
    db.session.commit()
    login(client, encounter.patient.user)
    response = client.post(
        f"/diagnosis/encounters/{encounter.id}/tongue",
        headers=JSON,
        **multipart({"source": "gallery"}, "photo", "tongue.jpg", data),
    )
    return response


def tongue_api(client, data):
    encounter = create_encounter()
    headers = bearer(encounter.patient.user)
    response = client.post(
        f"/api/v1/encounters/{encounter.id}/tongue-images",
        headers=headers,
        **multipart({}, "photo", "tongue.jpg", data),
    )
    return response


JSON_ENTRIES = [
    pytest.param(document_api, id="document api"),
    pytest.param(chat_image, id="chat image"),
    pytest.param(tongue_page, id="tongue photo page"),
    pytest.param(tongue_api, id="tongue photo api"),
]


def nothing_stored(app) -> bool:
    """No row and no file of the upload; the consult's proof document (a fixture's) aside."""
    db.session.rollback()  # read what the requests committed, nothing cached
    uploaded = sa.select(sa.func.count(ClinicalDocument.id)).where(
        ClinicalDocument.original_name == UPLOAD_NAME
    )
    assert db.session.scalar(uploaded) == 0
    assert count(TongueImage) == 0 and count(ChatMessage) == 0
    proofs = set(db.session.scalars(sa.select(ClinicalDocument.storage_key)))
    assert [p for p in stored_files(app) if p.name not in proofs] == []
    return True


@pytest.mark.parametrize("entry", JSON_ENTRIES)
@pytest.mark.parametrize("make", TOO_LARGE)
def test_too_large_image_is_a_422_image_too_large_and_nothing_is_stored(
    app, client, entry, make, no_decoding
):
    response = entry(client, make())
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "image_too_large"
    assert no_decoding == [], "the header alone must refuse it"
    assert nothing_stored(app)


@pytest.mark.parametrize("entry", JSON_ENTRIES)
@pytest.mark.parametrize("make", MALFORMED)
def test_damaged_image_header_is_a_4xx_never_a_500(app, client, entry, make):
    response = entry(client, make())
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] in {"unreadable_image", "truncated_image"}
    assert nothing_stored(app)


def test_document_page_says_in_chinese_next_to_the_file_how_large_is_allowed(app, client):
    response = document_page(client, zero_png(30000, 30000))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "图片过大" in page and "30000×30000" in page and "12000" in page
    assert nothing_stored(app)


@pytest.mark.parametrize("make", MALFORMED)
def test_document_page_refuses_a_damaged_header_on_the_form(app, client, make):
    response = document_page(client, make())
    assert response.status_code == 422
    assert "无法读取" in response.get_data(as_text=True) or "不完整" in response.get_data(
        as_text=True
    )
    assert nothing_stored(app)


def test_an_image_at_the_limit_is_still_accepted(app, client):
    """12000×4000 = 48 megapixels: as large as a phone photo gets, and accepted."""
    response = document_api(client, zero_png(12000, 4000))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]


# ---- the second line of defence: OpenCV's own limit, in the app's process ---------------------

DECODE_PROBE = textwrap.dedent(
    """
    import struct, sys, zlib
    import tcm_app.app  # the app's entry module: it must bound OpenCV before cv2 is imported
    import cv2
    import numpy as np

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 8000, 7000, 8, 0, 0, 0, 0)
    data = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\\x00" * 8001 * 7000)) + chunk(b"IEND", b""))
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    except cv2.error:
        print("refused")
    else:
        print("decoded" if image is not None else "refused")
    """
)


def test_opencv_refuses_to_decode_more_than_the_pixel_limit_in_the_apps_process():
    """OpenCV 5 reads OPENCV_IO_MAX_IMAGE_PIXELS once, when cv2 is imported: importing the app
    first must set it, so even a path that skipped the header check cannot decode 56 MP."""
    env = {k: v for k, v in os.environ.items() if k != "OPENCV_IO_MAX_IMAGE_PIXELS"}
    result = subprocess.run(
        [sys.executable, "-c", DECODE_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "refused"


def test_tongue_page_says_in_chinese_how_large_a_photo_may_be(app, client):
    """The capture page shows the answer's message as it is: it must be the page's language."""
    response = tongue_page(client, png_claiming(30000, 30000))
    assert response.status_code == 422
    message = response.get_json()["error"]["message"]
    assert "图片过大" in message and "30000×30000" in message
    assert nothing_stored(app)
