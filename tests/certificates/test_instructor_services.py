"""Invalidation, re-validation, the allowlist and date overrides: the course team's actions."""

import datetime as dt

import pytest
from django.utils import timezone

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateInvalidation,
    GeneratedCertificate,
)
from coursecerts.certificates.models import (
    CertificateStatuses as S,
)
from coursecerts.certificates.services import (
    allowlist_entry_create,
    allowlist_entry_remove,
    certificate_invalidation_create,
    certificate_revalidate,
    date_override_remove,
    date_override_set,
)
from coursecerts.certificates.services.allowlist import AllowlistNotAllowed
from coursecerts.certificates.services.date_override import DateOverrideError
from coursecerts.certificates.services.invalidation import InvalidationNotAllowed
from tests.factories import (
    AllowlistFactory,
    GeneratedCertificateFactory,
    InvalidationFactory,
    UserFactory,
    learner_in_course,
)

pytestmark = pytest.mark.django_db


class TestInvalidation:
    def test_it_invalidates_a_downloadable_certificate(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        invalidation = certificate_invalidation_create(
            certificate=cert, invalidated_by=staff, notes="plagiarism"
        )
        cert.refresh_from_db()
        assert (cert.status, invalidation.active, invalidation.invalidated_by, invalidation.notes) == (
            S.UNAVAILABLE,
            True,
            staff,
            "plagiarism",
        )
        assert cert.history.get().source == "certificate_invalidation_list"

    @pytest.mark.parametrize("status", [S.NOTPASSING, S.UNAVAILABLE, S.UNVERIFIED])
    def test_it_refuses_a_certificate_that_is_not_downloadable(self, course, staff, status):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course, status=status)
        with pytest.raises(InvalidationNotAllowed, match="already invalid"):
            certificate_invalidation_create(certificate=cert, invalidated_by=staff)
        assert not CertificateInvalidation.objects.exists()

    def test_it_refuses_an_allowlisted_learner(self, course, staff):
        user = learner_in_course(course)
        AllowlistFactory(user=user, course=course)
        cert = GeneratedCertificateFactory(user=user, course=course)
        with pytest.raises(InvalidationNotAllowed, match="Certificate Exception list"):
            certificate_invalidation_create(certificate=cert, invalidated_by=staff)
        cert.refresh_from_db()
        assert cert.status == S.DOWNLOADABLE

    def test_it_refuses_an_already_invalidated_certificate(self, course, staff):
        invalidation = InvalidationFactory(generated_certificate__course=course)
        with pytest.raises(InvalidationNotAllowed, match="already been invalidated"):
            certificate_invalidation_create(
                certificate=invalidation.generated_certificate, invalidated_by=staff
            )

    def test_revalidation_deactivates_and_regenerates(self, course, staff):
        user = learner_in_course(course)
        cert = GeneratedCertificateFactory(user=user, course=course)
        certificate_invalidation_create(certificate=cert, invalidated_by=staff)
        decision = certificate_revalidate(certificate=cert, actor=staff)
        cert.refresh_from_db()
        assert decision.eligible and cert.status == S.DOWNLOADABLE
        assert CertificateInvalidation.objects.get().active is False  # kept, never deleted

    def test_revalidating_a_certificate_that_is_not_invalidated_is_an_error(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        with pytest.raises(InvalidationNotAllowed, match="not invalidated"):
            certificate_revalidate(certificate=cert, actor=staff)

    def test_invalidating_again_after_revalidation_reuses_the_row(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        certificate_invalidation_create(certificate=cert, invalidated_by=staff)
        certificate_revalidate(certificate=cert, actor=staff)
        certificate_invalidation_create(certificate=cert, invalidated_by=staff, notes="again")
        assert CertificateInvalidation.objects.get().notes == "again"


class TestAllowlist:
    def test_it_adds_an_actively_enrolled_learner(self, course):
        user = learner_in_course(course)
        entry = allowlist_entry_create(user=user, course_run=course, notes="extension")
        assert (entry.allowlist, entry.notes) == (True, "extension")

    def test_it_refuses_a_learner_who_is_not_enrolled(self, course):
        with pytest.raises(AllowlistNotAllowed, match="not enrolled") as caught:
            allowlist_entry_create(user=UserFactory(), course_run=course)
        assert caught.value.code == "user_not_enrolled"
        assert not CertificateAllowlist.objects.exists()

    def test_it_refuses_an_inactive_enrollment(self, course):
        user = learner_in_course(course)
        user.enrollments.update(is_active=False)
        with pytest.raises(AllowlistNotAllowed):
            allowlist_entry_create(user=user, course_run=course)

    def test_it_refuses_an_invalidated_learner(self, course):
        user = learner_in_course(course)
        InvalidationFactory(generated_certificate=GeneratedCertificateFactory(user=user, course=course))
        with pytest.raises(AllowlistNotAllowed) as caught:
            allowlist_entry_create(user=user, course_run=course)
        assert caught.value.code == "user_on_certificate_invalidation_list"

    def test_it_refuses_a_learner_already_listed(self, course):
        user = learner_in_course(course)
        allowlist_entry_create(user=user, course_run=course)
        with pytest.raises(AllowlistNotAllowed) as caught:
            allowlist_entry_create(user=user, course_run=course)
        assert caught.value.code == "user_already_allowlisted"

    def test_removal_invalidates_the_certificate_then_deletes_the_entry(self, course):
        user = learner_in_course(course, passed=False, percent=0.1)
        AllowlistFactory(user=user, course=course)
        GeneratedCertificateFactory(user=user, course=course)
        assert allowlist_entry_remove(user=user, course_run=course) is True
        cert = GeneratedCertificate.objects.get(user=user)
        assert cert.status == S.UNAVAILABLE and cert.history.get().source == "allowlist_removal"
        assert not CertificateAllowlist.objects.exists()

    def test_removing_a_learner_not_listed_returns_false(self, course):
        assert allowlist_entry_remove(user=learner_in_course(course), course_run=course) is False


class TestDateOverride:
    def test_set_records_the_admin_and_a_history_note(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        date = timezone.now() - dt.timedelta(days=10)
        override = date_override_set(certificate=cert, date=date, reason="late grade", actor=staff)
        assert (override.date, override.overridden_by) == (date, staff)
        row = cert.history.get()
        assert row.source == "date_override" and row.status_before == row.status_after == S.DOWNLOADABLE

    def test_set_twice_replaces(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        date_override_set(certificate=cert, date=timezone.now(), reason="a", actor=staff)
        date_override_set(certificate=cert, date=timezone.now(), reason="b", actor=staff)
        cert.refresh_from_db()
        assert cert.date_override.reason == "b"

    def test_a_reason_is_required(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        with pytest.raises(DateOverrideError, match="reason"):
            date_override_set(certificate=cert, date=timezone.now(), reason=" ", actor=staff)

    def test_remove(self, course, staff):
        cert = GeneratedCertificateFactory(user=learner_in_course(course), course=course)
        date_override_set(certificate=cert, date=timezone.now(), reason="a", actor=staff)
        assert date_override_remove(certificate=cert, actor=staff) is True
        assert date_override_remove(certificate=cert, actor=staff) is False
