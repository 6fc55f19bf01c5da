"""The page, the Open edX v0 API, the v1 verification API and the course report agree on what a certificate is,
case by case: each calls the display rules of certificates/display.py (certificate_public_status,
certificate_record_status, web_certificates_on, active_configuration, certificates_viewable_for_course,
certificate_download_url) and eligibility.decide, never a copy of them.

Each row is one case and what every interface answers:
- page: the status of /certificates/<verify_uuid> (200 for the "not available yet" page too);
- v1: the status of the verification API and its `status`;
- v0: the certificate's download_url in the learner's v0 list (Open edX's rule), or ABSENT when not listed;
- report: the row's certificate_status and eligible, and whether it links the certificate.
"""

import datetime as dt
import html

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from coursecerts.certificates.models import CertificateConfiguration, GeneratedCertificate
from coursecerts.certificates.services import (
    certificate_generation_attempt,
    certificate_invalidation_create,
    certificate_mark_notpassing,
)
from coursecerts.certificates.services.retirement import learner_retire
from coursecerts.courses.models import CourseRun
from coursecerts.grades.models import PersistentCourseGrade
from tests.factories import CertificateConfigurationFactory, CourseRunFactory, learner_in_course

pytestmark = pytest.mark.django_db

ABSENT = "absent"
PAGE = "page"


@pytest.fixture(autouse=True)
def fresh_caches():
    from coursecerts.certificates.web import page_cache

    cache.clear()
    page_cache.clear()
    yield
    cache.clear()
    page_cache.clear()


@pytest.fixture
def certificate(db):
    """A downloadable certificate, issued by the services, in a self-paced run with an active configuration."""
    run = CourseRunFactory(display_name="Physics")
    CertificateConfigurationFactory(course=run, title="Certificate in Physics")
    learner = learner_in_course(run, username="alice")
    certificate_generation_attempt(user=learner, course_run=run, source="grade_passed")
    return learner.certificates.get()


def hidden_until_available_date(certificate, staff):
    CourseRun.objects.filter(pk=certificate.course_id).update(
        self_paced=False,
        certificates_display_behavior="end_with_date",
        certificate_available_date=timezone.now() + dt.timedelta(days=30),
    )


def invalidated(certificate, staff):
    certificate_invalidation_create(certificate=certificate, invalidated_by=staff)


def notpassing(certificate, staff):
    PersistentCourseGrade.objects.filter(user=certificate.user).update(percent_grade=0.2, passed=False)
    certificate_mark_notpassing(certificate=certificate, mode=None, grade="0.2", source="notpassing_signal")


def web_certificates_off(certificate, staff):
    CourseRun.objects.filter(pk=certificate.course_id).update(cert_html_view_enabled=False)


def no_active_configuration(certificate, staff):
    CertificateConfiguration.objects.filter(course_id=certificate.course_id).update(is_active=False)


def retired(certificate, staff):
    learner_retire(user=certificate.user, actor=None)


def expired(certificate, staff):
    """Past the expiry date fixed at issue (ADR 0025), as time passing would leave it."""
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(
        expires_date=timezone.now() - dt.timedelta(days=1)
    )


# case, page status, (v1 status, v1 `status`), v0 download_url, (report status, eligible, linked)
CASES = [
    (None, 200, (200, "valid"), PAGE, ("downloadable", True, True)),
    (hidden_until_available_date, 200, (404, None), ABSENT, ("downloadable", True, True)),
    (invalidated, 410, (410, "invalidated"), ABSENT, ("unavailable", False, False)),
    (notpassing, 410, (410, "revoked"), ABSENT, ("notpassing", False, False)),
    # The page needs its run's web settings; the verification API does not (ADR 0011); Open edX's v0 lists it
    # without a link to the page when web certificates are off; the report states the stored facts.
    (web_certificates_off, 404, (200, "valid"), "", ("downloadable", True, True)),
    (no_active_configuration, 404, (200, "valid"), ABSENT, ("downloadable", True, True)),
    (retired, 410, (410, "retired"), PAGE, ("downloadable", True, True)),
    # Expired: still shown, saying so (ADR 0025); Open edX's v0 knows no expiry and keeps its answer.
    (expired, 200, (200, "expired"), PAGE, ("downloadable", True, True)),
]


@pytest.mark.parametrize(
    ("change", "page_status", "v1", "v0_download_url", "report"),
    CASES,
    ids=[
        "downloadable",
        "hidden_until_available_date",
        "invalidated",
        "notpassing",
        "web_certificates_off",
        "no_active_configuration",
        "retired",
        "expired",
    ],
)
def test_the_page_v0_v1_and_the_report_agree(
    client, certificate, staff, change, page_status, v1, v0_download_url, report
):
    if change is not None:
        change(certificate, staff)
    certificate.refresh_from_db()
    verify_uuid, username = certificate.verify_uuid, certificate.user.username
    api = APIClient()
    api.force_authenticate(staff)

    page = client.get(f"/certificates/{verify_uuid}")
    verification = api.get(f"/api/v1/certificates/{verify_uuid}")
    v0 = {row["uuid"]: row for row in api.get(f"/api/certificates/v0/certificates/{username}/").json()}
    rows = {row["username"]: row for row in api.get(f"/api/v1/courses/{certificate.course_id}/report").json()}

    assert page.status_code == page_status
    assert (verification.status_code, verification.json().get("status")) == v1
    expected_v0 = f"/certificates/{verify_uuid}" if v0_download_url == PAGE else v0_download_url
    assert (v0[verify_uuid]["download_url"] if verify_uuid in v0 else ABSENT) == expected_v0
    row = rows[username]
    assert (row["certificate_status"], row["eligible"], row["certificate_url"] is not None) == report


def text_of(body: str, element_id: str) -> str:
    start = body.index(f'id="{element_id}"')
    return html.unescape(body[body.index(">", start) + 1 : body.index("</", start)])


@pytest.mark.parametrize(
    ("configuration_title", "stored_course_title", "titles"),
    [
        ("Certificate in Physics", None, ("Certificate in Physics", "Physics")),
        ("Physics: Mechanics", None, ("Verified Certificate of Achievement", "Physics: Mechanics")),
        ("", "Certificate in Physics", ("Certificate in Physics", "Physics")),  # stored before ADR 0014
    ],
    ids=["title_names_a_certificate", "course_title_override", "stored_title_names_a_certificate"],
)
def test_the_page_and_the_verification_print_the_same_titles(
    client, certificate, configuration_title, stored_course_title, titles
):
    """rendering.configuration.printed_titles: the heading and the course title, said once each."""
    CertificateConfiguration.objects.filter(course_id=certificate.course_id).update(title=configuration_title)
    values = {"course_title": stored_course_title or configuration_title}
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(**values)
    body = client.get(f"/certificates/{certificate.verify_uuid}").content.decode()
    verification = APIClient().get(f"/api/v1/certificates/{certificate.verify_uuid}").json()
    assert (text_of(body, "certificate-title"), text_of(body, "course-title")) == titles
    assert (verification["certificate_title"], verification["course_title"]) == titles
