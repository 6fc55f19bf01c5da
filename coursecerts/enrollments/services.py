from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.enrollments.models import CourseEnrollment


@transaction.atomic
def enrollment_upsert(
    *, user, course_run, mode: str, is_active: bool = True
) -> tuple[CourseEnrollment, bool]:
    """Create or update an enrollment. A mode change of an existing enrollment sends ENROLLMENT_TRACK_UPDATED."""
    enrollment = CourseEnrollment.objects.select_for_update().filter(user=user, course=course_run).first()
    created = enrollment is None
    old_mode = None if created else enrollment.mode
    if created:
        enrollment = CourseEnrollment(user=user, course=course_run)
    enrollment.mode, enrollment.is_active = mode, is_active
    enrollment.full_clean(validate_unique=False)
    enrollment.save()
    if not created and old_mode != mode:
        signals.ENROLLMENT_TRACK_UPDATED.send(
            sender=CourseEnrollment, user=user, course_run=course_run, mode=mode
        )
    return enrollment, created
