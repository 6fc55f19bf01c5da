"""The triggers of reference 2.1: each receiver decides whether to attempt generation, and calls a service or
records the generation owed in the outbox, in the caller's transaction (drained after commit; ADR 0013).
AUTO_CERTIFICATE_GENERATION decides *when* generation runs automatically, never who is eligible."""

from __future__ import annotations

from django.conf import settings
from django.dispatch import receiver

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Policy, is_mode_eligible
from coursecerts.certificates.models import PASSED_STATUSES, CertificateGenerationCourseSetting
from coursecerts.certificates.outbox import generation_owed_record
from coursecerts.certificates.services import certificate_invalidate_for_exam, certificate_mark_notpassing
from coursecerts.certificates.services.generation import format_grade
from coursecerts.common import signals
from coursecerts.enrollments.models import CourseEnrollment


@receiver(signals.COURSE_GRADE_NOW_PASSED, dispatch_uid="certificates.grade_passed")
def on_grade_passed(sender, *, user, course_run, **kwargs):
    if not settings.AUTO_CERTIFICATE_GENERATION:
        return
    certificate = selectors.certificate_get(user=user, course_run=course_run)
    if certificate is not None and certificate.status in PASSED_STATUSES:
        return
    generation_owed_record(course_run=course_run, sources={"grade_passed": [user.pk]})


@receiver(signals.COURSE_GRADE_NOW_FAILED, dispatch_uid="certificates.grade_failed")
def on_grade_failed(sender, *, user, course_run, grade, **kwargs):
    """Revoke a passing certificate when the grade fails (no switch check; allowlisted learners keep theirs)."""
    if selectors.is_on_allowlist(user=user, course_run=course_run):
        return
    certificate = selectors.certificate_get(user=user, course_run=course_run)
    if certificate is None or certificate.status not in PASSED_STATUSES:
        return
    enrollment = selectors.enrollment_get(user=user, course_run=course_run)
    certificate_mark_notpassing(
        certificate=certificate,
        mode=enrollment.mode if enrollment else None,
        grade=format_grade(grade.percent_grade),
        source="notpassing_signal",
    )


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
    """A move to an eligible mode attempts generation (no switch check); a downgrade never revokes."""
    if is_mode_eligible(mode, Policy.from_settings()):
        generation_owed_record(course_run=course_run, sources={"enrollment_track_updated": [user.pk]})


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
