"""Bulk import of a run's learners (the API's POST .../import): username, email, name, mode, is_active, percent,
passed. The whole file is validated first; if any row is bad nothing is written. Otherwise all rows are written
in one transaction with set-based queries (a few queries per 5,000 rows, bulk inserts and updates), and the
triggers the per-row services would fire are decided in bulk:

- a grade that became passing queues generation (when AUTO_CERTIFICATE_GENERATION is on, unless the learner's
  certificate already passes), as COURSE_GRADE_NOW_PASSED;
- an existing enrollment moved to an eligible mode queues generation, as ENROLLMENT_TRACK_UPDATED;
- a grade that went from passing to failing marks a passing certificate notpassing (allowlisted learners keep
  theirs), as COURSE_GRADE_NOW_FAILED, inside the transaction.

Triggers fire on transitions only, so one more check is owed, by state rather than by change: learners of the
file in an eligible mode whose grade passes but whose certificate does not (an earlier import's generation was
lost, or never triggered) are queued too (source "import"), so re-sending a file never leaves an eligible learner
without a certificate. It costs no query: the grades and passing certificates are read anyway.

The generation owed is recorded in the outbox in the import's own transaction, one entry for the whole file
(coursecerts.certificates.outbox, ADR 0013), and drained after commit; a process that dies after the commit
leaves the entry for the next drain, so nothing owed is lost.
"""

from __future__ import annotations

import csv
import io
import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction

from coursecerts.certificates.eligibility import Policy, is_mode_eligible
from coursecerts.certificates.models import PASSED_STATUSES, CertificateAllowlist, GeneratedCertificate
from coursecerts.certificates.outbox import generation_owed_record
from coursecerts.certificates.services import certificate_mark_notpassing
from coursecerts.certificates.services.generation import format_grade
from coursecerts.common.json_input import json_loads
from coursecerts.common.validators import refuse_control_characters
from coursecerts.courses.models import CourseModes, CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.events.services import outbox_kick
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.learners.models import LearnerProfile

COLUMNS = ("username", "email", "name", "mode", "is_active", "percent", "passed")
REQUIRED_COLUMNS = ("username", "mode")
CHUNK = 5000
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass(frozen=True)
class RosterRow:
    number: int
    username: str
    email: str
    name: str
    mode: str
    is_active: bool
    percent: float | None
    passed: bool | None


@dataclass
class RosterErrors(Exception):
    """The file is refused: `general` problems with the file, and each bad row with its number and reasons."""

    general: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


@dataclass
class RosterImport:
    rows: int = 0
    created: int = 0  # rows whose enrollment is new
    updated: int = 0  # rows that changed an existing enrollment, grade, or the learner
    unchanged: int = 0
    learners_created: int = 0
    generation_queued: int = 0
    certificates_marked_notpassing: int = 0


# --- parsing and validation -------------------------------------------------------------------------------


def roster_parse(text: str, *, file_format: str) -> list[RosterRow]:
    """Parse and validate a whole file ("csv" with a header row, or "jsonl": one JSON object a line). Raises
    RosterErrors listing every problem; row numbers are the file's line numbers (a CSV's header is line 1)."""
    records = _csv_records(text) if file_format == "csv" else _jsonl_records(text)
    errors = RosterErrors()
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, record in records:
        if isinstance(record, str):
            (errors.general if number == 0 else errors.rows).append(
                record if number == 0 else {"row": number, "errors": {"row": [record]}}
            )
            continue
        row, problems = _row(number, record)
        if row is not None and row.username in seen:
            problems["username"] = [f"{row.username} is also on row {seen[row.username]}."]
        if problems:
            errors.rows.append({"row": number, "errors": problems})
        else:
            seen[row.username] = number
            rows.append(row)
    if not rows and not errors.rows and not errors.general:
        errors.general.append("The file has no rows.")
    if errors.general or errors.rows:
        raise errors
    return rows


def _csv_records(text: str) -> Iterable[tuple[int, dict | str]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader, None)
        if header is None:
            return
        header = [column.strip() for column in header]
        problem = _header_problem(header)
        if problem:
            yield 0, problem
            return
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                yield reader.line_num, f"Expected {len(header)} columns, found {len(values)}."
                continue
            yield reader.line_num, dict(zip(header, values, strict=True))
    except csv.Error as exc:
        yield 0, f"The CSV cannot be read: {exc}."


def _header_problem(header: list[str]) -> str | None:
    unknown = [column for column in header if column not in COLUMNS]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if unknown or missing or len(set(header)) != len(header):
        return (
            f"The header must name columns from {', '.join(COLUMNS)} (username and mode required, each once); "
            f"unknown: {', '.join(unknown) or 'none'}; missing: {', '.join(missing) or 'none'}."
        )
    return None


def _jsonl_records(text: str) -> Iterable[tuple[int, dict | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json_loads(line)
        except ValueError as exc:
            yield number, f"Not a JSON object: {exc}."
            continue
        if not isinstance(record, dict):
            yield number, "Not a JSON object."
            continue
        unknown = sorted(set(record) - set(COLUMNS))
        if unknown:
            yield number, f"Unknown fields: {', '.join(unknown)}."
            continue
        yield number, record


def _row(number: int, record: dict) -> tuple[RosterRow | None, dict[str, list[str]]]:
    problems: dict[str, list[str]] = {}

    def check(name, parse, default):
        value = record.get(name)
        if value is None or value == "":
            return default
        try:
            return parse(value)
        except (ValueError, TypeError, ValidationError) as exc:
            problems[name] = [exc.messages[0] if isinstance(exc, ValidationError) else str(exc)]
            return default

    username = check("username", _username, None)
    if username is None and "username" not in problems:
        problems["username"] = ["Required."]
    mode = check("mode", _mode, None)
    if mode is None and "mode" not in problems:
        problems["mode"] = ["Required."]
    email = check("email", _email, "")
    name = check("name", _name, "")
    is_active = check("is_active", _bool, True)
    percent = check("percent", _percent, None)
    passed = check("passed", _bool, None)
    if (percent is None) != (passed is None) and not {"percent", "passed"} & set(problems):
        missing = "passed" if passed is None else "percent"
        problems[missing] = ["percent and passed go together: give both or neither."]
    if problems:
        return None, problems
    return RosterRow(number, username, email, name, mode, is_active, percent, passed), problems


def _username(value) -> str:
    value = _text(value).strip()
    if len(value) > 150:
        raise ValueError("At most 150 characters.")
    _USERNAME(value)
    return value


def _email(value) -> str:
    value = _text(value).strip()
    validate_email(value)
    return value


def _name(value) -> str:
    value = _text(value).strip()
    if len(value) > 255:
        raise ValueError("At most 255 characters.")
    refuse_control_characters(value)
    return value


_MODES = frozenset(CourseModes.values)
_USERNAME = UnicodeUsernameValidator()


def _mode(value) -> str:
    value = _text(value).strip()
    if value not in _MODES:
        raise ValueError(f"{value!r} is not a mode; use one of {', '.join(CourseModes.values)}.")
    return value


def _bool(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("Must be true or false.")


def _percent(value) -> float:
    if isinstance(value, bool):
        raise ValueError("Must be a number between 0 and 1.")
    number = float(value) if isinstance(value, int | float) else float(_text(value).strip())
    if math.isnan(number) or not 0 <= number <= 1:
        raise ValueError("Must be a number between 0 and 1.")
    return number


def _text(value) -> str:
    if not isinstance(value, str):
        raise ValueError("Must be a string.")
    if "\x00" in value:
        raise ValueError("Null characters are not allowed.")
    return value


# --- writing ------------------------------------------------------------------------------------------------


def roster_import(*, course_run: CourseRun, rows: list[RosterRow]) -> RosterImport:
    """Write validated rows in one transaction, and record in it the generation they owe (drained after commit)."""
    result = RosterImport(rows=len(rows))
    with transaction.atomic():
        user_ids, changed_learners = _learners(rows, result)
        enrollment_changes, track_updated = _enrollments(course_run, rows, user_ids)
        grade_changes, now_passing, now_failing, passing = _grades(course_run, rows, user_ids)
        grade_passed, uncertified = _needs_generation(course_run, rows, user_ids, passing, now_passing)
        generation = {
            "grade_passed": grade_passed,
            "enrollment_track_updated": track_updated,
            "import": uncertified,
        }
        result.certificates_marked_notpassing = _revoke_failing(course_run, now_failing, user_ids, rows)
        updated = changed_learners | enrollment_changes["updated"] | grade_changes
        for row in rows:
            user_id = user_ids[row.username]
            if user_id in enrollment_changes["created"]:
                result.created += 1
            elif user_id in updated:
                result.updated += 1
            else:
                result.unchanged += 1
        queued, owed = set(), {}
        for source, ids in generation.items():
            owed[source] = sorted(ids - queued)
            queued.update(ids)
        if generation_owed_record(course_run=course_run, sources=owed) is None:
            transaction.on_commit(outbox_kick, robust=True)  # an earlier import's leftovers run now
        result.generation_queued = len(queued)
    return result


def _unusable_password() -> str:
    """What set_unusable_password stores ("!" and random text), without its 40 random.choice calls a row."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _upsert(model, rows: list, unique_fields: list[str], update_fields: list[str]) -> None:
    """Update rows in bulk as INSERT ... ON CONFLICT DO UPDATE (one statement a batch): far faster than
    bulk_update's CASE expressions. The rows are new instances carrying the natural key (no primary key) and
    the values to set; MySQL/MariaDB take no conflict target."""
    if not rows:
        return
    target = unique_fields if connection.features.supports_update_conflicts_with_target else None
    model.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=target, update_fields=update_fields
    )


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _learners(rows: list[RosterRow], result: RosterImport) -> tuple[dict[str, int], set[int]]:
    """Create missing users and profiles, update changed ones. Returns ({username: id}, changed user ids).
    Existing rows are read as tuples, not model instances (a third of the time at 100,000 rows)."""
    User = get_user_model()
    existing = {}  # username -> (id, email, is_active)
    for chunk in _chunks([row.username for row in rows]):
        for user_id, username, email, is_active in User.objects.filter(username__in=chunk).values_list(
            "id", "username", "email", "is_active"
        ):
            existing[username] = (user_id, email, is_active)
    new_users = [
        User(username=row.username, email=row.email, is_active=row.is_active, password=_unusable_password())
        for row in rows
        if row.username not in existing
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    result.learners_created = len(new_users)
    ids = {username: values[0] for username, values in existing.items()}
    for chunk in _chunks([user.username for user in new_users]):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "id"))
    changed_users = [
        User(username=row.username, email=row.email, is_active=row.is_active, password="")
        for row in rows
        if row.username in existing and existing[row.username][1:] != (row.email, row.is_active)
    ]
    _upsert(User, changed_users, ["username"], ["email", "is_active"])
    changed = {ids[user.username] for user in changed_users}
    changed |= _profiles(rows, ids)
    return ids, changed


def _profiles(rows: list[RosterRow], ids: dict[str, int]) -> set[int]:
    names = {}
    for chunk in _chunks(list(ids.values())):
        names.update(LearnerProfile.objects.filter(user_id__in=chunk).values_list("user_id", "name"))
    new, changed = [], []
    for row in rows:
        user_id = ids[row.username]
        if user_id not in names:
            new.append(LearnerProfile(user_id=user_id, name=row.name))
        elif names[user_id] != row.name:
            changed.append(LearnerProfile(user_id=user_id, name=row.name))
    LearnerProfile.objects.bulk_create(new, batch_size=1000)
    _upsert(LearnerProfile, changed, ["user"], ["name", "modified"])
    return {profile.user_id for profile in changed}


def _enrollments(course_run, rows, ids) -> tuple[dict[str, set[int]], set[int]]:
    existing = {
        user_id: (mode, is_active)
        for user_id, mode, is_active in CourseEnrollment.objects.filter(course=course_run).values_list(
            "user_id", "mode", "is_active"
        )
    }
    policy = Policy.from_settings()
    new, changed, track_updated = [], [], set()
    for row in rows:
        user_id = ids[row.username]
        enrollment = CourseEnrollment(
            user_id=user_id, course=course_run, mode=row.mode, is_active=row.is_active
        )
        current = existing.get(user_id)
        if current is None:
            new.append(enrollment)
        elif current != (row.mode, row.is_active):
            if current[0] != row.mode and is_mode_eligible(row.mode, policy):
                track_updated.add(user_id)
            changed.append(enrollment)
    CourseEnrollment.objects.bulk_create(new, batch_size=1000)
    _upsert(CourseEnrollment, changed, ["user", "course"], ["mode", "is_active", "modified"])
    created = {e.user_id for e in new}
    return {"created": created, "updated": {e.user_id for e in changed}}, track_updated


def _grades(course_run, rows, ids) -> tuple[set[int], set[int], set[int], set[int]]:
    """Write the rows' grades. Returns (changed, now passing, now failing, passing after the import) user ids."""
    existing = {
        user_id: (percent, passed)
        for user_id, percent, passed in PersistentCourseGrade.objects.filter(course=course_run).values_list(
            "user_id", "percent_grade", "passed"
        )
    }
    new, changed, now_passing, now_failing, passing = [], [], set(), set(), set()
    for row in rows:
        user_id = ids[row.username]
        current = existing.get(user_id)
        was_passing = bool(current and current[1])
        if row.passed or (row.percent is None and was_passing):
            passing.add(user_id)
        if row.percent is None:
            continue
        grade = PersistentCourseGrade(
            user_id=user_id, course=course_run, percent_grade=row.percent, passed=row.passed
        )
        if current is None:
            new.append(grade)
        elif current != (row.percent, row.passed):
            changed.append(grade)
        if row.passed and not was_passing:
            now_passing.add(user_id)
        elif was_passing and not row.passed:
            now_failing.add(user_id)
    PersistentCourseGrade.objects.bulk_create(new, batch_size=1000)
    _upsert(PersistentCourseGrade, changed, ["user", "course"], ["percent_grade", "passed", "modified"])
    changed_ids = {g.user_id for g in new} | {g.user_id for g in changed}
    return changed_ids, now_passing, now_failing, passing


def _needs_generation(course_run, rows, ids, passing: set[int], now_passing: set[int]) -> tuple[set, set]:
    """Generation unless switched off, for learners of the file whose grade passes and whose certificate does not:
    (COURSE_GRADE_NOW_PASSED's receiver in bulk: the grade just became passing; the re-import's check: it
    passed already, in an eligible mode). The passing certificates are read once for both."""
    if not settings.AUTO_CERTIFICATE_GENERATION or not passing:
        return set(), set()
    certified = set(
        GeneratedCertificate.objects.filter(course=course_run, status__in=PASSED_STATUSES).values_list(
            "user_id", flat=True
        )
    )
    policy = Policy.from_settings()
    eligible_mode = {ids[row.username] for row in rows if is_mode_eligible(row.mode, policy)}
    return now_passing - certified, (passing - now_passing - certified) & eligible_mode


def _revoke_failing(course_run, now_failing: set[int], ids, rows) -> int:
    """COURSE_GRADE_NOW_FAILED's receiver, in bulk: passing certificates of learners not on the allowlist
    become notpassing (through the service, one learner at a time: rare, and each needs its history row)."""
    if not now_failing:
        return 0
    allowlisted = set(
        CertificateAllowlist.objects.filter(course=course_run, allowlist=True).values_list(
            "user_id", flat=True
        )
    )
    percents = {ids[row.username]: row.percent for row in rows}
    modes = {ids[row.username]: row.mode for row in rows}
    certificates = GeneratedCertificate.objects.filter(
        course=course_run, status__in=PASSED_STATUSES, user_id__in=sorted(now_failing - allowlisted)
    ).select_related("user", "course")
    count = 0
    for certificate in certificates:
        certificate_mark_notpassing(
            certificate=certificate,
            mode=modes[certificate.user_id],
            grade=format_grade(percents[certificate.user_id]),
            source="notpassing_signal",
        )
        count += 1
    return count
