"""Enrollments and persistent course grades, a batch at a time: the batch's rows coursecerts holds are read in
one query by learner, then new rows are inserted and changed ones updated in bulk. No trigger runs: the
certificates are imported as Open edX issued them, not decided again (ADR 0016)."""

from __future__ import annotations

from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.openedx.importer.bulk import rows_insert, rows_update
from coursecerts.openedx.importer.context import MODES, ImportContext, ids_in, with_course_text
from coursecerts.openedx.importer.courses import NOT_IMPORTED_LEARNER, NOT_IMPORTED_RUN
from coursecerts.openedx.importer.report import TableReport
from coursecerts.openedx.importer.source import aware


def accepted(ctx: ImportContext, rows: list[dict], table: TableReport) -> list[tuple[dict, int]]:
    """The rows whose run and learner coursecerts holds, each with its coursecerts user id; the others
    rejected with their ids."""
    runs, users = ctx.runs(), ctx.user_ids(r["user_id"] for r in rows)
    found = []
    for row in rows:
        if row["course_id"] not in runs:
            table.reject(row["id"], NOT_IMPORTED_RUN)
        elif row["user_id"] not in users:
            table.reject(row["id"], NOT_IMPORTED_LEARNER)
        else:
            found.append((row, users[row["user_id"]]))
    return found


def existing_by_key(model, user_ids, fields: list[str]) -> dict[tuple[int, str], tuple]:
    """{(user id, course key): (pk, *fields)} of the model's rows for these learners."""
    return {
        (user_id, course_id): (pk, *values)
        for pk, user_id, course_id, *values in with_course_text(
            ids_in(model.objects, "user_id", set(user_ids))
        ).values_list("pk", "user_id", "course_text", *fields)
    }


def enrollments_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    found = accepted(ctx, rows, table)
    existing = existing_by_key(CourseEnrollment, (u for _, u in found), ["mode", "is_active"])
    new, changed = [], []
    for row, user_id in found:
        if row["mode"] not in MODES:
            table.reject(row["id"], f"mode {row['mode']!r} is not one coursecerts knows")
            continue
        values = (row["mode"], bool(row["is_active"]))
        current = existing.get((user_id, row["course_id"]))
        if current is None:
            new.append((user_id, row["course_id"], *values, aware(row["created"]), ctx.now))
            existing[(user_id, row["course_id"])] = (None, *values)
        elif current[1:] != values:
            changed.append((*values, ctx.now, current[0]))
        else:
            table.unchanged += 1
    rows_insert(CourseEnrollment, ["user", "course", "mode", "is_active", "created", "modified"], new)
    rows_update(CourseEnrollment, ["mode", "is_active", "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)


def grades_write(ctx: ImportContext, rows: list[dict], table: TableReport) -> None:
    """passed is Open edX's passed_timestamp being set (the learner passed, and has not failed since)."""
    found = accepted(ctx, rows, table)
    existing = existing_by_key(
        PersistentCourseGrade, (u for _, u in found), ["percent_grade", "passed", "letter_grade"]
    )
    new, changed = [], []
    for row, user_id in found:
        percent = row["percent_grade"]
        if percent is None or not 0 <= percent <= 1:
            table.reject(row["id"], "percent_grade is not between 0 and 1")
            continue
        values = (float(percent), row["passed_timestamp"] is not None, (row["letter_grade"] or "")[:255])
        current = existing.get((user_id, row["course_id"]))
        if current is None:
            new.append((user_id, row["course_id"], *values, aware(row["created"]), aware(row["modified"])))
            existing[(user_id, row["course_id"])] = (None, *values)
        elif current[1:] != values:
            changed.append((*values, aware(row["modified"]), current[0]))
        else:
            table.unchanged += 1
    fields = ["percent_grade", "passed", "letter_grade"]
    rows_insert(PersistentCourseGrade, ["user", "course", *fields, "created", "modified"], new)
    rows_update(PersistentCourseGrade, [*fields, "modified"], changed)
    table.created += len(new)
    table.changed += len(changed)
