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
