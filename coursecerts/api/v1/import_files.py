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

A file is streamed (roster_file_import): read a line at a time, validated and written CHUNK rows at a time in
the one transaction, so that a million rows never sit in memory. A bad row stops the writing, the rest of the
file is still validated (every bad row is listed), and the transaction is rolled back: nothing is written. A
username given twice is found by the learner ids the chunks resolved (a bit per id), and the earlier row it
repeats by reading the file again. A row is validated by plain checks (_fast_row) when its values are the
ordinary kind; any other row goes through the serializer, which names what is wrong exactly as the PUTs do
(tests/api/test_course_import_validation.py holds the two to the same answers).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from rest_framework import serializers

from coursecerts.api.v1.common import username_problems
from coursecerts.api.v1.data_in import EnrollmentPutApi, GradePutApi, LearnerPutApi
from coursecerts.certificates.triggers import ImportOwed, import_owed_record, import_triggers_decide
from coursecerts.common.bulk_rows import ANALYZE_MIN_ROWS, grown_tables_analyzed
from coursecerts.common.json_input import json_loads
from coursecerts.common.validators import CONTROL_CHARACTERS
from coursecerts.courses.models import CourseModes, CourseRun
from coursecerts.enrollments.services import enrollments_bulk_upsert
from coursecerts.grades.services import course_grades_bulk_update
from coursecerts.learners.selectors import learner_ids
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
    RosterErrors listing every problem; row numbers are the file's line numbers (a CSV's header is line 1).
    Holds the rows: for a file of any size, roster_file_import streams."""
    lines = lambda: io.StringIO(text, newline="\n")  # noqa: E731  (read again for a repeated username)
    validated = _validated(lines, file_format)
    rows = [row for batch in validated.batches(len(text) + 1) for row in batch]
    validated.raise_errors()
    return rows


class _Validated:
    """The file's valid rows in batches, as they are read; its problems gathered in `errors`. A username
    repeated within a batch is refused here, across batches by the writer (`repeated`: the learner ids it had
    seen); the rows they repeat (each username's first valid row) are found by reading the file again."""

    def __init__(self, lines: Callable[[], Iterable[str]], file_format: str):
        self.lines, self.file_format = lines, file_format
        self.errors = RosterErrors()
        self.count = 0
        self._repeats: list[tuple[dict, RosterRow]] = []  # (its error entry, the row) for a later fill

    def _records(self) -> Iterator[tuple[int, dict | str]]:
        lines = self.lines()
        return _csv_records(lines) if self.file_format == "csv" else _jsonl_records(lines)

    def batches(self, size: int) -> Iterator[list[RosterRow]]:
        serializer = CsvRowSerializer() if self.file_format == "csv" else RowSerializer()
        batch: list[RosterRow] = []
        seen: set[str] = set()
        for number, record in self._records():
            if isinstance(record, str):
                if number == 0:
                    self.errors.general.append(record)
                else:
                    self.errors.rows.append({"row": number, "errors": {"row": [record]}})
                continue
            row = _fast_row(number, record)
            problems: dict[str, list[str]] = {}
            if row is None:
                row, problems = _row(serializer, number, record)
            if problems:
                self.errors.rows.append({"row": number, "errors": problems})
                continue
            if row.username in seen:
                self.repeated([row])
                continue
            seen.add(row.username)
            batch.append(row)
            self.count += 1
            if len(batch) >= size:
                yield batch
                batch, seen = [], set()
        if batch:
            yield batch

    def repeated(self, rows: Iterable[RosterRow]) -> None:
        """These rows repeat the username of a row of an earlier batch: each is refused, naming that row."""
        for row in rows:
            entry = {"row": row.number, "errors": {"username": []}}
            self.errors.rows.append(entry)
            self._repeats.append((entry, row))

    def raise_errors(self) -> None:
        if self._repeats:
            self._name_repeated_rows()
        if not self.count and not self.errors.rows and not self.errors.general:
            self.errors.general.append("The file has no rows.")
        if self.errors.general or self.errors.rows:
            self.errors.rows.sort(key=lambda entry: entry["row"])
            raise self.errors

    def _name_repeated_rows(self) -> None:
        usernames = {row.username for _, row in self._repeats}
        first: dict[str, int] = {}
        serializer = CsvRowSerializer() if self.file_format == "csv" else RowSerializer()
        for number, record in self._records():
            username = record.get("username") if isinstance(record, dict) else None
            if not isinstance(username, str) or username.strip() not in usernames:
                continue
            row = _fast_row(number, record) or _row(serializer, number, record)[0]
            if row is not None and row.username in usernames:
                first.setdefault(row.username, number)
        for entry, row in self._repeats:
            entry["errors"]["username"] = [f"{row.username} is also on row {first[row.username]}."]


def _validated(lines: Callable[[], Iterable[str]], file_format: str) -> _Validated:
    return _Validated(lines, file_format)


def _csv_records(lines: Iterable[str]) -> Iterable[tuple[int, dict | str]]:
    lines = iter(lines)
    first = next(lines, None)
    if first is None:
        return
    reader = csv.reader(_chained(first.lstrip("\ufeff"), lines))
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


def _chained(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


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


def _jsonl_records(lines: Iterable[str]) -> Iterable[tuple[int, dict | str]]:
    # Split as str.splitlines splits the whole text (a line may hold U+2028 or a form feed).
    pieces = (piece for physical in lines for piece in physical.splitlines())
    for number, line in enumerate(pieces, start=1):
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


_MODES = frozenset(CourseModes.values)
_USERNAME = re.compile(UnicodeUsernameValidator.regex, UnicodeUsernameValidator.flags)
_SURROGATES = re.compile("[\ud800-\udfff]")
_EMAIL = EmailValidator()


def _fast_row(number: int, record: dict) -> RosterRow | None:
    """The row, when each of its values is of the ordinary kind that RowSerializer takes as it is (text without
    control, null or surrogate characters, an ASCII email, a known mode, a number from 0 to 1, true or false);
    None for any other, which the serializer then judges (and names what is wrong). Ten times faster than the
    serializer, for the same rows."""
    username, email, name = record.get("username"), record.get("email", ""), record.get("name", "")
    mode, is_active = record.get("mode"), record.get("is_active", True)
    if type(username) is not str or type(email) is not str or type(name) is not str or type(mode) is not str:
        return None
    username, email = username.strip(), email.strip()
    if not username or len(username) > 150 or not _USERNAME.match(username) or mode not in _MODES:
        return None
    if len(name) > 255 or CONTROL_CHARACTERS.search(name) or "\x00" in name:
        return None
    if not name.isascii() and _SURROGATES.search(name):
        return None
    if email and not (email.isascii() and "\x00" not in email and _email_valid(email)):
        return None
    if is_active is not True and is_active is not False:
        return None
    percent, passed = record.get("percent"), record.get("passed")
    if ("percent" in record) != ("passed" in record):
        return None
    if "percent" in record:
        if (
            type(percent) not in (float, int)
            or not 0 <= percent <= 1
            or (passed is not True and passed is not False)
        ):
            return None
        percent = float(percent)
    return RosterRow(number, username, email, name.strip(), mode, is_active, percent, passed)


def _email_valid(email: str) -> bool:
    try:
        _EMAIL(email)
    except DjangoValidationError:
        return False
    return True


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


# Rows written at a time in a file's one transaction (memory holds one chunk's rows, not the file's).
CHUNK = 10_000


def roster_import(*, course_run: CourseRun, rows: list[RosterRow]) -> RosterImport:
    """Write validated rows in one transaction, and record in it the generation they owe (drained after commit)."""
    result = RosterImport(rows=len(rows))
    with transaction.atomic():
        owed = ImportOwed()
        _chunk_write(course_run, rows, result, owed)
        _owed_record(course_run, owed, result)
    return result


def roster_file_import(*, course_run: CourseRun, file: IO[bytes], file_format: str) -> RosterImport:
    """Validate and write a whole file (bytes, UTF-8, read a line at a time and read again only to name the
    earlier row of a repeated username), all or nothing: raises RosterErrors listing every problem, and then
    nothing is written; UnicodeDecodeError when it is not UTF-8."""
    validated = _validated(lambda: _text_lines(file), file_format)
    result, owed, seen, unknown = RosterImport(), ImportOwed(), _IdSet(), set()
    with transaction.atomic():
        for rows in validated.batches(CHUNK):
            if validated.errors.rows or validated.errors.general:
                # Nothing more is written: usernames given twice are found by the learners' ids, or, for
                # learners that do not exist, by their names (a refused file's only, so never a large set).
                ids = learner_ids(row.username for row in rows)
                validated.repeated(row for row in rows if not _first_time(row.username, ids, seen, unknown))
                continue
            _chunk_write(course_run, rows, result, owed, seen=seen, validated=validated)
        if validated.errors.rows or validated.errors.general:
            for _ in _text_lines(file):  # a file that is not UTF-8 is refused as such, whatever else is wrong
                pass
        validated.raise_errors()
        result.rows = validated.count
        _owed_record(course_run, owed, result)
        if result.rows >= ANALYZE_MIN_ROWS:  # the next import finds its rows by the indexes (PostgreSQL)
            transaction.on_commit(grown_tables_analyzed)
    return result


def _text_lines(file: IO[bytes]) -> Iterator[str]:
    """The file's lines, decoded as UTF-8 (a leading byte order mark dropped), split at line feeds only, as the
    text's lines were when the file was read whole (csv reads a lone carriage return itself)."""
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for line in iter(file.readline, b""):
        yield decoder.decode(line)
    decoder.decode(b"", final=True)  # a sequence cut short at the end is not UTF-8 either


def _first_time(username: str, ids: dict[str, int], seen: _IdSet, unknown: set[str]) -> bool:
    if username in ids:
        return seen.add(ids[username])
    if username in unknown:
        return False
    unknown.add(username)
    return True


class _IdSet:
    """Learner ids seen, a bit each: a million learners in 125 KB where a set of them takes 60 MB."""

    def __init__(self):
        self.bits = bytearray()

    def add(self, value: int) -> bool:
        """Add `value`; True when it was new."""
        byte, bit = divmod(value, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(byte - len(self.bits) + 1 + len(self.bits) // 2))
        if self.bits[byte] & (1 << bit):
            return False
        self.bits[byte] |= 1 << bit
        return True


def _chunk_write(
    course_run: CourseRun,
    rows: list[RosterRow],
    result: RosterImport,
    owed: ImportOwed,
    *,
    seen: _IdSet | None = None,
    validated: _Validated | None = None,
) -> dict[str, int]:
    """Write one chunk of rows (each username once) and add what it did to `result` and `owed`. With `seen`
    (the learner ids of the file's earlier chunks), a row whose learner an earlier chunk held is refused in
    `validated` and the chunk's enrollments and grades are not written (the file will be refused)."""
    learners = learners_bulk_upsert(learners=rows)
    ids = learners.ids
    if seen is not None:
        repeated = [row for row in rows if not seen.add(ids[row.username])]
        if repeated:
            validated.repeated(repeated)
            return ids
    enrollments = enrollments_bulk_upsert(
        course_run=course_run, enrollments={ids[row.username]: (row.mode, row.is_active) for row in rows}
    )
    grades = course_grades_bulk_update(
        course_run=course_run,
        grades={
            ids[row.username]: None if row.percent is None else (row.percent, row.passed) for row in rows
        },
    )
    revoked = import_triggers_decide(
        course_run=course_run,
        owed=owed,
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
    result.learners_created += learners.created
    result.certificates_marked_notpassing += revoked
    return ids


def _owed_record(course_run: CourseRun, owed: ImportOwed, result: RosterImport) -> None:
    result.generation_queued = import_owed_record(course_run=course_run, owed=owed)
