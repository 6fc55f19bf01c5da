"""GET /api/v1/certificates/{verify_uuid} — public verification: no login, no personal data beyond the printed
name, a certificate that is no longer valid is 410 Gone with its date and without the name (ADR 0011), and
unknown and non-public certificates look the same."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from coursecerts.certificates.services import (
    certificate_invalidate,
    certificate_mark_notpassing,
    date_override_set,
)
from tests.factories import CourseRunFactory, GeneratedCertificateFactory, InvalidationFactory

pytestmark = pytest.mark.django_db


def url(certificate):
    return f"/api/v1/certificates/{certificate.verify_uuid}"


def test_anyone_can_verify_a_valid_certificate(anonymous, certificate):
    response = anonymous.get(url(certificate))
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "verify_uuid": certificate.verify_uuid,
        "valid": True,
        "status": "valid",
        "status_message": "The certificate is valid.",
        "learner_name": "Alice Example",
        "course_key": "course-v1:edX+Physics+2026",
        "course_title": "Physics",  # the configuration's title names a certificate: it is not a course title
        "organization": "edX University",
        "certificate_title": "Certificate in Physics",
        "certificate_type": "verified",
        "issue_date": certificate.issued_date.date().isoformat(),
        "certificate_url": f"http://127.0.0.1:8000/certificates/{certificate.verify_uuid}",
        "expires_on": None,  # the run and its organisation set no validity period (ADR 0025)
    }
    assert "alice@example.com" not in response.content.decode()
    assert "alice" not in body.values()


def test_a_bad_token_does_not_stop_a_verifier(anonymous, certificate):
    anonymous.credentials(HTTP_AUTHORIZATION="Bearer junk")
    assert anonymous.get(url(certificate)).status_code == 200


def test_an_invalidated_certificate_is_gone_and_says_when(anonymous, certificate):
    InvalidationFactory(generated_certificate=certificate)
    certificate_invalidate(certificate=certificate, source="certificate_invalidation_list")
    response = anonymous.get(url(certificate))
    today = timezone.now().date().isoformat()
    assert (response.status_code, response.json()) == (
        410,
        {
            "error_code": "certificate_invalidated",
            "detail": f"The certificate was invalidated on {today}.",
            "status": "invalidated",
            "withdrawn_on": today,
        },
    )


def test_a_certificate_revoked_for_a_failing_grade_is_gone_and_says_when(anonymous, certificate):
    certificate_mark_notpassing(certificate=certificate, mode=None, grade="0.2", source="notpassing_signal")
    response = anonymous.get(url(certificate))
    body = response.json()
    assert response.status_code == 410
    assert (body["error_code"], body["status"]) == ("certificate_revoked", "revoked")
    assert body["withdrawn_on"] == timezone.now().date().isoformat()
    assert "Alice" not in response.content.decode()


def test_a_date_override_is_the_printed_issue_date(anonymous, certificate, staff):
    date_override_set(
        certificate=certificate,
        date=dt.datetime(2026, 1, 15, tzinfo=dt.UTC),
        reason="early exam",
        actor=staff,
    )
    assert anonymous.get(url(certificate)).json()["issue_date"] == "2026-01-15"


def test_the_answer_costs_a_fixed_number_of_queries(anonymous, certificate, django_assert_num_queries):
    # the certificate with its run, organisation, configuration and date override
    with django_assert_num_queries(1):
        assert anonymous.get(url(certificate)).status_code == 200


def test_unknown_and_not_yet_public_certificates_look_the_same(anonymous, alice):
    hidden_run = CourseRunFactory(self_paced=False, end=timezone.now() + dt.timedelta(days=30))
    hidden = GeneratedCertificateFactory(user=alice, course=hidden_run)
    never_issued = GeneratedCertificateFactory(
        user=alice, course=CourseRunFactory(), status="notpassing", issued_date=None
    )
    unknown = anonymous.get("/api/v1/certificates/0123456789abcdef0123456789abcdef")
    assert unknown.status_code == 404
    for certificate in (hidden, never_issued):
        response = anonymous.get(url(certificate))
        assert (response.status_code, response.json()) == (404, unknown.json())


@override_settings(API_THROTTLE_VERIFY="3/minute")
def test_it_is_rate_limited_per_client(anonymous, certificate):
    for _ in range(3):
        assert anonymous.get(url(certificate)).status_code == 200
    response = anonymous.get(url(certificate))
    assert response.status_code == 429
    assert response.json()["error_code"] == "throttled"
