"""The import: every table in dependency order, streamed from the Open edX database and written a batch a
transaction, with the batch's progress in the same transaction (so a stopped run resumes where it stopped).
A table with a modified timestamp is read from the previous run's start on (minus a margin); the others are read
whole and compared. A dry run does all of it in one transaction and rolls it back."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from coursecerts.certificates.management.progress import progress_bar
from coursecerts.common.bulk_rows import grown_tables_analyzed
from coursecerts.common.keys import parse_course_key
from coursecerts.openedx.importer import queries as q
from coursecerts.openedx.importer.certificate_records import (
    allowlist_write,
    date_overrides_write,
    generation_course_settings_write,
    html_view_configuration_write,
    invalidations_write,
    templates_write,
)
from coursecerts.openedx.importer.certificates import certificates_write
from coursecerts.openedx.importer.context import ImportContext
from coursecerts.openedx.importer.courses import (
    course_modes_write,
    course_roles_write,
    course_runs_write,
    organizations_write,
)
from coursecerts.openedx.importer.learners import id_verifications_write, learners_write
from coursecerts.openedx.importer.olx import CourseExportError, course_export_read
from coursecerts.openedx.importer.records import enrollments_write, grades_write
from coursecerts.openedx.importer.report import ImportReport, TableReport
from coursecerts.openedx.importer.source import SourceDatabase, SourceError, SourceUrl
from coursecerts.openedx.models import ImportRun, ImportTableProgress

# Rows modified shortly before the previous run began may have committed after it read: read them again
# (a row read twice is compared and left alone).
WATERMARK_MARGIN = dt.timedelta(minutes=10)
# Every this many batches, tables that doubled are analyzed (grown_tables_analyzed).
ANALYZE_EVERY = 10
_VERIFICATION_TABLES = (
    "verify_student_softwaresecurephotoverification",
    "verify_student_manualverification",
    "verify_student_ssoverification",
)


@dataclass(frozen=True)
class Step:
    query: q.TableQuery
    write: Callable[[ImportContext, list[dict], TableReport, ImportReport], None]
    resumable: bool = True  # an integer key: progress records the last one written
    grouped: bool = False  # a batch never splits the rows of one key value
    tables: tuple[str, ...] = ()  # the source tables it needs (default: query.table)

    @property
    def key_name(self) -> str:
        return self.query.key.split(".")[-1]


def _plain(write):
    return lambda ctx, rows, table, report: write(ctx, rows, table)


STEPS = [
    Step(q.ORGANIZATIONS, _plain(organizations_write)),
    Step(q.COURSE_OVERVIEWS, _plain(course_runs_write), resumable=False),
    Step(q.COURSE_MODES, _plain(course_modes_write)),
    Step(q.LEARNERS, _plain(learners_write), tables=("auth_user", "auth_userprofile")),
    Step(q.COURSE_ACCESS_ROLES, _plain(course_roles_write), grouped=True),
    Step(q.ID_VERIFICATIONS, _plain(id_verifications_write), grouped=True, tables=_VERIFICATION_TABLES),
    Step(q.ENROLLMENTS, _plain(enrollments_write)),
    Step(q.GRADES, _plain(grades_write)),
    Step(q.CERTIFICATES, certificates_write),
    Step(q.ALLOWLIST, _plain(allowlist_write)),
    Step(q.INVALIDATIONS, _plain(invalidations_write)),
    Step(q.DATE_OVERRIDES, _plain(date_overrides_write)),
    Step(q.GENERATION_COURSE_SETTINGS, _plain(generation_course_settings_write)),
    Step(q.TEMPLATES, _plain(templates_write)),
    Step(q.HTML_VIEW_CONFIGURATION, _plain(html_view_configuration_write), resumable=False),
]


def openedx_import(
    *,
    database_url: str,
    courses: Sequence[str] = (),
    since: dt.datetime | None = None,
    dry_run: bool = False,
    course_exports: Sequence[str] = (),
    stderr=None,
    batch_size: int = 5000,
) -> ImportReport:
    """Import an Open edX LMS database (read only) into coursecerts. Raises SourceError or CourseExportError
    before anything is written when the database or an export cannot be read."""
    url = SourceUrl.parse(database_url)
    courses = tuple(sorted({str(parse_course_key(c)) for c in courses}))
    exports = {}
    for path in course_exports:
        export = course_export_read(path)
        if export is not None:
            exports[export.course_key] = export
    report = ImportReport(source=url.label, dry_run=dry_run)
    with SourceDatabase(url, batch_size=batch_size) as source, _commits_not_waited_for():
        importer = _Importer(
            source, report, courses, since, ImportContext(now=timezone.now(), exports=exports)
        )
        if not dry_run:
            importer.run(stderr)
            return report
        with transaction.atomic():
            importer.run(stderr)
            transaction.set_rollback(True)
    return report


@contextlib.contextmanager
def _commits_not_waited_for():
    """On PostgreSQL, the import's commits do not wait for the WAL to reach the disk (synchronous_commit off,
    for this connection only): at a million rows they were a fifth of its time. Safe for a resumable import:
    a server crash can lose only its last transactions, never half of one, and each batch's progress commits
    with the batch, so the next run resumes from what the database kept."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


class _Importer:
    def __init__(self, source: SourceDatabase, report: ImportReport, courses, since, ctx: ImportContext):
        self.source, self.report, self.courses, self.since, self.ctx = source, report, courses, since, ctx
        self.scope = source.url.label + (f" courses={','.join(courses)}" if courses else "")

    def run(self, stderr) -> None:
        run = ImportRun.objects.filter(scope=self.scope, finished_at__isnull=True).first()
        self.report.resumed = run is not None
        if run is None:
            run = ImportRun.objects.create(scope=self.scope, source_started_at=self.source.now())
        for step in STEPS:
            self._step(run, step, stderr)
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])

    def _step(self, run: ImportRun, step: Step, stderr) -> None:
        table = self.report.table(step.query.table)
        missing = [t for t in step.tables or (step.query.table,) if not self.source.table_exists(t)]
        if missing:
            self.report.notes.append(
                f"NOTE {step.query.table}: skipped, the database has no {', '.join(missing)}"
            )
            return
        progress, created = ImportTableProgress.objects.get_or_create(
            run=run, table=step.query.table, defaults={"since": self._since(run, step)}
        )
        if not created:
            table.restore(progress.counts)
        if progress.done:
            table.resumed_done = True
            return
        started = time.monotonic()
        after_key = progress.last_key if step.resumable else None
        filters = q.Filters(courses=self.courses, since=progress.since, after_key=after_key)
        total = self.source.scalar(*step.query.sql(filters, count=True))
        sql, params = step.query.sql(filters)
        batches = self.source.stream(sql, params)
        if step.grouped:
            batches = whole_groups(batches, step.key_name)
        batches_written = 0
        with progress_bar(
            stderr, total=total, unit="rows", desc=step.query.table, disable=stderr is None
        ) as bar:
            for rows in batches:
                with transaction.atomic():
                    step.write(self.ctx, rows, table, self.report)
                    table.read += len(rows)
                    if step.resumable:
                        progress.last_key = rows[-1][step.key_name]
                    progress.counts = table.counts()
                    progress.save(update_fields=["last_key", "counts"])
                bar.update(len(rows))
                batches_written += 1
                if batches_written % ANALYZE_EVERY == 0:
                    grown_tables_analyzed()
        grown_tables_analyzed()
        progress.done = True
        progress.save(update_fields=["done"])
        table.seconds = time.monotonic() - started

    def _since(self, run: ImportRun, step: Step) -> dt.datetime | None:
        """--since when given; else, for a table with a modified timestamp, the start of the last run that
        finished the table (minus a margin); else None (read it all)."""
        if not step.query.modified:
            return None
        if self.since is not None:
            return self.since
        previous = (
            ImportTableProgress.objects.filter(run__scope=self.scope, table=step.query.table, done=True)
            .exclude(run=run)
            .order_by("-run__source_started_at")
            .select_related("run")
            .first()
        )
        return previous.run.source_started_at - WATERMARK_MARGIN if previous else None


def whole_groups(batches: Iterable[list[dict]], key: str) -> Iterator[list[dict]]:
    """The batches again, with the trailing rows of a batch that share its last key moved to the next batch,
    so that no key's rows are split between two."""
    carry: list[dict] = []
    for batch in batches:
        rows = carry + batch
        cut = len(rows)
        while cut and rows[cut - 1][key] == rows[-1][key]:
            cut -= 1
        if cut:
            yield rows[:cut]
        carry = rows[cut:]
    if carry:
        yield carry


__all__ = ["CourseExportError", "SourceError", "openedx_import"]
