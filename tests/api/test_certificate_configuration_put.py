"""PUT /api/v1/courses/{course_key}/certificate-configuration — title, active flag, signatories."""

import base64
import io

import pytest
from PIL import Image

from coursecerts.certificates.models import CertificateConfiguration
from tests.api.conftest import assert_error
from tests.factories import CourseRunFactory

pytestmark = pytest.mark.django_db

KEY = "course-v1:edX+Config+2026"
URL = f"/api/v1/courses/{KEY}/certificate-configuration"


def png_data_uri(color="red") -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 2), color).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@pytest.fixture
def run(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return CourseRunFactory(id=KEY)


def body(image=None):
    return {
        "title": "Certificate of Achievement",
        "is_active": True,
        "signatories": [
            {"name": "Ada Lovelace", "title": "Professor", "organization": "edX", "image": image},
            {"name": "Alan Turing"},
        ],
    }


def test_it_creates_with_a_data_uri_image_and_a_put_of_what_it_read_changes_nothing(staff_api, run):
    first = staff_api.put(URL, body(png_data_uri()), format="json")
    assert first.status_code == 201
    data = first.json()
    assert data["title"] == "Certificate of Achievement"
    assert [s["name"] for s in data["signatories"]] == ["Ada Lovelace", "Alan Turing"]
    image_url = data["signatories"][0]["image"]
    assert image_url.startswith("http") and image_url.endswith(".png")
    assert data["signatories"][1]["image"] is None
    again = staff_api.put(URL, {**data, "course_key": None} | {"course_key": KEY}, format="json")
    assert again.status_code == 200
    assert again.json() == data
    same_image = staff_api.put(URL, body(png_data_uri()), format="json")
    assert same_image.json() == data


@pytest.mark.parametrize(
    "image",
    [
        "https://evil.example.org/sign.png",
        "data:image/png;base64,bm90IGFuIGltYWdl",
        "data:image/png;base64,@@@",
        12,
    ],
)
def test_a_bad_image_names_the_signatory_field_and_stores_nothing(staff_api, run, image):
    body_ = assert_error(staff_api.put(URL, body(image), format="json"), 400, "invalid_input")
    assert "image" in body_["errors"]["signatories"]["0"]
    assert not CertificateConfiguration.objects.exists()


def test_a_signatory_needs_a_name(staff_api, run):
    response = staff_api.put(URL, {"signatories": [{"title": "Dean"}]}, format="json")
    assert "name" in assert_error(response, 400, "invalid_input")["errors"]["signatories"]["0"]


def test_an_unknown_course_is_404(staff_api, db):
    assert_error(
        staff_api.put("/api/v1/courses/course-v1:a+b+c/certificate-configuration", body(), format="json"),
        404,
        "course_not_found",
    )


def test_only_global_staff(instructor_api, run):
    assert instructor_api.put(URL, body(), format="json").status_code == 403


@pytest.mark.parametrize(
    "change, named",
    [
        ({"signatorys": []}, "signatorys"),  # a misspelt key, and the real one left out
        ({"active": True}, "active"),
        ({"signatories": [{"name": "Ada", "titel": "Dean"}]}, "signatories"),
    ],
)
def test_unknown_keys_are_a_400_naming_them_and_nothing_changes(staff_api, run, change, named):
    """Issue 10: a PUT with an unknown key used to deactivate the configuration and drop its signatories."""
    assert staff_api.put(URL, body(), format="json").status_code == 201
    sent = {key: value for key, value in body().items() if key not in ("signatories", "is_active")} | change
    errors = assert_error(staff_api.put(URL, sent, format="json"), 400, "invalid_input")["errors"]
    assert named in errors
    configuration = CertificateConfiguration.objects.get(course=run)
    assert configuration.is_active is True
    assert [s.name for s in configuration.signatories.all()] == ["Ada Lovelace", "Alan Turing"]


def test_a_put_must_name_every_field_so_nothing_is_dropped_by_surprise(staff_api, run):
    staff_api.put(URL, body(), format="json")
    errors = assert_error(staff_api.put(URL, {"title": "New"}, format="json"), 400, "invalid_input")["errors"]
    assert set(errors) == {"is_active", "signatories"}
    assert CertificateConfiguration.objects.get(course=run).title == "Certificate of Achievement"
    cleared = staff_api.put(URL, {"title": "New", "is_active": False, "signatories": []}, format="json")
    assert cleared.status_code == 200
    assert cleared.json()["signatories"] == []


def test_duplicated_keys_are_a_400_naming_them(staff_api, run):
    staff_api.put(URL, body(), format="json")
    text = '{"title": "A", "is_active": true, "is_active": false, "signatories": []}'
    response = staff_api.generic("PUT", URL, text, content_type="application/json")
    assert assert_error(response, 400, "parse_error")["errors"] == {"is_active": ["Duplicated key."]}
    assert CertificateConfiguration.objects.get(course=run).is_active is True


def test_a_field_of_the_wrong_json_type_is_named(staff_api, run):
    sent = body() | {"title": 12, "is_active": "true"}
    errors = assert_error(staff_api.put(URL, sent, format="json"), 400, "invalid_input")["errors"]
    assert errors == {"title": ["Must be a string."], "is_active": ["Must be true or false."]}
