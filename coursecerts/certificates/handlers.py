"""The signal receivers of certificates: each one hands its event to the rule that owns it. The grade and mode
triggers live in coursecerts.certificates.triggers (which the bulk import calls too); generation owed is
recorded in the outbox in the caller's transaction and drained after commit (ADR 0013).
AUTO_CERTIFICATE_GENERATION decides *when* generation runs automatically, never who is eligible."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from coursecerts.certificates import triggers
from coursecerts.certificates.models import CertificateGenerationCourseSetting
from coursecerts.certificates.outbox import generation_owed_record
from coursecerts.certificates.services import certificate_invalidate_for_exam
from coursecerts.common import signals
from coursecerts.enrollments.models import CourseEnrollment


@receiver(signals.COURSE_GRADE_NOW_PASSED, dispatch_uid="certificates.grade_passed")
def on_grade_passed(sender, *, user, course_run, **kwargs):
    triggers.grade_passed(user=user, course_run=course_run)


@receiver(signals.COURSE_GRADE_NOW_FAILED, dispatch_uid="certificates.grade_failed")
def on_grade_failed(sender, *, user, course_run, grade, **kwargs):
    triggers.grade_failed(user=user, course_run=course_run, percent=grade.percent_grade)


@receiver(signals.ALLOWLIST_ENTRY_ADDED, dispatch_uid="certificates.allowlist_added")
def on_allowlist_added(sender, *, user, course_run, entry, **kwargs):
    if settings.AUTO_CERTIFICATE_GENERATION and entry.allowlist:
        generation_owed_record(course_run=course_run, sources={"allowlist": [user.pk]})


@receiver(signals.IDV_ATTEMPT_APPROVED, dispatch_uid="certificates.idv_approved")
def on_idv_approved(sender, *, user, **kwargs):
    if not settings.AUTO_CERTIFICATE_GENERATION:
        return
    for enrollment in CourseEnrollment.objects.filter(user=user, is_active=True).select_related("course"):
        generation_owed_record(course_run=enrollment.course, sources={"idv_approved": [user.pk]})


@receiver(signals.ENROLLMENT_TRACK_UPDATED, dispatch_uid="certificates.track_updated")
def on_enrollment_track_updated(sender, *, user, course_run, mode, **kwargs):
    triggers.track_updated(user=user, course_run=course_run, mode=mode)


@receiver(signals.EXAM_ATTEMPT_REJECTED, dispatch_uid="certificates.exam_rejected")
def on_exam_attempt_rejected(sender, *, user, course_run, **kwargs):
    certificate_invalidate_for_exam(user=user, course_run=course_run, source="exam_event")


@receiver(signals.COURSE_PACING_CHANGED, dispatch_uid="certificates.pacing_changed")
def on_course_pacing_changed(sender, *, course_run, **kwargs):
    """Self-paced runs let learners generate their own certificates; instructor-paced runs do not."""
    current = CertificateGenerationCourseSetting.get(course_run.id)
    if current is None or current.self_generation_enabled != course_run.self_paced:
        CertificateGenerationCourseSetting.objects.create(
            course_key=course_run.id,
            self_generation_enabled=course_run.self_paced,
            language_specific_templates_enabled=bool(current and current.language_specific_templates_enabled),
            include_hours_of_effort=current.include_hours_of_effort if current else None,
        )
