"""The triggers (certificates/triggers.py): data arriving through the data-in services generates or revokes
certificates. Tasks run eagerly after commit; the tests run the on_commit callbacks explicitly."""

import pytest
from django.test import override_settings

from coursecerts.certificates.models import (
    CertificateGenerationCourseSetting,
    GeneratedCertificate,
)
from coursecerts.certificates.models import (
    CertificateStatuses as S,
)
from coursecerts.certificates.services import allowlist_entry_create
from coursecerts.common import signals
from coursecerts.courses.services import course_run_upsert
from coursecerts.enrollments.services import enrollment_upsert
from coursecerts.grades.services import course_grade_update
from coursecerts.verify_student.services import id_verification_update
from tests.factories import (
    AllowlistFactory,
    EnrollmentFactory,
    GeneratedCertificateFactory,
    UserFactory,
    learner_in_course,
)

pytestmark = pytest.mark.django_db


def status_of(user, course):
    cert = GeneratedCertificate.objects.filter(user=user, course=course).first()
    return cert.status if cert else None


def test_a_grade_that_passes_generates(course, captured_on_commit):
    user = UserFactory()
    EnrollmentFactory(user=user, course=course, mode="verified")
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.9, passed=True)
    assert status_of(user, course) == S.DOWNLOADABLE
    assert GeneratedCertificate.objects.get(user=user).history.get().source == "grade_passed"


@override_settings(AUTO_CERTIFICATE_GENERATION=False)
def test_without_automatic_generation_a_passing_grade_generates_nothing(course, captured_on_commit):
    user = UserFactory()
    EnrollmentFactory(user=user, course=course, mode="verified")
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.9, passed=True)
    assert status_of(user, course) is None


def test_a_grade_that_fails_revokes_a_passing_certificate(course, captured_on_commit):
    user = learner_in_course(course, percent=0.9, passed=True)
    GeneratedCertificateFactory(user=user, course=course)
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.4, passed=False)
    cert = GeneratedCertificate.objects.get(user=user)
    assert (cert.status, cert.grade, cert.history.get().source) == (S.NOTPASSING, "0.4", "notpassing_signal")


@override_settings(AUTO_CERTIFICATE_GENERATION=False)
def test_grade_failed_needs_no_switch(course, captured_on_commit):
    user = learner_in_course(course, percent=0.9, passed=True)
    GeneratedCertificateFactory(user=user, course=course)
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.4, passed=False)
    assert status_of(user, course) == S.NOTPASSING


def test_grade_failed_leaves_allowlisted_learners_alone(course, captured_on_commit):
    user = learner_in_course(course, percent=0.9, passed=True)
    AllowlistFactory(user=user, course=course)
    GeneratedCertificateFactory(user=user, course=course)
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.4, passed=False)
    assert status_of(user, course) == S.DOWNLOADABLE


def test_a_grade_update_that_stays_passing_triggers_nothing(course, captured_on_commit):
    user = learner_in_course(course, percent=0.9, passed=True)
    with captured_on_commit(execute=True) as callbacks:
        course_grade_update(user=user, course_run=course, percent_grade=0.95, passed=True)
    assert callbacks == [] and status_of(user, course) is None


def test_adding_to_the_allowlist_generates(course, captured_on_commit):
    user = learner_in_course(course, percent=0.2, passed=False)
    with captured_on_commit(execute=True):
        allowlist_entry_create(user=user, course_run=course, notes="medical leave")
    assert status_of(user, course) == S.DOWNLOADABLE


@override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True)
def test_an_approved_id_verification_generates_in_every_active_enrollment(course, captured_on_commit):
    user = learner_in_course(course, grade=False)
    with captured_on_commit(execute=True):
        course_grade_update(user=user, course_run=course, percent_grade=0.8, passed=True)
    assert status_of(user, course) == S.UNVERIFIED
    with captured_on_commit(execute=True):
        id_verification_update(user=user, status="approved")
    assert status_of(user, course) == S.DOWNLOADABLE


def test_an_enrollment_upgrade_generates_even_without_the_switch(course, captured_on_commit):
    user = learner_in_course(course, mode="audit")
    with override_settings(AUTO_CERTIFICATE_GENERATION=False), captured_on_commit(execute=True):
        enrollment_upsert(user=user, course_run=course, mode="verified")
    assert status_of(user, course) == S.DOWNLOADABLE


def test_a_downgrade_to_audit_never_revokes(course, captured_on_commit):
    user = learner_in_course(course, mode="verified")
    GeneratedCertificateFactory(user=user, course=course)
    with captured_on_commit(execute=True):
        enrollment_upsert(user=user, course_run=course, mode="audit")
    assert status_of(user, course) == S.DOWNLOADABLE


def test_a_rejected_exam_invalidates(course):
    user = learner_in_course(course)
    GeneratedCertificateFactory(user=user, course=course)
    signals.EXAM_ATTEMPT_REJECTED.send(sender=None, user=user, course_run=course)
    assert status_of(user, course) == S.UNAVAILABLE


def test_a_rejected_exam_leaves_allowlisted_learners_alone(course):
    user = learner_in_course(course)
    AllowlistFactory(user=user, course=course)
    GeneratedCertificateFactory(user=user, course=course)
    signals.EXAM_ATTEMPT_REJECTED.send(sender=None, user=user, course_run=course)
    assert status_of(user, course) == S.DOWNLOADABLE


def test_a_pacing_change_sets_self_generation(course):
    course_run_upsert(course_key=course.id, display_name=course.display_name, self_paced=False)
    assert CertificateGenerationCourseSetting.get(course.id).self_generation_enabled is False
    course_run_upsert(course_key=course.id, display_name=course.display_name, self_paced=True)
    assert CertificateGenerationCourseSetting.get(course.id).self_generation_enabled is True


def test_certificate_signals_go_out_after_commit(course, captured_on_commit):
    received = []

    def on_awarded(sender, **kwargs):
        received.append(("awarded", kwargs["status"]))

    def on_revoked(sender, **kwargs):
        received.append(("revoked", kwargs["status"]))

    signals.COURSE_CERT_AWARDED.connect(on_awarded)
    signals.COURSE_CERT_REVOKED.connect(on_revoked)
    try:
        user = learner_in_course(course, percent=0.9, passed=True)
        with captured_on_commit(execute=False) as callbacks:
            enrollment_upsert(user=user, course_run=course, mode="professional")
        assert received == []  # nothing before commit
        with captured_on_commit(execute=True):
            for callback in callbacks:
                callback()
        with captured_on_commit(execute=True):
            course_grade_update(user=user, course_run=course, percent_grade=0.1, passed=False)
    finally:
        signals.COURSE_CERT_AWARDED.disconnect(on_awarded)
        signals.COURSE_CERT_REVOKED.disconnect(on_revoked)
    assert received == [("awarded", S.DOWNLOADABLE), ("revoked", S.NOTPASSING)]
