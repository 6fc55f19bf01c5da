"""What each Open edX event means to coursecerts (ADR 0021): an event's Avro record (openedx-events'
AvroSignalSerializer.to_dict() shape, as the inbox stores it) read into one `Fact`, checked field by field. A
record that cannot be applied raises EventRefused naming the field and why; nothing is written for it.

| event type (org.openedx.learning.…) | kind | what it sets |
| --- | --- | --- |
| course.enrollment.created.v1, .changed.v1, course.unenrollment.completed.v1 | enrollment | mode, is_active |
| course.persistent_grade_summary.changed.v1 | grade | percent (passed for a new grade) |
| course.passing.status.updated.v1 | passing | passed |
| ccx.course.passing.status.updated.v1 | ccx | nothing: CCX courses issue no certificates |
| idv_attempt.created/pending/approved/denied.v1 | idv | the learner's ID verification |
| exam.attempt.rejected.v1 | exam | invalidates the certificate (Open edX's exam_event) |
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.common.validators import CONTROL_CHARACTERS
from coursecerts.courses.models import CourseModes

_PREFIX = "org.openedx.learning."
ENROLLMENT_TYPES = {
    _PREFIX + "course.enrollment.created.v1",
    _PREFIX + "course.enrollment.changed.v1",
    _PREFIX + "course.unenrollment.completed.v1",
}
GRADE_TYPE = _PREFIX + "course.persistent_grade_summary.changed.v1"
PASSING_TYPE = _PREFIX + "course.passing.status.updated.v1"
CCX_PASSING_TYPE = _PREFIX + "ccx.course.passing.status.updated.v1"
IDV_TYPES = {
    _PREFIX + f"idv_attempt.{status}.v1": status for status in ("created", "pending", "approved", "denied")
}
EXAM_REJECTED_TYPE = _PREFIX + "exam.attempt.rejected.v1"

KINDS = {
    **dict.fromkeys(ENROLLMENT_TYPES, "enrollment"),
    GRADE_TYPE: "grade",
    PASSING_TYPE: "passing",
    CCX_PASSING_TYPE: "ccx",
    **dict.fromkeys(IDV_TYPES, "idv"),
    EXAM_REJECTED_TYPE: "exam",
}
# The openedx-events signal of each type, by name (openedx_events.learning.signals), for the receivers.
SIGNAL_NAMES = [
    "COURSE_ENROLLMENT_CREATED", "COURSE_ENROLLMENT_CHANGED", "COURSE_UNENROLLMENT_COMPLETED",
    "PERSISTENT_GRADE_SUMMARY_CHANGED", "COURSE_PASSING_STATUS_UPDATED", "CCX_COURSE_PASSING_STATUS_UPDATED",
    "IDV_ATTEMPT_CREATED", "IDV_ATTEMPT_PENDING", "IDV_ATTEMPT_APPROVED", "IDV_ATTEMPT_DENIED",
    "EXAM_ATTEMPT_REJECTED",
]  # fmt: skip

_USERNAME = UnicodeUsernameValidator()


class EventRefused(ValueError):
    """The event cannot be applied as it is: the message names the field and the reason."""


@dataclass(frozen=True)
class Person:
    """A learner as the event tells of them (UserData): the LMS user id and, when the event carries it, the
    personal data to create or update the learner with."""

    lms_id: int
    username: str
    email: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class Fact:
    kind: str
    lms_user_id: int
    person: Person | None = None  # None: the event names the learner by id only (grade summary)
    course_key: str = ""  # "" for ID verification (a learner's, not a course's)
    course_name: str = ""
    course_start: datetime | None = None
    course_end: datetime | None = None
    mode: str | None = None
    is_active: bool | None = None
    percent: float | None = None
    passing: bool | None = None
    idv_status: str | None = None
    idv_expires: datetime | None = None


def fact_from(event_type: str, data: dict) -> Fact:
    """The event's Fact; EventRefused when a field is missing or unusable."""
    kind = KINDS.get(event_type)
    if kind is None:
        raise EventRefused(f"{event_type}: coursecerts does not consume this event type")
    try:
        return _READERS[kind](event_type, data)
    except EventRefused:
        raise
    except (KeyError, TypeError, AttributeError) as exc:
        raise EventRefused(
            f"{event_type}: the event data lacks a field coursecerts needs ({exc!r})"
        ) from None


def _enrollment(event_type: str, data: dict) -> Fact:
    enrollment = data["enrollment"]
    mode = enrollment["mode"]
    if mode not in CourseModes.values:
        raise EventRefused(
            f"enrollment.mode: {mode!r} is not a course mode ({', '.join(CourseModes.values)})"
        )
    person = _person(enrollment["user"], "enrollment.user")
    return Fact(
        kind="enrollment", lms_user_id=person.lms_id, person=person, **_course(enrollment["course"], "enrollment"),
        mode=mode, is_active=bool(enrollment["is_active"]) and not event_type.endswith("unenrollment.completed.v1"),
    )  # fmt: skip


def _grade(event_type: str, data: dict) -> Fact:
    grade = data["grade"]
    percent = grade["percent_grade"]
    if not isinstance(percent, int | float) or not math.isfinite(percent) or not 0 <= percent <= 1:
        raise EventRefused(f"grade.percent_grade: {percent!r} is not a number between 0 and 1")
    user_id = _user_id(grade["user_id"], "grade.user_id")
    return Fact(
        kind="grade", lms_user_id=user_id, **_course(grade["course"], "grade"), percent=float(percent),
        passing=grade.get("passed_timestamp") is not None,
    )  # fmt: skip


def _passing(event_type: str, data: dict) -> Fact:
    status = data["course_passing_status"]
    person = _person(status["user"], "course_passing_status.user")
    return Fact(
        kind="passing", lms_user_id=person.lms_id, person=person,
        **_course(status["course"], "course_passing_status"), passing=bool(status["is_passing"]),
    )  # fmt: skip


def _ccx(event_type: str, data: dict) -> Fact:
    status = data["course_passing_status"]
    return Fact(kind="ccx", lms_user_id=_user_id(status["user"]["id"], "course_passing_status.user.id"))


def _idv(event_type: str, data: dict) -> Fact:
    attempt = data["idv_attempt"]
    person = _person(attempt["user"], "idv_attempt.user")
    return Fact(
        kind="idv", lms_user_id=person.lms_id, person=person, idv_status=IDV_TYPES[event_type],
        idv_expires=_datetime(attempt.get("expiration_date"), "idv_attempt.expiration_date"),
    )  # fmt: skip


def _exam(event_type: str, data: dict) -> Fact:
    attempt = data["exam_attempt"]
    person = _person(attempt["student_user"], "exam_attempt.student_user")
    key = _course_key(attempt["course_key"], "exam_attempt.course_key")
    return Fact(kind="exam", lms_user_id=person.lms_id, person=person, course_key=key)


_READERS = {
    "enrollment": _enrollment, "grade": _grade, "passing": _passing, "ccx": _ccx, "idv": _idv, "exam": _exam,
}  # fmt: skip


def _person(user: dict, where: str) -> Person:
    pii = user.get("pii") or {}
    username, email, name = pii.get("username") or "", pii.get("email") or "", pii.get("name") or ""
    problems = []
    if not username or len(username) > 150:
        problems.append("username: empty or longer than 150 characters")
    else:
        try:
            _USERNAME(username)
        except ValidationError as exc:
            problems.append(f"username {username!r}: {' '.join(exc.messages)}")
    if len(email) > 254:
        problems.append("email: longer than 254 characters")
    if len(name) > 255 or CONTROL_CHARACTERS.search(name):
        problems.append("name: longer than 255 characters or holds control characters")
    if problems:
        raise EventRefused(f"{where}.pii: {'; '.join(problems)}")
    return Person(
        _user_id(user["id"], f"{where}.id"), username, email, name, bool(user.get("is_active", True))
    )


def _user_id(value, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise EventRefused(f"{where}: {value!r} is not an LMS user id")
    return value


def _course(course: dict, where: str) -> dict:
    return {
        "course_key": _course_key(course["course_key"], f"{where}.course.course_key"),
        "course_name": (course.get("display_name") or "")[:255],
        "course_start": _datetime(course.get("start"), f"{where}.course.start"),
        "course_end": _datetime(course.get("end"), f"{where}.course.end"),
    }


def _course_key(value, where: str) -> str:
    try:
        return _parsed_course_key(value)
    except InvalidCourseKey as exc:
        raise EventRefused(f"{where}: {exc}") from None


@functools.lru_cache(maxsize=1024)
def _parsed_course_key(value) -> str:
    """The key, parsed once per distinct string: a burst's events name a handful of runs."""
    return str(parse_course_key(value))


def _datetime(value, where: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise EventRefused(f"{where}: {value!r} is not a date and time") from None
