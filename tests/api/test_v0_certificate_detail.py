"""GET /api/certificates/v0/certificates/{username}/courses/{course_id}/ — Open edX v0 detail (ADR 0008)."""

import pytest
from django.test import override_settings

from coursecerts.certificates.models import CertificateStatuses
from tests.api.conftest import COURSE_KEY, client_for
from tests.factories import CourseRunFactory, GeneratedCertificateFactory

pytestmark = pytest.mark.django_db


def url(username="alice", course_id=COURSE_KEY):
    return f"/api/certificates/v0/certificates/{username}/courses/{course_id}/"


def test_it_answers_the_open_edx_fields_to_the_owner(alice_api, certificate):
    response = alice_api.get(url())
    assert response.status_code == 200
    assert response.json() == {
        "username": "alice",
        "course_id": COURSE_KEY,
        "certificate_type": "verified",
        "created_date": certificate.created_date.isoformat().replace("+00:00", "Z"),
        "status": "downloadable",
        "is_passing": True,
        "download_url": f"/certificates/{certificate.verify_uuid}",
        "grade": "0.85",
    }


def test_global_staff_may_read_anyone(staff_api, certificate):
    assert staff_api.get(url()).json()["username"] == "alice"


def test_it_refuses_another_learner_with_403(outsider_api, certificate):
    response = outsider_api.get(url())
    assert response.status_code == 403
    assert response.json()["detail"] == "You may only read your own certificates."


def test_course_staff_are_not_enough(course_staff_api, certificate):
    assert course_staff_api.get(url()).status_code == 403


def test_anonymous_gets_401_with_a_bearer_challenge(anonymous, certificate):
    response = anonymous.get(url())
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_or_bad_token_gets_401(anonymous, certificate):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer cc_nope")
    response = anonymous.get(url())
    assert response.status_code == 401
    assert response.json()["error_code"] == "authentication_failed"


def test_a_malformed_course_id_is_course_id_not_valid(alice_api, certificate):
    response = alice_api.get(url(course_id="edX+Physics+not a key"))
    assert response.status_code == 404
    assert response.json() == {"error_code": "course_id_not_valid"}


def test_no_certificate_is_no_certificate_for_user(staff_api, physics):
    response = staff_api.get(url(username="nobody"))
    assert response.status_code == 404
    assert response.json() == {"error_code": "no_certificate_for_user"}


def test_audit_track_rows_are_invisible(staff_api, alice):
    run = CourseRunFactory()
    GeneratedCertificateFactory(user=alice, course=run, status=CertificateStatuses.AUDIT_PASSING)
    response = staff_api.get(url(course_id=str(run.id)))
    assert response.json() == {"error_code": "no_certificate_for_user"}


def test_a_web_certificate_needs_an_active_configuration(alice_api, certificate, physics):
    physics.certificate_configuration.is_active = False
    physics.certificate_configuration.save()
    response = alice_api.get(url())
    assert response.status_code == 404
    assert response.json() == {"error_code": "no_certificate_configuration_for_course"}


def test_a_pdf_certificate_needs_no_configuration(alice):
    run = CourseRunFactory()
    GeneratedCertificateFactory(user=alice, course=run, download_url="https://cdn.example.org/cert.pdf")
    response = client_for(alice).get(url(course_id=str(run.id)))
    assert response.status_code == 200
    assert response.json()["download_url"] == "https://cdn.example.org/cert.pdf"


def test_download_url_is_null_unless_downloadable(alice_api, certificate):
    GeneratedCertificateFactory._meta.model.objects.filter(pk=certificate.pk).update(
        status=CertificateStatuses.NOTPASSING
    )
    body = alice_api.get(url()).json()
    assert body["download_url"] is None
    assert body["is_passing"] is False
    assert body["status"] == "notpassing"


@override_settings(CERTIFICATES_HTML_VIEW=False)
def test_download_url_is_empty_when_web_certificates_are_off(alice_api, certificate):
    assert alice_api.get(url()).json()["download_url"] == ""


def test_it_works_without_a_trailing_slash_by_redirect(alice_api, certificate):
    response = alice_api.get(url().rstrip("/"))
    assert response.status_code == 301
    assert response["Location"].endswith(url())
