from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.enrollments.models import CourseEnrollment


@upsert_retried
@transaction.atomic
def enrollment_upsert(
    *, user, course_run, mode: str, is_active: bool = True
) -> tuple[CourseEnrollment, bool]:
    """Create or update an enrollment. A mode change of an existing enrollment sends ENROLLMENT_TRACK_UPDATED.
    Parallel callers end with one enrollment."""
    enrollment, previous = row_upsert(
        CourseEnrollment,
        key={"user": user, "course": course_run},
        values={"mode": mode, "is_active": is_active},
    )
    created = previous is None
    if not created and previous.mode != mode:
        signals.ENROLLMENT_TRACK_UPDATED.send(
            sender=CourseEnrollment, user=user, course_run=course_run, mode=mode
        )
    return enrollment, created
