"""GET /api/certificates/v0/certificates/{username}/ — Open edX v0 list (ADR 0008)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from tests.api.conftest import COURSE_KEY
from tests.factories import CertificateConfigurationFactory, CourseRunFactory, GeneratedCertificateFactory

pytestmark = pytest.mark.django_db

URL = "/api/certificates/v0/certificates/alice/"


def test_it_lists_the_open_edx_fields(alice_api, certificate):
    response = alice_api.get(URL)
    assert response.status_code == 200
    [row] = response.json()
    assert list(row) == [
        "username",
        "course_id",
        "course_display_name",
        "course_organization",
        "certificate_type",
        "created_date",
        "modified_date",
        "status",
        "is_passing",
        "download_url",
        "grade",
        "uuid",
    ]
    assert row["course_id"] == COURSE_KEY
    assert row["course_display_name"] == "Physics"
    assert row["course_organization"] == "edX"
    assert row["uuid"] == certificate.verify_uuid
    assert row["download_url"] == f"/certificates/{certificate.verify_uuid}"


def test_only_passing_viewable_configured_certificates_oldest_first(alice_api, alice, certificate):
    older = CourseRunFactory(display_name="Older")
    CertificateConfigurationFactory(course=older)
    old_cert = GeneratedCertificateFactory(user=alice, course=older)
    GeneratedCertificate.objects.filter(pk=old_cert.pk).update(
        created_date=timezone.now() - dt.timedelta(days=9)
    )
    failing = CourseRunFactory()
    CertificateConfigurationFactory(course=failing)
    GeneratedCertificateFactory(user=alice, course=failing, status=CertificateStatuses.NOTPASSING)
    not_yet = CourseRunFactory(self_paced=False, end=timezone.now() + dt.timedelta(days=5))
    CertificateConfigurationFactory(course=not_yet)
    GeneratedCertificateFactory(user=alice, course=not_yet)
    unconfigured = CourseRunFactory()
    GeneratedCertificateFactory(user=alice, course=unconfigured)
    pdf = CourseRunFactory()
    GeneratedCertificateFactory(user=alice, course=pdf, download_url="https://cdn.example.org/c.pdf")
    rows = alice_api.get(URL).json()
    assert [row["course_id"] for row in rows] == [str(older.id), COURSE_KEY, str(pdf.id)]


def test_global_staff_get_an_empty_list_for_an_unknown_learner(staff_api):
    response = staff_api.get("/api/certificates/v0/certificates/nobody/")
    assert response.status_code == 200
    assert response.json() == []


def test_another_learner_is_refused(outsider_api, certificate):
    response = outsider_api.get(URL)
    assert response.status_code == 403
    assert response.json()["error_code"] == "permission_denied"


def test_an_unknown_username_is_refused_to_non_staff_not_a_server_error(outsider_api):
    assert outsider_api.get("/api/certificates/v0/certificates/nobody/").status_code == 403


def test_anonymous_gets_401(anonymous, certificate):
    assert anonymous.get(URL).status_code == 401


@override_settings(API_THROTTLE_V0_LIST="2/minute")
def test_it_is_rate_limited_per_client(alice_api, staff_api, certificate):
    assert alice_api.get(URL).status_code == 200
    assert alice_api.get(URL).status_code == 200
    response = alice_api.get(URL)
    assert response.status_code == 429
    assert response.json()["error_code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert staff_api.get(URL).status_code == 200  # another client has its own budget


def test_the_list_costs_a_fixed_number_of_queries(alice_api, alice, certificate, django_assert_num_queries):
    for _ in range(5):
        run = CourseRunFactory()
        CertificateConfigurationFactory(course=run)
        GeneratedCertificateFactory(user=alice, course=run)
    alice_api.get(URL)  # the token's last_used_at is written on first use
    # token lookup, the certificates with runs, organisations and configurations
    with django_assert_num_queries(2):
        assert len(alice_api.get(URL).json()) == 6
