"""certificate_generate, the revoke routine, and the per-learner generation attempt, against the database."""

import pytest
from django.test import override_settings

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.models import (
    CertificateHistory,
    GeneratedCertificate,
    VerifyUuidChanged,
)
from coursecerts.certificates.models import (
    CertificateStatuses as S,
)
from coursecerts.certificates.services import (
    certificate_generate,
    certificate_generation_attempt,
    certificate_invalidate,
    certificate_mark_notpassing,
    certificate_mark_unverified,
)
from coursecerts.certificates.services.generation import format_grade
from tests.factories import (
    AllowlistFactory,
    CertificateConfigurationFactory,
    CourseAccessRoleFactory,
    GeneratedCertificateFactory,
    IdVerificationFactory,
    InvalidationFactory,
    learner_in_course,
)

pytestmark = pytest.mark.django_db


def attempt(user, course, **kwargs):
    return certificate_generation_attempt(user=user, course_run=course, source="test", **kwargs)


class TestGenerate:
    def test_it_creates_a_certificate_with_snapshots(self, course):
        user = learner_in_course(course, percent=0.876)
        cert = certificate_generate(
            user=user, course_run=course, mode="verified", grade="0.876", source="test"
        )
        assert (cert.status, cert.mode, cert.grade, cert.name) == (
            S.DOWNLOADABLE,
            "verified",
            "0.876",
            user.profile.name,
        )
        assert cert.course_title == course.display_name
        assert len(cert.verify_uuid) == 32 and int(cert.verify_uuid, 16) >= 0
        assert cert.issued_date is not None

    def test_it_prefers_the_certificate_configuration_title(self, course):
        CertificateConfigurationFactory(course=course, title="Data Science: Statistics and Python")
        user = learner_in_course(course)
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="test")
        assert cert.course_title == "Data Science: Statistics and Python"

    def test_a_configuration_title_that_names_a_certificate_is_not_the_course_title(self, course):
        """It is the certificate's heading (tests/web/test_titles.py); the course's name is the course title."""
        CertificateConfigurationFactory(course=course, title="Certificate in Data Science")
        user = learner_in_course(course)
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="test")
        assert cert.course_title == course.display_name

    def test_it_prints_the_verified_name_when_the_learner_chose_it(self, course):
        user = learner_in_course(course)
        user.profile.verified_name, user.profile.use_verified_name_for_certificates = "Verified Name", True
        user.profile.save()
        assert (
            certificate_generate(user=user, course_run=course, mode="verified", source="t").name
            == "Verified Name"
        )

    def test_regenerating_upserts_and_keeps_the_verify_uuid(self, course):
        user = learner_in_course(course)
        first = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        certificate_invalidate(certificate=first, source="t")
        again = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        assert again.pk == first.pk and again.verify_uuid == first.verify_uuid
        assert GeneratedCertificate.objects.filter(user=user, course=course).count() == 1

    def test_it_blanks_legacy_pdf_columns_except_download_uuid(self, course):
        user = learner_in_course(course)
        GeneratedCertificateFactory(
            user=user,
            course=course,
            status=S.NOTPASSING,
            download_url="http://x/1.pdf",
            download_uuid="a" * 32,
            key="k",
            error_reason="e",
        )
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        assert (cert.download_url, cert.key, cert.error_reason, cert.download_uuid) == ("", "", "", "a" * 32)

    def test_the_issue_date_is_fixed_at_issue(self, course):
        user = learner_in_course(course)
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        issued = cert.issued_date
        cert.save()  # a re-save (Open edX: modified_date moves, and with it the printed date)
        cert = certificate_generate(user=user, course_run=course, mode="verified", source="t")
        assert cert.issued_date == issued
        assert cert.modified_date > issued

    def test_the_course_title_snapshot_survives_a_rename(self, course):
        user = learner_in_course(course)
        certificate_generate(user=user, course_run=course, mode="verified", source="t")
        old_title = course.display_name
        course.display_name = "Renamed"
        course.save()
        assert GeneratedCertificate.objects.get(user=user).course_title == old_title

    def test_unverified_generation_stores_no_grade(self, course):
        user = learner_in_course(course)
        cert = certificate_generate(
            user=user, course_run=course, mode="verified", grade="0.9", status=S.UNVERIFIED, source="t"
        )
        assert (cert.status, cert.grade, cert.issued_date) == (S.UNVERIFIED, "", None)


class TestHistory:
    def test_every_change_is_recorded_with_cause_actor_and_values(self, course, staff):
        user = learner_in_course(course)
        cert = certificate_generate(
            user=user, course_run=course, mode="verified", grade="0.9", source="grade_passed"
        )
        certificate_invalidate(
            certificate=cert, source="certificate_invalidation_list", actor=staff, note="copied"
        )
        rows = list(CertificateHistory.objects.filter(certificate=cert).order_by("pk"))
        assert [(r.source, r.status_before, r.status_after) for r in rows] == [
            ("grade_passed", "", S.DOWNLOADABLE),
            ("certificate_invalidation_list", S.DOWNLOADABLE, S.UNAVAILABLE),
        ]
        assert (rows[1].actor, rows[1].grade_before, rows[1].grade_after, rows[1].note) == (
            staff,
            "0.9",
            "",
            "copied",
        )

    def test_a_write_that_changes_nothing_records_nothing(self, course):
        user = learner_in_course(course)
        cert = certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
        certificate_generate(user=user, course_run=course, mode="verified", grade="0.9", source="t")
        assert cert.history.count() == 1


class TestRevoke:
    def test_invalidate_uses_the_current_enrollment_mode_and_keeps_the_uuid(self, course):
        user = learner_in_course(course, mode="professional")
        cert = GeneratedCertificateFactory(
            user=user, course=course, mode="verified", download_url="u", download_uuid="d"
        )
        revoked = certificate_invalidate(certificate=cert, source="t")
        assert (revoked.status, revoked.mode, revoked.grade, revoked.download_url, revoked.download_uuid) == (
            S.UNAVAILABLE,
            "professional",
            "",
            "",
            "",
        )
        assert revoked.verify_uuid == cert.verify_uuid

    def test_mark_notpassing_keeps_the_grade_snapshot(self, course):
        user = learner_in_course(course)
        cert = GeneratedCertificateFactory(user=user, course=course)
        assert (
            certificate_mark_notpassing(certificate=cert, mode="verified", grade="0.41", source="t").grade
            == "0.41"
        )

    def test_mark_unverified_blanks_the_grade(self, course):
        user = learner_in_course(course)
        cert = GeneratedCertificateFactory(user=user, course=course, status=S.NOTPASSING)
        marked = certificate_mark_unverified(certificate=cert, mode="verified", source="t")
        assert (marked.status, marked.grade) == (S.UNVERIFIED, "")

    def test_the_name_is_refreshed_on_revoke(self, course):
        user = learner_in_course(course)
        cert = GeneratedCertificateFactory(user=user, course=course, name="Old Name")
        assert certificate_invalidate(certificate=cert, source="t").name == user.profile.name


class TestAttempt:
    def test_passing_learner_gets_a_downloadable_certificate(self, course):
        user = learner_in_course(course, percent=0.8512)
        decision = attempt(user, course)
        cert = GeneratedCertificate.objects.get(user=user, course=course)
        assert decision.eligible and cert.status == S.DOWNLOADABLE and cert.grade == "0.85"

    def test_an_inactive_enrollment_still_counts(self, course):
        user = learner_in_course(course)
        user.enrollments.update(is_active=False)
        assert attempt(user, course).eligible

    def test_failing_learner_without_certificate_gets_nothing(self, course):
        user = learner_in_course(course, percent=0.2, passed=False)
        assert attempt(user, course).reason == Reason.NOT_PASSING
        assert not GeneratedCertificate.objects.filter(user=user).exists()

    def test_failing_learner_with_certificate_is_marked_notpassing(self, course):
        user = learner_in_course(course, percent=0.2, passed=False)
        GeneratedCertificateFactory(user=user, course=course, status=S.UNAVAILABLE)
        attempt(user, course)
        assert GeneratedCertificate.objects.get(user=user).status == S.NOTPASSING

    def test_audit_learner_gets_nothing(self, course):
        user = learner_in_course(course, mode="audit")
        assert attempt(user, course).reason == Reason.MODE_INELIGIBLE
        assert not GeneratedCertificate.objects.exists()

    def test_beta_tester_gets_nothing(self, course):
        user = learner_in_course(course)
        CourseAccessRoleFactory(user=user, course=course, role="beta_tester")
        assert attempt(user, course).reason == Reason.BETA_TESTER

    def test_allowlisted_failing_learner_gets_a_certificate(self, course):
        user = learner_in_course(course, percent=0.1, passed=False)
        AllowlistFactory(user=user, course=course)
        assert attempt(user, course).reason == Reason.ALLOWLISTED
        assert GeneratedCertificate.objects.get(user=user).status == S.DOWNLOADABLE

    def test_an_allowlist_row_with_the_flag_off_does_not_count(self, course):
        user = learner_in_course(course, percent=0.1, passed=False)
        AllowlistFactory(user=user, course=course, allowlist=False)
        assert attempt(user, course).reason == Reason.NOT_PASSING

    def test_invalidated_certificate_becomes_unavailable_and_stays_so(self, course):
        user = learner_in_course(course)
        InvalidationFactory(generated_certificate=GeneratedCertificateFactory(user=user, course=course))
        assert attempt(user, course).reason == Reason.INVALIDATED
        assert GeneratedCertificate.objects.get(user=user).status == S.UNAVAILABLE

    @override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True)
    def test_idv_required_and_missing_gives_unverified(self, course):
        user = learner_in_course(course)
        attempt(user, course)
        assert GeneratedCertificate.objects.get(user=user).status == S.UNVERIFIED

    @override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True)
    def test_an_expired_verification_does_not_count(self, course):
        import datetime as dt

        from django.utils import timezone

        user = learner_in_course(course)
        IdVerificationFactory(user=user, expires_at=timezone.now() - dt.timedelta(days=1))
        attempt(user, course)
        assert GeneratedCertificate.objects.get(user=user).status == S.UNVERIFIED

    @override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True)
    def test_idv_approved_gives_downloadable(self, course):
        user = learner_in_course(course)
        IdVerificationFactory(user=user)
        attempt(user, course)
        assert GeneratedCertificate.objects.get(user=user).status == S.DOWNLOADABLE

    def test_audit_to_verified_upgrade_regenerates_in_the_new_mode(self, course):
        user = learner_in_course(course, mode="verified")
        GeneratedCertificateFactory(user=user, course=course, mode="audit")
        assert attempt(user, course).eligible
        assert GeneratedCertificate.objects.get(user=user).mode == "verified"

    def test_a_downloadable_certificate_is_not_refreshed(self, course):
        user = learner_in_course(course, percent=0.99)
        cert = GeneratedCertificateFactory(user=user, course=course, grade="0.70")
        assert attempt(user, course).reason == Reason.ALREADY_DOWNLOADABLE
        cert.refresh_from_db()
        assert cert.grade == "0.70"

    def test_web_certificates_disabled_for_the_run(self, course):
        course.cert_html_view_enabled = False
        course.save()
        user = learner_in_course(course)
        assert attempt(user, course).reason == Reason.WEB_CERTIFICATES_DISABLED

    def test_it_is_idempotent(self, course):
        user = learner_in_course(course)
        attempt(user, course)
        attempt(user, course)
        cert = GeneratedCertificate.objects.get(user=user)
        assert cert.history.count() == 1


def test_verify_uuid_never_changes_once_set(course):
    user = learner_in_course(course)
    cert = GeneratedCertificateFactory(user=user, course=course)
    cert = GeneratedCertificate.objects.get(pk=cert.pk)
    cert.verify_uuid = "f" * 32
    with pytest.raises(VerifyUuidChanged):
        cert.save()


def test_one_certificate_per_learner_and_run_is_a_database_constraint(course):
    from django.db import IntegrityError, transaction

    user = learner_in_course(course)
    GeneratedCertificateFactory(user=user, course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        GeneratedCertificate.objects.create(user=user, course=course)


@pytest.mark.parametrize(
    "value, expected",
    [(0.8512, "0.85"), (0.855, "0.85"), (1.0, "1.0"), (0, "0.0"), (None, ""), ("0.5", "0.5")],
)
def test_grade_snapshots_fit_five_characters(value, expected):
    assert format_grade(value) == expected
