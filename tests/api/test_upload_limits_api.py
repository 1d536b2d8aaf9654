"""Size limits on uploads: UPLOAD_MAX_BYTES (422 file_too_large) and MAX_CONTENT_LENGTH (413)."""

import cv2
import numpy as np
import pytest

from tests.api.helpers import api_error, count_documents, issue, stored_files, upload
from tests.factories import create_encounter, png_bytes

UPLOAD_LIMIT = 1000
REQUEST_LIMIT = 64 * 1024


@pytest.fixture
def config_overrides():
    return {"UPLOAD_MAX_BYTES": UPLOAD_LIMIT, "MAX_CONTENT_LENGTH": REQUEST_LIMIT}


def noisy_png(side: int) -> bytes:
    """A real PNG that does not compress: random pixels."""
    pixels = np.random.default_rng(7).integers(0, 256, (side, side, 3), dtype=np.uint8)
    return cv2.imencode(".png", pixels)[1].tobytes()


@pytest.fixture
def encounter(app):
    return create_encounter()


@pytest.fixture
def patient_headers(encounter):
    headers, _ = issue(encounter.patient.user)
    return headers


def test_file_over_the_upload_limit_is_refused_and_nothing_is_kept(
    app, client, encounter, patient_headers
):
    data = noisy_png(24)
    assert UPLOAD_LIMIT < len(data) < REQUEST_LIMIT

    error = api_error(upload(client, patient_headers, encounter.id, data), 422, "file_too_large")

    assert "file" in error.get("fields", {})
    assert stored_files(app) == []
    assert count_documents() == 0


def test_file_under_the_upload_limit_is_accepted(app, client, encounter, patient_headers):
    data = png_bytes()
    assert len(data) <= UPLOAD_LIMIT
    assert upload(client, patient_headers, encounter.id, data).status_code == 201


def test_request_over_the_content_length_limit_is_a_json_413(
    app, client, encounter, patient_headers
):
    data = noisy_png(200)
    assert len(data) > REQUEST_LIMIT

    api_error(upload(client, patient_headers, encounter.id, data), 413)

    assert stored_files(app) == []
    assert count_documents() == 0
