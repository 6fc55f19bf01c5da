"""The file of POST /api/v1/courses/{course_key}/import (coursecerts.api.v1.imports): a run's learners as CSV
or JSON lines, columns username, email, name, mode, is_active, percent, passed (ADR 0009, README "Data in").

The whole file is validated first, each row by the same fields as the v1 PUTs of a learner, an enrollment and
a grade (coursecerts.api.v1.data_in): if any row is bad nothing is written. A boolean is true or false, as in
the JSON API: a JSON line takes JSON `true`/`false`, a CSV cell the word `true` or `false` (in any case, as
spreadsheets write TRUE); yes/no/1/0 are refused. An empty CSV cell, or a JSON null, leaves the column out.

Otherwise every row is written in one transaction by the apps' bulk writers (learners_bulk_upsert,
enrollments_bulk_upsert, course_grades_bulk_update: a few queries per 5,000 rows), and the triggers the
per-row services would fire are applied in bulk by coursecerts.certificates.triggers, which records the
generation owed in the outbox in this transaction (ADR 0013).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from rest_framework import serializers

from coursecerts.api.v1.common import username_problems
from coursecerts.api.v1.data_in import EnrollmentPutApi, GradePutApi, LearnerPutApi
from coursecerts.certificates.triggers import import_triggers_apply
from coursecerts.common.json_input import json_loads
from coursecerts.courses.models import CourseRun
from coursecerts.enrollments.services import enrollments_bulk_upsert
from coursecerts.grades.services import course_grades_bulk_update
from coursecerts.learners.services import learners_bulk_upsert

COLUMNS = ("username", "email", "name", "mode", "is_active", "percent", "passed")
REQUIRED_COLUMNS = ("username", "mode")
_BOOLEAN_COLUMNS = ("is_active", "passed")
_NUMBER_COLUMNS = ("percent",)


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


class RowSerializer(
    LearnerPutApi.InputSerializer, EnrollmentPutApi.InputSerializer, GradePutApi.InputSerializer
):
    """One row: the fields of the learner, enrollment and grade PUTs, the username (in their URLs) added, and
    percent and passed optional but given together."""

    echoed = ()
    username = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        fields["percent"].required = fields["passed"].required = False
        return fields

    def validate_username(self, value: str) -> str:
        if problems := username_problems(value):
            raise serializers.ValidationError(problems)
        return value

    def validate(self, data):
        if ("percent" in data) != ("passed" in data):
            missing = "percent" if "passed" in data else "passed"
            raise serializers.ValidationError(
                {missing: ["percent and passed go together: give both or neither."]}
            )
        return data


class CsvRowSerializer(RowSerializer):
    """A CSV row: its cells are text, typed by _csv_typed, so StrictInputSerializer's JSON-type checks have
    nothing to find; text is checked once stripped, as DRF strips it (a stray space or tab around a cell is
    not the client's intent, as it can be in JSON). Skipping them keeps validation at about 30 µs a row."""

    def to_internal_value(self, data):
        return serializers.Serializer.to_internal_value(self, data)


def roster_parse(text: str, *, file_format: str) -> list[RosterRow]:
    """Parse and validate a whole file ("csv" with a header row, or "jsonl": one JSON object a line). Raises
    RosterErrors listing every problem; row numbers are the file's line numbers (a CSV's header is line 1)."""
    records = _csv_records(text) if file_format == "csv" else _jsonl_records(text)
    serializer = CsvRowSerializer() if file_format == "csv" else RowSerializer()
    errors = RosterErrors()
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    for number, record in records:
        if isinstance(record, str):
            (errors.general if number == 0 else errors.rows).append(
                record if number == 0 else {"row": number, "errors": {"row": [record]}}
            )
            continue
        row, problems = _row(serializer, number, record)
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
            yield reader.line_num, _csv_typed(dict(zip(header, values, strict=True)))
    except csv.Error as exc:
        yield 0, f"The CSV cannot be read: {exc}."


def _csv_typed(cells: dict[str, str]) -> dict:
    """A CSV row as the JSON a line would hold: empty cells left out, `true`/`false` as booleans and numbers as
    numbers (anything else stays text, for the fields to refuse)."""
    record: dict = {}
    for name, cell in cells.items():
        if cell == "":
            continue
        if name in _BOOLEAN_COLUMNS:
            record[name] = {"true": True, "false": False}.get(cell.strip().lower(), cell)
        elif name in _NUMBER_COLUMNS:
            record[name] = _number(cell)
        else:
            record[name] = cell
    return record


def _number(cell: str) -> float | str:
    try:
        return float(cell.strip())
    except ValueError:
        return cell


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
        yield number, {name: value for name, value in record.items() if value is not None}


def _row(
    serializer: RowSerializer, number: int, record: dict
) -> tuple[RosterRow | None, dict[str, list[str]]]:
    try:
        data = serializer.run_validation(record)
    except serializers.ValidationError as exc:
        return None, {name: [str(message) for message in messages] for name, messages in exc.detail.items()}
    row = RosterRow(
        number,
        data["username"],
        data["email"],
        data["name"],
        data["mode"],
        data["is_active"],
        data.get("percent"),
        data.get("passed"),
    )
    return row, {}


# --- writing ------------------------------------------------------------------------------------------------


def roster_import(*, course_run: CourseRun, rows: list[RosterRow]) -> RosterImport:
    """Write validated rows in one transaction, and record in it the generation they owe (drained after commit)."""
    result = RosterImport(rows=len(rows))
    with transaction.atomic():
        learners = learners_bulk_upsert(learners=rows)
        ids = learners.ids
        enrollments = enrollments_bulk_upsert(
            course_run=course_run, enrollments={ids[row.username]: (row.mode, row.is_active) for row in rows}
        )
        grades = course_grades_bulk_update(
            course_run=course_run,
            grades={
                ids[row.username]: None if row.percent is None else (row.percent, row.passed) for row in rows
            },
        )
        triggered = import_triggers_apply(
            course_run=course_run,
            modes={ids[row.username]: row.mode for row in rows},
            percents={ids[row.username]: row.percent for row in rows},
            mode_changed=enrollments.mode_changed,
            now_passing=grades.now_passing,
            now_failing=grades.now_failing,
            passing=grades.passing,
        )
        updated = learners.changed | enrollments.updated | grades.changed
        for row in rows:
            user_id = ids[row.username]
            if user_id in enrollments.created:
                result.created += 1
            elif user_id in updated:
                result.updated += 1
            else:
                result.unchanged += 1
        result.learners_created = learners.created
        result.generation_queued = triggered.generation_queued
        result.certificates_marked_notpassing = triggered.certificates_marked_notpassing
    return result
