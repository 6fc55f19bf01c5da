"""v1 inputs sent as forms (application/x-www-form-urlencoded or multipart) mean what the same JSON means: a
field left out is left out. DRF reads an absent boolean in a form as an unticked checkbox, false; here a
missing required field is a 400 naming it, and a missing field with a default takes its default."""

from urllib.parse import urlencode

import pytest

from coursecerts.certificates.models import CertificateConfiguration, GeneratedCertificate
from coursecerts.grades.models import PersistentCourseGrade
from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def put_form(client, url, fields: dict, content_type: str):
    if content_type == FORM:
        return client.put(url, urlencode(fields), content_type=FORM)
    return client.put(url, fields, format="multipart")


@pytest.mark.parametrize("content_type", [FORM, "multipart"])
def test_a_grade_without_passed_is_refused_and_the_certificate_stays(
    staff_api, alice, certificate, content_type
):
    response = put_form(
        staff_api, f"/api/v1/courses/{COURSE_KEY}/grades/alice", {"percent": "0.9"}, content_type
    )
    body = assert_error(response, 400, "invalid_input")
    assert body["errors"] == {"passed": ["This field is required."]}
    assert PersistentCourseGrade.objects.get(user=alice).passed is True
    assert GeneratedCertificate.objects.get(pk=certificate.pk).status == "downloadable"


@pytest.mark.parametrize("content_type", [FORM, "multipart"])
def test_a_configuration_without_is_active_is_refused_and_stays_active(staff_api, physics, content_type):
    url = f"/api/v1/courses/{COURSE_KEY}/certificate-configuration"
    response = put_form(staff_api, url, {"title": "Physics"}, content_type)
    assert "is_active" in assert_error(response, 400, "invalid_input")["errors"]
    assert CertificateConfiguration.objects.get(course=physics).is_active is True


@pytest.mark.parametrize("content_type", [FORM, "multipart"])
def test_a_boolean_with_a_default_takes_it(staff_api, content_type):
    """Absent from a form, is_active (default true) is true, as in JSON."""
    response = put_form(staff_api, "/api/v1/learners/bob", {"name": "Bob"}, content_type)
    assert response.status_code == 201, response.content
    assert response.json()["is_active"] is True
