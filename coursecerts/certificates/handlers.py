"""The signal receivers of certificates: each one hands its event to the rule that owns it, in
coursecerts.certificates.triggers (which the bulk import calls too) or a service. Generation owed is recorded in
the outbox in the caller's transaction and drained after commit (ADR 0013)."""

from __future__ import annotations

from django.dispatch import receiver

from coursecerts.certificates import triggers
from coursecerts.certificates.services import certificate_invalidate_for_exam
from coursecerts.common import signals


@receiver(signals.COURSE_GRADE_NOW_PASSED, dispatch_uid="certificates.grade_passed")
def on_grade_passed(sender, *, user, course_run, **kwargs):
    triggers.grade_passed(user=user, course_run=course_run)


@receiver(signals.COURSE_GRADE_NOW_FAILED, dispatch_uid="certificates.grade_failed")
def on_grade_failed(sender, *, user, course_run, grade, **kwargs):
    triggers.grade_failed(user=user, course_run=course_run, percent=grade.percent_grade)


@receiver(signals.ALLOWLIST_ENTRY_ADDED, dispatch_uid="certificates.allowlist_added")
def on_allowlist_added(sender, *, user, course_run, entry, **kwargs):
    triggers.allowlist_added(user=user, course_run=course_run, entry=entry)


@receiver(signals.IDV_ATTEMPT_APPROVED, dispatch_uid="certificates.idv_approved")
def on_idv_approved(sender, *, user, **kwargs):
    triggers.idv_approved(user=user)


@receiver(signals.ENROLLMENT_TRACK_UPDATED, dispatch_uid="certificates.track_updated")
def on_enrollment_track_updated(sender, *, user, course_run, mode, **kwargs):
    triggers.track_updated(user=user, course_run=course_run, mode=mode)


@receiver(signals.EXAM_ATTEMPT_REJECTED, dispatch_uid="certificates.exam_rejected")
def on_exam_attempt_rejected(sender, *, user, course_run, **kwargs):
    certificate_invalidate_for_exam(user=user, course_run=course_run, source="exam_event")


@receiver(signals.COURSE_PACING_CHANGED, dispatch_uid="certificates.pacing_changed")
def on_course_pacing_changed(sender, *, course_run, **kwargs):
    triggers.pacing_changed(course_run=course_run)
