"""Tongue pages and API: who may upload, poll, view and confirm; errors answer clearly."""

import re

import cv2
import pytest
import sqlalchemy as sa

from diagnosis.models import TongueImage, TongueObservation
from tcm_app.extensions import db
from tests.factories import bearer, create_encounter, create_patient, create_user, login

JSON = {"Accept": "application/json"}


def photo_file(photo):
    import io

    data = cv2.imencode(".jpg", photo()[0], [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes()
    return (io.BytesIO(data), "tongue.jpg")


def post_photo(client, encounter_id, photo, source="camera", headers=JSON):
    # The upload's analysis task writes from its own session: end this test's SQLite transaction.
    db.session.commit()
    return client.post(
        f"/diagnosis/encounters/{encounter_id}/tongue",
        data={"photo": photo_file(photo), "source": source},
        headers=headers,
        content_type="multipart/form-data",
    )


@pytest.fixture
def encounter(app):
    encounter = create_encounter()
    db.session.commit()
    return encounter


def test_patient_capture_page_has_camera_outline_and_gallery(client, encounter):
    login(client, encounter.patient.user)
    page = client.get(f"/diagnosis/encounters/{encounter.id}/tongue").get_data(as_text=True)
    assert 'id="tongue-preview"' in page and "tongue-guide" in page
    assert 'name="photo"' in page and 'accept="image/jpeg,image/png"' in page


def test_upload_answers_received_then_verdict_json(client, encounter, photo):
    login(client, encounter.patient.user)
    response = post_photo(client, encounter.id, photo)
    assert response.status_code == 201
    body = response.get_json()
    # The embedded mode analyses at once, so the verdict is already there.
    assert body["status"] in {"analysed", "quality_failed"}
    assert body["quality_passed"] == (body["status"] == "analysed")
    assert bool(body["hints"]) == (body["status"] == "quality_failed")
    status = client.get(body["status_url"]).get_json()
    assert status["id"] == body["id"] and status["status"] == body["status"]


def test_upload_without_javascript_redirects_back(client, encounter, photo):
    import io

    login(client, encounter.patient.user)
    page = {"Accept": "text/html"}
    response = post_photo(client, encounter.id, photo, "gallery", headers=page)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/diagnosis/encounters/{encounter.id}/tongue")
    bad = client.post(
        f"/diagnosis/encounters/{encounter.id}/tongue",
        data={"photo": (io.BytesIO(b"GIF89a not accepted"), "x.gif")},
        headers=page,
        content_type="multipart/form-data",
    )
    assert bad.status_code == 302  # back to the page, with the reason shown
    page_html = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "只接受 JPEG 或 PNG 照片" in page_html
    assert db.session.scalar(sa.select(sa.func.count(TongueImage.id))) == 1


def test_a_failing_analysis_keeps_the_photo_as_received(client, encounter, photo, monkeypatch):
    from diagnosis.services import tongue

    def broken(image):
        raise RuntimeError("analysis crashed")

    monkeypatch.setattr(tongue, "analyze_stored", broken)
    login(client, encounter.patient.user)
    response = post_photo(client, encounter.id, photo)
    assert response.status_code == 201 and response.get_json()["status"] == "received"


def test_bad_upload_is_a_json_error_for_the_page(client, encounter):
    import io

    login(client, encounter.patient.user)
    response = client.post(
        f"/diagnosis/encounters/{encounter.id}/tongue",
        data={"photo": (io.BytesIO(b"not a photo"), "x.jpg")},
        headers=JSON,
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unsupported_photo_type"
    missing = client.post(f"/diagnosis/encounters/{encounter.id}/tongue", headers=JSON)
    assert missing.status_code == 422 and missing.get_json()["error"]["code"] == "photo_required"
    assert db.session.scalar(sa.select(sa.func.count(TongueImage.id))) == 0


def test_another_patient_sees_nothing(client, encounter, photo):
    login(client, encounter.patient.user)
    image_id = post_photo(client, encounter.id, photo).get_json()["id"]
    client.post("/logout")
    stranger = create_patient(name="李四")
    db.session.commit()
    login(client, stranger.user)
    for url in (
        f"/diagnosis/encounters/{encounter.id}/tongue",
        f"/diagnosis/tongue/{image_id}/status",
        f"/diagnosis/tongue/{image_id}/photo",
    ):
        assert client.get(url).status_code == 404, url
    assert post_photo(client, encounter.id, photo).status_code == 404


@pytest.mark.parametrize("role", ["clinic", "pharmacist"])
def test_staff_without_a_clinical_role_is_refused(client, encounter, role):
    user = create_user(role=role, username=f"u-{role}")
    db.session.commit()
    login(client, user)
    assert client.get(f"/diagnosis/encounters/{encounter.id}/tongue").status_code == 403


def test_doctor_reviews_corrects_and_confirms(client, encounter, photo):
    login(client, encounter.patient.user)
    image_id = post_photo(client, encounter.id, photo).get_json()["id"]
    client.post("/logout")
    login(client, encounter.doctor)
    page = client.get(f"/diagnosis/tongue/{image_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="tongue-outline"' in html and "tongue-1.0/" in html
    photo_response = client.get(f"/diagnosis/tongue/{image_id}/photo")
    assert photo_response.status_code == 200 and photo_response.mimetype == "image/jpeg"
    form = {
        "tongue_colour": "red",
        "coating_colour": "white",
        "coating_thickness": "thin",
        "cracks": "y",
        "outline": "[[0.3,0.3],[0.7,0.3],[0.5,0.8]]",
        "note": "舌红苔薄白",
    }
    response = client.post(f"/diagnosis/tongue/{image_id}", data=form)
    assert response.status_code == 302
    observation = db.session.scalar(sa.select(TongueObservation))
    assert (observation.tongue_colour, observation.cracks, observation.tooth_marks) == (
        "red",
        True,
        False,
    )
    visit = client.get(f"/encounters/{encounter.id}").get_data(as_text=True)
    assert "tongue-observation" in visit
    again = client.post(f"/diagnosis/tongue/{image_id}", data=form)
    assert again.status_code == 422


def test_review_form_errors_are_shown(client, encounter, photo):
    login(client, encounter.patient.user)
    image_id = post_photo(client, encounter.id, photo).get_json()["id"]
    client.post("/logout")
    login(client, encounter.doctor)
    bad = {
        "tongue_colour": "blue",
        "coating_colour": "white",
        "coating_thickness": "thin",
        "outline": "not json",
    }
    assert client.post(f"/diagnosis/tongue/{image_id}", data=bad).status_code == 422
    bad_outline = {**bad, "tongue_colour": "red"}
    response = client.post(f"/diagnosis/tongue/{image_id}", data=bad_outline)
    assert response.status_code == 422
    assert "轮廓无效" in response.get_data(as_text=True)  # shown on the form, not lost
    assert db.session.scalar(sa.select(sa.func.count(TongueObservation.id))) == 0


def test_patient_cannot_open_the_review(client, encounter, photo):
    login(client, encounter.patient.user)
    image_id = post_photo(client, encounter.id, photo).get_json()["id"]
    assert client.get(f"/diagnosis/tongue/{image_id}").status_code == 403


def test_api_upload_and_read(client, encounter, photo):
    headers = bearer(encounter.patient.user)
    encounter_id = encounter.id
    db.session.commit()
    response = client.post(
        f"/api/v1/encounters/{encounter_id}/tongue-images",
        data={"photo": photo_file(photo)},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] in {"analysed", "quality_failed"} and body["quality"]["checks"]
    read = client.get(f"/api/v1/tongue-images/{body['id']}", headers=headers)
    assert read.status_code == 200 and read.get_json()["algorithm_version"].startswith("tongue-")
    truncated = client.post(
        f"/api/v1/encounters/{encounter_id}/tongue-images",
        data={"photo": (__import__("io").BytesIO(b"\xff\xd8\xff\xe0\x00\x10JFIF"), "t.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert truncated.status_code == 422 and "error" in truncated.get_json()
    stranger = create_patient(name="李四")
    db.session.commit()
    assert (
        client.get(f"/api/v1/tongue-images/{body['id']}", headers=bearer(stranger.user)).status_code
        == 404
    )


TECHNICAL = re.compile(
    r'<details class="technical">\s*<summary>技术细节</summary>(.*?)</details>', re.S
)
RAW_VALUES = ("tongue-1.0/", "L* ", "a* ", "b* ", "置信度", "评分")


def test_technical_values_are_folded_away_for_the_doctor(client, encounter, photo):
    login(client, encounter.patient.user)
    image_id = post_photo(client, encounter.id, photo).get_json()["id"]
    second_id = post_photo(client, encounter.id, photo).get_json()["id"]
    client.post("/logout")
    login(client, encounter.doctor)
    first = {"tongue_colour": "purple", "coating_colour": "white", "coating_thickness": "thick"}
    first |= {
        "cracks": "y",
        "tooth_marks": "y",
        "outline": "[[0.3,0.3],[0.7,0.3],[0.5,0.8]]",
        "note": "",
    }
    assert client.post(f"/diagnosis/tongue/{image_id}", data=first).status_code == 302
    for shown in (image_id, second_id):
        html = client.get(f"/diagnosis/tongue/{shown}").get_data(as_text=True)
        folded = "".join(TECHNICAL.findall(html))
        assert "tongue-1.0/" in folded and "L* " in folded
        in_the_open = TECHNICAL.sub("", html)
        assert [raw for raw in RAW_VALUES if raw in in_the_open] == []
        assert "True" not in in_the_open and "False" not in in_the_open


def test_patients_never_see_technical_values(client, encounter, photo):
    login(client, encounter.patient.user)
    post_photo(client, encounter.id, photo)
    for url in (f"/diagnosis/encounters/{encounter.id}/tongue", f"/encounters/{encounter.id}"):
        html = client.get(url).get_data(as_text=True)
        assert [raw for raw in (*RAW_VALUES, "技术细节") if raw in html] == []
