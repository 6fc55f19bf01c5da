"""Display rules: when a certificate is visible and which date it prints (certificates/display.py)."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from coursecerts.certificates.display import (
    available_date_for_certificate,
    certificates_viewable_for_course,
    display_date_for_certificate,
)
from coursecerts.certificates.services import date_override_set
from coursecerts.courses.models import CourseRun
from tests.factories import GeneratedCertificateFactory, learner_in_course

NOW = timezone.now()
PAST, FUTURE = NOW - dt.timedelta(days=5), NOW + dt.timedelta(days=5)


def run(**fields):
    defaults = {
        "id": "course-v1:edX+Display+2026",
        "self_paced": False,
        "certificates_display_behavior": "end",
        "certificate_available_date": None,
        "end": None,
    }
    return CourseRun(**{**defaults, **fields})


class TestVisibility:
    def test_self_paced_runs_are_always_visible(self):
        assert certificates_viewable_for_course(run(self_paced=True, end=FUTURE), NOW)

    def test_early_no_info_is_visible_at_once(self):
        assert certificates_viewable_for_course(
            run(certificates_display_behavior="early_no_info", end=FUTURE), NOW
        )

    def test_end_with_date_waits_for_the_available_date(self):
        assert not certificates_viewable_for_course(
            run(certificates_display_behavior="end_with_date", certificate_available_date=FUTURE, end=PAST),
            NOW,
        )
        assert certificates_viewable_for_course(
            run(certificates_display_behavior="end_with_date", certificate_available_date=PAST, end=FUTURE),
            NOW,
        )

    def test_end_waits_for_the_end_of_the_course(self):
        assert not certificates_viewable_for_course(run(end=FUTURE), NOW)
        assert certificates_viewable_for_course(run(end=PAST), NOW)
        assert not certificates_viewable_for_course(run(end=None), NOW)


@pytest.mark.django_db
class TestDisplayDate:
    @pytest.fixture
    def certificate(self, course):
        return GeneratedCertificateFactory(
            user=learner_in_course(course), course=course, issued_date=NOW - dt.timedelta(days=2)
        )

    def test_self_paced_prints_the_issue_date(self, certificate):
        assert (
            display_date_for_certificate(certificate, run(self_paced=True, end=PAST), NOW)
            == certificate.issued_date
        )

    def test_a_re_save_does_not_move_the_printed_date(self, certificate):
        course = run(self_paced=True)
        before = display_date_for_certificate(certificate, course, NOW)
        certificate.save()
        assert display_date_for_certificate(certificate, course, NOW) == before

    def test_instructor_paced_end_prints_the_course_end(self, certificate):
        assert display_date_for_certificate(certificate, run(end=PAST), NOW) == PAST

    def test_a_passed_available_date_is_printed(self, certificate):
        course = run(
            certificates_display_behavior="end_with_date",
            certificate_available_date=PAST,
            end=PAST - dt.timedelta(days=9),
        )
        assert display_date_for_certificate(certificate, course, NOW) == PAST

    def test_a_future_available_date_is_not_printed_yet(self, certificate):
        course = run(certificates_display_behavior="end_with_date", certificate_available_date=FUTURE)
        assert display_date_for_certificate(certificate, course, NOW) == certificate.issued_date
        assert available_date_for_certificate(certificate, course) == FUTURE

    @override_settings(AUTO_CERTIFICATE_GENERATION=False)
    def test_the_available_date_counts_only_with_automatic_generation(self, certificate):
        course = run(certificates_display_behavior="end_with_date", certificate_available_date=PAST)
        assert display_date_for_certificate(certificate, course, NOW) == certificate.issued_date

    def test_a_date_override_wins_over_everything(self, certificate, staff):
        override = NOW - dt.timedelta(days=100)
        date_override_set(certificate=certificate, date=override, reason="r", actor=staff)
        certificate.refresh_from_db()
        course = run(certificates_display_behavior="end_with_date", certificate_available_date=PAST)
        assert display_date_for_certificate(certificate, course, NOW) == override

    def test_a_date_override_never_changes_visibility(self, certificate, staff):
        date_override_set(certificate=certificate, date=PAST, reason="r", actor=staff)
        assert not certificates_viewable_for_course(run(end=FUTURE), NOW)

    def test_certificates_without_issue_date_fall_back_to_modified_date(self, certificate):
        certificate.issued_date = None
        assert (
            display_date_for_certificate(certificate, run(self_paced=True), NOW) == certificate.modified_date
        )
