from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.upsert import row_upsert, rows_bulk_upsert, upsert_retried
from coursecerts.courses.models import CourseRun
from coursecerts.enrollments.models import CourseEnrollment

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@upsert_retried
@transaction.atomic
def enrollment_upsert(
    *, user: User, course_run: CourseRun, mode: str, is_active: bool = True
) -> tuple[CourseEnrollment, bool]:
    """Create or update an enrollment. A mode change of an existing enrollment sends ENROLLMENT_TRACK_UPDATED.
    Parallel callers end with one enrollment."""
    enrollment, previous = row_upsert(
        CourseEnrollment,
        key={"user": user, "course": course_run},
        values={"mode": mode, "is_active": is_active},
    )
    created = previous is None
    if previous is not None and previous.mode != mode:
        signals.ENROLLMENT_TRACK_UPDATED.send(
            sender=CourseEnrollment, user=user, course_run=course_run, mode=mode
        )
    return enrollment, created


@dataclass(frozen=True)
class EnrollmentsBulkUpsert:
    created: set[int]  # user ids whose enrollment is new
    updated: set[int]  # user ids whose existing enrollment changed (mode or active flag)
    mode_changed: dict[int, str]  # user id -> new mode, for existing enrollments whose mode changed


def enrollments_bulk_upsert(
    *, course_run: CourseRun, enrollments: Mapping[int, tuple[str, bool]]
) -> EnrollmentsBulkUpsert:
    """enrollment_upsert for many learners of one run at once, {user id: (mode, is_active)}, set-based (one
    read, bulk inserts and updates). It sends no signal: the caller applies the triggers to `mode_changed` in
    bulk (coursecerts.certificates.triggers). Call it inside the caller's transaction."""
    existing = {
        user_id: (mode, is_active)
        for user_id, mode, is_active in CourseEnrollment.objects.filter(course=course_run).values_list(
            "user_id", "mode", "is_active"
        )
    }
    new, changed, mode_changed = [], [], {}
    for user_id, values in enrollments.items():
        current = existing.get(user_id)
        if current == values:
            continue
        mode, is_active = values
        enrollment = CourseEnrollment(user_id=user_id, course=course_run, mode=mode, is_active=is_active)
        if current is None:
            new.append(enrollment)
            continue
        if current[0] != mode:
            mode_changed[user_id] = mode
        changed.append(enrollment)
    CourseEnrollment.objects.bulk_create(new, batch_size=1000)
    rows_bulk_upsert(
        CourseEnrollment,
        changed,
        unique_fields=["user", "course"],
        update_fields=["mode", "is_active", "modified"],
    )
    return EnrollmentsBulkUpsert(
        created={e.user_id for e in new}, updated={e.user_id for e in changed}, mode_changed=mode_changed
    )
