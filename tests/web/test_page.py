"""The public certificate page /certificates/<verify_uuid> (README "Web certificates")."""

import datetime as dt
import html
import json
import logging
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.utils import timezone

from coursecerts.certificates.models import CertificateDateOverride, CertificateStatuses
from coursecerts.certificates.services import certificate_invalidation_create, certificate_mark_notpassing
from tests.factories import GeneratedCertificateFactory, UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def page(client, certificate, **params):
    return client.get(f"/certificates/{certificate.verify_uuid}", params)


def test_it_shows_every_element_of_the_certificate(client, certificate):
    response = page(client, certificate)
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Jane Doe",
        "Data Science 101",
        "Open Learning Institute",
        "Verified Certificate of Achievement",
        "Ada Lovelace",
        "Lead Instructor",
        "Verify this certificate at",
        f"http://testserver/certificates/{certificate.verify_uuid}",
        certificate.verify_uuid,
        'id="download-pdf"',
        'id="add-to-linkedin"',
        'id="copy-link"',
    ):
        assert text in body, text
    assert body.count('class="signature"') == 2
    assert 'id="org-logo" src="/media/organization_logos/oli' in body
    assert "<svg" in body and 'id="qr"' in body


def test_it_prints_the_name_stored_at_issue_not_the_current_name(client, certificate):
    certificate.user.profile.name = "Someone Else"
    certificate.user.profile.save()
    body = page(client, certificate).content.decode()
    assert "Jane Doe" in body and "Someone Else" not in body


def test_it_prints_the_course_title_stored_at_issue(client, certificate, course_run):
    course_run.display_name = "Renamed Course"
    course_run.save()
    body = page(client, certificate).content.decode()
    assert "Data Science 101" in body and "Renamed Course" not in body


def test_learner_names_are_escaped(client, course_run):
    certificate = issue(course_run, name='<script>alert("x")</script>')
    body = page(client, certificate).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body


@pytest.mark.parametrize("uuid", ["0123456789abcdef0123456789abcdef", "f" * 32])
def test_unknown_uuids_give_404(client, uuid):
    response = client.get(f"/certificates/{uuid}")
    assert response.status_code == 404
    assert b"Cannot Find Certificate" in response.content


@pytest.mark.parametrize("path", ["/certificates/abc", "/certificates/0123456789abcdef0123456789abcdeg"])
def test_malformed_uuids_give_404(client, path):
    """An upper-case or dashed id is redirected to its canonical URL (tests/web/test_landing.py)."""
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "status",
    [CertificateStatuses.NOTPASSING, CertificateStatuses.UNVERIFIED, CertificateStatuses.UNAVAILABLE],
)
def test_certificates_that_were_never_issued_give_404(client, course_run, status):
    certificate = GeneratedCertificateFactory(course=course_run, status=status, issued_date=None)
    response = page(client, certificate)
    assert response.status_code == 404
    assert certificate.name.encode() not in response.content


def test_a_legacy_generating_certificate_gives_404(client, course_run):
    certificate = GeneratedCertificateFactory(course=course_run, status="generating")
    assert page(client, certificate).status_code == 404


@pytest.mark.parametrize(
    "status",
    [CertificateStatuses.NOTPASSING, CertificateStatuses.UNVERIFIED, CertificateStatuses.UNAVAILABLE],
)
def test_issued_certificates_that_are_no_longer_downloadable_are_gone(client, course_run, status):
    """ADR 0011: 410 Gone, saying it was withdrawn and when, showing nothing of the certificate."""
    certificate = GeneratedCertificateFactory(course=course_run, status=status)
    response = page(client, certificate)
    assert response.status_code == 410
    assert certificate.name.encode() not in response.content


def test_a_revoked_certificate_is_gone(client, certificate):
    certificate_mark_notpassing(certificate=certificate, mode=None, grade="0.2", source="test")
    assert page(client, certificate).status_code == 410


def test_an_invalidated_certificate_says_so_and_shows_none_of_it(client, certificate):
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))
    response = page(client, certificate)
    body = response.content.decode()
    assert response.status_code == 410
    assert "This certificate is no longer valid" in body
    for text in ("Jane Doe", "Data Science 101", "Ada Lovelace", "<svg", certificate.verify_uuid):
        assert text not in body


@pytest.mark.parametrize(
    ("setting", "run_flag"), [(False, True), (True, False)], ids=["setting off", "run switch off"]
)
def test_web_certificates_switched_off_give_404(client, settings, certificate, course_run, setting, run_flag):
    settings.CERTIFICATES_HTML_VIEW = setting
    course_run.cert_html_view_enabled = run_flag
    course_run.save()
    assert page(client, certificate).status_code == 404


def test_an_inactive_configuration_gives_404(client, certificate, course_run):
    course_run.certificate_configuration.is_active = False
    course_run.certificate_configuration.save()
    assert page(client, certificate).status_code == 404


def test_a_hidden_certificate_says_when_it_will_be_available(client, certificate, course_run):
    available = timezone.now() + dt.timedelta(days=10)
    course_run.self_paced = False
    course_run.certificates_display_behavior = "end_with_date"
    course_run.certificate_available_date = available
    course_run.save()
    response = page(client, certificate)
    body = response.content.decode()
    assert response.status_code == 200
    assert f"This certificate will be available on {available:%B} {available.day}, {available.year}." in body
    assert "Jane Doe" not in body


def test_a_run_shown_at_its_end_says_the_end_date(client, certificate, course_run):
    course_run.self_paced = False
    course_run.end = timezone.now() + dt.timedelta(days=3)
    course_run.save()
    body = page(client, certificate).content.decode()
    assert f"available on {course_run.end:%B} {course_run.end.day}, {course_run.end.year}" in body


def test_it_prints_the_display_date(client, certificate, course_run):
    """Reference 3.3: a date override wins over the issue date."""
    CertificateDateOverride.objects.create(
        generated_certificate=certificate,
        date=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
        reason="x",
        overridden_by=UserFactory(username="prof"),
    )
    assert "Issued March 1, 2026" in page(client, certificate).content.decode()


@pytest.mark.parametrize(
    ("language", "printed"),
    [("en", "Issued December 1, 2026"), ("ar", "1 ديسمبر 2026"), ("fr", "1 décembre 2026")],
)
def test_the_date_is_written_in_the_conventions_of_the_page_language(
    client, settings, course_run, language, printed
):
    """Issue 11: no zero-padded day, and not the US order on the Arabic page ("ديسمبر 01, 2026")."""
    settings.CERTIFICATE_LANGUAGES = ["en", "ar", "fr"]
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        certificate = issue(course_run)
    assert printed in page(client, certificate, lang=language).content.decode()


def test_the_date_follows_a_cldr_pattern_in_certificate_date_format(client, settings, course_run):
    settings.CERTIFICATE_DATE_FORMAT = "d MMMM y"
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        certificate = issue(course_run)
    assert "Issued 1 December 2026" in page(client, certificate).content.decode()


def test_the_date_follows_certificate_date_format(client, settings, course_run):
    settings.CERTIFICATE_DATE_FORMAT = "%d/%m/%Y"
    with time_machine.travel(dt.datetime(2026, 2, 3, 12, tzinfo=dt.UTC)):
        certificate = issue(course_run)
    assert "Issued 03/02/2026" in page(client, certificate).content.decode()


def test_the_linkedin_link_has_the_certificate_fields(client, course_run):
    with time_machine.travel(dt.datetime(2026, 5, 17, 12, tzinfo=dt.UTC)):
        certificate = issue(course_run)
    body = page(client, certificate).content.decode()
    start = body.index('id="add-to-linkedin" href="') + len('id="add-to-linkedin" href="')
    url = urlparse(html.unescape(body[start : body.index('"', start)]))
    params = {key: values[0] for key, values in parse_qs(url.query).items()}
    assert (url.scheme, url.netloc, url.path) == ("https", "www.linkedin.com", "/profile/add")
    assert params == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Verified Certificate of Achievement: Data Science 101",
        "organizationName": "Open Learning Institute",
        "issueYear": "2026",
        "issueMonth": "5",
        "certUrl": f"http://testserver/certificates/{certificate.verify_uuid}?utm_source=linkedin",
        "certId": certificate.verify_uuid,
    }


def test_titles_come_from_the_web_view_configuration(client, certificate):
    from coursecerts.certificates.models import CertificateHtmlViewConfiguration

    CertificateHtmlViewConfiguration.objects.create(
        enabled=True,
        configuration=json.dumps(
            {"default": {"platform_name": "Campus X"}, "verified": {"certificate_title": "ID-Verified Award"}}
        ),
    )
    body = page(client, certificate).content.decode()
    assert "ID-Verified Award" in body and "Campus X" in body


def test_the_page_costs_a_fixed_number_of_queries(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert page(client, certificate).status_code == 200


class TestEvidenceVisited:
    def events(self, caplog):
        return [
            json.loads(r.getMessage())
            for r in caplog.records
            if r.name == "coursecerts.tracking" and "evidence_visited" in r.getMessage()
        ]

    def test_an_anonymous_visit_is_recorded(self, client, certificate, caplog):
        caplog.set_level(logging.INFO, logger="coursecerts.tracking")
        page(client, certificate)
        (event,) = self.events(caplog)
        assert event["name"] == "edx.certificate.evidence_visited"
        assert event["data"]["certificate_id"] == certificate.verify_uuid
        assert event["data"]["user_id"] == certificate.user_id
        assert event["data"]["enrollment_mode"] == "verified"
        assert "social_network" not in event["data"]

    def test_a_visit_from_a_share_link_names_the_network(self, client, certificate, caplog):
        caplog.set_level(logging.INFO, logger="coursecerts.tracking")
        page(client, certificate, utm_source="linkedin")
        (event,) = self.events(caplog)
        assert event["data"]["social_network"] == "linkedin"

    def test_another_logged_in_user_is_recorded(self, client, certificate, caplog):
        caplog.set_level(logging.INFO, logger="coursecerts.tracking")
        client.force_login(UserFactory(username="employer"))
        page(client, certificate)
        assert len(self.events(caplog)) == 1

    def test_the_owner_is_not_recorded(self, client, certificate, caplog):
        caplog.set_level(logging.INFO, logger="coursecerts.tracking")
        client.force_login(certificate.user)
        page(client, certificate)
        assert self.events(caplog) == []


def test_the_old_user_course_url_says_it_is_not_supported(client, course_run):
    response = client.get(f"/certificates/user/3/course/{course_run.id}")
    assert response.status_code == 404
    assert b"URL Not Supported" in response.content
