from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from coursecerts.common import signals
from coursecerts.common.bulk_rows import rows_insert, rows_update, rows_where_in, table
from coursecerts.common.upsert import row_upsert, upsert_retried
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
    """enrollment_upsert for many learners of one run at once, {user id: (mode, is_active)}, set-based (their
    rows read at once, written by coursecerts.common.bulk_rows). It sends no signal: the caller applies the
    triggers to `mode_changed` in bulk (coursecerts.certificates.triggers). Call it inside the caller's
    transaction."""
    course_key, now = str(course_run.pk), timezone.now()
    existing = {
        user_id: (pk, mode, bool(is_active))
        for pk, user_id, mode, is_active in rows_where_in(
            f"SELECT id, user_id, mode, is_active FROM {table(CourseEnrollment)} WHERE course_id = %s AND {{in}}",
            CourseEnrollment._meta.get_field("user"),
            enrollments,
            params=[course_key],
        )
    }
    new, changed, mode_changed = [], [], {}
    for user_id, (mode, is_active) in enrollments.items():
        current = existing.get(user_id)
        if current is None:
            new.append((user_id, course_key, mode, is_active, now, now))
            continue
        if current[1:] == (mode, is_active):
            continue
        if current[1] != mode:
            mode_changed[user_id] = mode
        changed.append((mode, is_active, now, current[0], user_id))
    rows_insert(CourseEnrollment, ["user", "course", "mode", "is_active", "created", "modified"], new)
    rows_update(CourseEnrollment, ["mode", "is_active", "modified"], [row[:4] for row in changed])
    return EnrollmentsBulkUpsert(
        created={row[0] for row in new}, updated={row[4] for row in changed}, mode_changed=mode_changed
    )
