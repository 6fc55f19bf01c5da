"""Applying recorded inbox events (ADR 0021), set-based: a batch's events of one course are applied in one
transaction through the bulk writers the REST import uses (learners_bulk_upsert, enrollments_bulk_upsert,
course_grades_bulk_update) and the import's set-based triggers (certificates.triggers.import_triggers_apply),
with the inbox rows' outcomes written in the same transaction, so an event is applied once or not at all.

Ordering: of one (kind, learner, course), only the newest event by its metadata time is applied; an older one
(in the batch, or older than one applied before) is skipped with a note naming the newer one.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from coursecerts.certificates.services import certificate_invalidate_for_exam
from coursecerts.certificates.triggers import import_triggers_apply
from coursecerts.common.keys import parse_course_key
from coursecerts.courses.models import CourseRun
from coursecerts.courses.services import course_run_upsert
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.enrollments.services import enrollments_bulk_upsert
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.grades.services import course_grades_bulk_update
from coursecerts.learners.models import LearnerProfile
from coursecerts.learners.services import learners_bulk_upsert
from coursecerts.openedx.event_mapping import Fact, Person
from coursecerts.openedx.models import ImportedLearner, InboxEvent, InboxStatus
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus
from coursecerts.verify_student.services import id_verification_update

log = logging.getLogger(__name__)


class Outcome(NamedTuple):
    status: str  # InboxStatus.DONE, SKIPPED or FAILED
    note: str = ""  # why skipped, or the error
    retry: bool = True  # a failure retried automatically (False: the event itself is unusable)


class Item(NamedTuple):
    row: Any  # inbox.Row: pk, event_id, event_type, time, last_error, data
    fact: Fact


class UnknownLearner(Exception):
    pass


@dataclass(frozen=True)
class _LearnerRow:  # what learners_bulk_upsert reads of a learner
    username: str
    email: str
    name: str
    is_active: bool


# --- one course --------------------------------------------------------------------------------------------


@transaction.atomic
def course_events_apply(course_key: str, items: list[Item]) -> dict[int, Outcome]:
    """Apply a batch's events of one course in one transaction; returns each row's outcome (by row id), written
    to the rows in the same transaction. Raises when a write fails (the caller then tries the rows one by one)."""
    items = _locked_still_due(items)
    outcomes, newest = _newest_only(items, course_key=course_key)
    learners, unknown = learners_resolve([item.fact for item in newest])
    for item in newest:
        if item.fact.lms_user_id in unknown:
            outcomes[item.row.pk] = Outcome(InboxStatus.FAILED, _unknown_learner(item.fact.lms_user_id))
    newest = [item for item in newest if item.fact.lms_user_id not in unknown]
    if newest:
        course_run = _course_run(course_key, [item.fact for item in newest])
        _facts_write(course_run, [item.fact for item in newest], learners)
        for item in newest:
            outcomes.setdefault(item.row.pk, Outcome(InboxStatus.DONE))
    outcomes_write(outcomes)
    return outcomes


def _locked_still_due(items: list[Item]) -> list[Item]:
    """The items whose rows are still pending or failed, locked (a second consumer skips them)."""
    rows = InboxEvent.objects.filter(
        pk__in=[item.row.pk for item in items], status__in=[InboxStatus.PENDING, InboxStatus.FAILED]
    )
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    due = set(rows.values_list("pk", flat=True))
    return [item for item in items if item.row.pk in due]


def _newest_only(items: list[Item], *, course_key: str) -> tuple[dict[int, Outcome], list[Item]]:
    """Of each (kind, learner), the newest event by time (the last received among equals), unless an event
    applied before is newer; the others are skipped, naming the newer event."""
    outcomes: dict[int, Outcome] = {}
    newest: dict[tuple[str, int], Item] = {}
    for item in items:
        key = (item.fact.kind, item.fact.lms_user_id)
        other = newest.get(key)
        if other is not None and other.row.time > item.row.time:
            outcomes[item.row.pk] = Outcome(InboxStatus.SKIPPED, _older_than(other.row))
            continue
        if other is not None:
            outcomes[other.row.pk] = Outcome(InboxStatus.SKIPPED, _older_than(item.row))
        newest[key] = item
    applied = _applied_times(course_key, newest)
    kept = []
    for key, item in newest.items():
        if key in applied and applied[key] > item.row.time:
            outcomes[item.row.pk] = Outcome(
                InboxStatus.SKIPPED,
                f"older than an applied {item.fact.kind} event of {applied[key]:%Y-%m-%d %H:%M:%S}",
            )
        else:
            kept.append(item)
    return outcomes, sorted(kept, key=lambda item: item.row.pk)


def _older_than(row) -> str:
    return f"older than event {row.event_id}"


def _applied_times(course_key: str, newest: dict[tuple[str, int], Item]) -> dict[tuple[str, int], object]:
    """The time of the newest applied event of each (kind, learner) named, in this course."""
    if not newest:
        return {}
    kinds = {kind for kind, _ in newest}
    users = sorted({user for _, user in newest})
    found = (
        InboxEvent.objects.filter(
            course_key=course_key, kind__in=kinds, user_key__in=users, status=InboxStatus.DONE
        )
        .values_list("kind", "user_key")
        .annotate(newest=Max("time"))
    )
    return {(kind, user): time for kind, user, time in found}


def _unknown_learner(lms_id: int) -> str:
    return (
        f"LMS user {lms_id} is not known to coursecerts yet: this event names the learner by id only. It is retried; "
        "an enrollment or passing-status event of the learner (or import_openedx) brings the learner."
    )


def _course_run(course_key: str, facts: list[Fact]) -> CourseRun:
    """The run; created from the events' course data when coursecerts does not know it (an existing run is
    left as its operator set it: the LMS sends most events with the key only)."""
    key = parse_course_key(course_key)
    run = CourseRun.objects.filter(id=key).first()
    if run is not None:
        return run
    named = next((f for f in reversed(facts) if f.course_name), None)
    dated = next((f for f in reversed(facts) if f.course_start or f.course_end), None)
    start, end = (dated.course_start, dated.course_end) if dated else (None, None)
    if start and end and start > end:
        start = None
    run, _ = course_run_upsert(
        course_key=key, display_name=named.course_name if named else key.course, start=start, end=end
    )
    return run


def _facts_write(course_run: CourseRun, facts: list[Fact], learners: dict[int, int]) -> None:
    """Enrollments, grades and the triggers they owe, in bulk; then exam rejections, one by one (rare)."""
    user_ids = sorted(
        {learners[f.lms_user_id] for f in facts if f.kind in ("enrollment", "grade", "passing")}
    )
    enrollments = {learners[f.lms_user_id]: (f.mode, f.is_active) for f in facts if f.kind == "enrollment"}
    if user_ids:
        modes = dict(
            CourseEnrollment.objects.filter(course=course_run, user_id__in=user_ids).values_list(
                "user_id", "mode"
            )
        )
        modes.update({user_id: mode for user_id, (mode, _) in enrollments.items()})
        grades = _grades(course_run, facts, learners, user_ids)
        written = enrollments_bulk_upsert(course_run=course_run, enrollments=enrollments)
        graded = course_grades_bulk_update(course_run=course_run, grades=grades)
        import_triggers_apply(
            course_run=course_run, modes=modes,
            percents={user_id: grade[0] for user_id, grade in grades.items() if grade is not None},
            mode_changed=written.mode_changed, now_passing=graded.now_passing, now_failing=graded.now_failing,
            passing=graded.passing,
        )  # fmt: skip
    exams = [learners[f.lms_user_id] for f in facts if f.kind == "exam"]
    if exams:
        users = get_user_model().objects.in_bulk(exams)
        for user_id in exams:
            certificate_invalidate_for_exam(user=users[user_id], course_run=course_run, source="exam_event")


def _grades(course_run, facts, learners, user_ids) -> dict[int, tuple[float, bool] | None]:
    """{user id: (percent, passed)} for the learners with a grade or passing fact, None for the others (their
    stored grade is kept, and counts for the triggers' check by state). A grade summary sets the percent, and
    passed only for a learner without a grade (its passed_timestamp, which the LMS never clears); a passing
    status sets passed, and the percent only for a learner without a grade (0: the event carries none)."""
    stored = {
        user_id: (percent, passed)
        for user_id, percent, passed in PersistentCourseGrade.objects.filter(
            course=course_run, user_id__in=user_ids
        ).values_list("user_id", "percent_grade", "passed")
    }
    percents, passed = {}, {}
    for fact in facts:
        user_id = learners[fact.lms_user_id]
        if fact.kind == "grade":
            percents[user_id] = fact.percent
            passed.setdefault(user_id, stored[user_id][1] if user_id in stored else fact.passing)
        elif fact.kind == "passing":
            passed[user_id] = fact.passing
    grades: dict[int, tuple[float, bool] | None] = dict.fromkeys(user_ids)
    for user_id in passed:
        percent = percents.get(user_id, stored[user_id][0] if user_id in stored else 0.0)
        grades[user_id] = (percent, passed[user_id])
    return grades


# --- learners ----------------------------------------------------------------------------------------------


def learners_resolve(facts: list[Fact]) -> tuple[dict[int, int], set[int]]:
    """{LMS user id: coursecerts user id} for the facts' learners, and the LMS ids that cannot be resolved (named
    by id only, and not known). A learner is found by the LMS id (ImportedLearner, as import_openedx links
    them), else by username; unknown ones are created from the event's personal data, and known ones take
    its email, active flag and name (an empty name keeps the stored one)."""
    people: dict[int, Person | None] = {}
    for fact in facts:
        if fact.person is not None or fact.lms_user_id not in people:
            people[fact.lms_user_id] = fact.person
    linked = dict(
        ImportedLearner.objects.filter(source_id__in=sorted(people)).values_list("source_id", "user_id")
    )
    persons = {lms_id: person for lms_id, person in people.items() if person is not None}
    usernames = {}
    if linked:  # a linked learner keeps the username it has (the LMS renames retired learners)
        usernames = dict(
            get_user_model()
            .objects.filter(pk__in=[linked[i] for i in persons if i in linked])
            .values_list("pk", "username")
        )
    rows = {
        lms_id: _LearnerRow(
            usernames.get(linked.get(lms_id), person.username), person.email, person.name, person.is_active
        )
        for lms_id, person in persons.items()
    }
    rows = _keep_stored_names(rows)
    ids = dict(linked)
    if rows:
        written = learners_bulk_upsert(learners=list(rows.values()))
        ids.update({lms_id: written.ids[row.username] for lms_id, row in rows.items()})
        new_links = [
            ImportedLearner(source_id=lms_id, user_id=ids[lms_id]) for lms_id in rows if lms_id not in linked
        ]
        ImportedLearner.objects.bulk_create(new_links, ignore_conflicts=True)
        if new_links:  # events that failed waiting for these learners (named by id only) are due now
            InboxEvent.objects.filter(
                status=InboxStatus.FAILED, available_at__isnull=False,
                user_key__in=[link.source_id for link in new_links],
            ).update(available_at=timezone.now())  # fmt: skip
    return ids, set(people) - set(ids)


def _keep_stored_names(rows: dict[int, _LearnerRow]) -> dict[int, _LearnerRow]:
    nameless = [row.username for row in rows.values() if not row.name]
    if not nameless:
        return rows
    names = dict(
        LearnerProfile.objects.filter(user__username__in=nameless).values_list("user__username", "name")
    )
    return {
        lms_id: row
        if row.name
        else _LearnerRow(row.username, row.email, names.get(row.username, ""), row.is_active)
        for lms_id, row in rows.items()
    }


# --- ID verification (a learner's, not a course's) -----------------------------------------------------------


@transaction.atomic
def idv_events_apply(items: list[Item]) -> dict[int, Outcome]:
    """Apply ID-verification events in the order of their times: approved sets approved (with its expiry) and
    owes generation (IDV_ATTEMPT_APPROVED); created, pending and denied set that status unless the learner holds
    an approval still valid. Not newest-wins: Open edX counts a learner verified while any approved attempt
    lasts, so a late approval still counts and a later denial does not undo one."""
    outcomes: dict[int, Outcome] = {}
    newest = sorted(_locked_still_due(items), key=lambda item: (item.row.time, item.row.pk))
    learners, unknown = learners_resolve([item.fact for item in newest])
    users = get_user_model().objects.in_bulk(list(learners.values()))
    for item in newest:
        fact = item.fact
        if fact.lms_user_id in unknown:
            outcomes[item.row.pk] = Outcome(InboxStatus.FAILED, _unknown_learner(fact.lms_user_id))
            continue
        user = users[learners[fact.lms_user_id]]
        status = IdVerificationStatus.APPROVED if fact.idv_status == "approved" else fact.idv_status
        if status in ("created", "pending"):
            status = IdVerificationStatus.PENDING
        current = IdVerification.objects.filter(user=user).first()
        if status != IdVerificationStatus.APPROVED and current is not None and current.is_verified():
            outcomes[item.row.pk] = Outcome(
                InboxStatus.SKIPPED, "the learner holds a valid approved verification"
            )
            continue
        id_verification_update(user=user, status=status, expires_at=fact.idv_expires)
        outcomes[item.row.pk] = Outcome(InboxStatus.DONE)
    outcomes_write(outcomes)
    return outcomes


# --- outcomes ----------------------------------------------------------------------------------------------


def outcomes_write(outcomes: dict[int, Outcome]) -> None:
    """Write the rows' outcomes: done and skipped rows in a few updates; a failed row keeps its error and is
    retried after a growing delay (inbox.retry_delay)."""
    from coursecerts.openedx.inbox import retry_delay  # inbox imports this module

    now = timezone.now()
    by_outcome: dict[Outcome, list[int]] = defaultdict(list)
    for pk, outcome in outcomes.items():
        by_outcome[outcome].append(pk)
    for outcome, pks in by_outcome.items():
        rows = InboxEvent.objects.filter(pk__in=pks)
        if outcome.status == InboxStatus.FAILED:
            for row in rows.only("pk", "attempts"):
                InboxEvent.objects.filter(pk=row.pk).update(
                    status=InboxStatus.FAILED, attempts=row.attempts + 1, last_error=outcome.note,
                    available_at=now + retry_delay(row.attempts + 1) if outcome.retry else None,
                )  # fmt: skip
            continue
        rows.update(
            status=outcome.status, note=outcome.note[:255], applied_at=now, attempts=F("attempts") + 1, last_error=""
        )  # fmt: skip
