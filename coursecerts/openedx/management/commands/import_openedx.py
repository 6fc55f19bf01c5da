"""Import an Open edX LMS database (MySQL 8 or MariaDB), read only: organisations, course runs and modes,
learners, enrollments, roles, grades, ID verifications, every generated certificate (same verify_uuid, so the
same public URL), the allowlist, invalidations, date overrides, course settings, templates and the HTML view
configuration. Safe to run again: only what changed in Open edX changes here; a stopped run resumes.

Examples:

    coursecerts import_openedx --database-url mysql://coursecerts_ro:secret@lms-db:3306/edxapp --dry-run
    coursecerts import_openedx --database-url mysql://coursecerts_ro:secret@lms-db:3306/edxapp
    coursecerts import_openedx --database-url mysql://... --courses course-v1:OLI+DATA101+2026_SP \\
        --course-export exports/DATA101.tar.gz --since 2026-01-01

README "Moving from Open edX" gives the grants of a read-only user and the redirect of old links.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_date, parse_datetime

from coursecerts.common.errors import ApplicationError
from coursecerts.openedx.importer.run import openedx_import


def _date(value: str) -> dt.datetime:
    moment = parse_datetime(value)
    if moment is None and (day := parse_date(value)) is not None:
        moment = dt.datetime.combine(day, dt.time())
    if moment is None:
        raise ValueError(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Import an Open edX LMS database (read only); --dry-run reports what would change and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url", required=True, help="mysql://user:password@host:3306/edxapp (read-only user)"
        )
        parser.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
        parser.add_argument("--courses", nargs="+", default=[], metavar="KEY", help="only these course runs")
        parser.add_argument(
            "--since", type=_date, help="only rows modified since this date (UTC), in tables that record it"
        )
        parser.add_argument(
            "--course-export", action="append", default=[], metavar="PATH",
            help="a course's OLX export (folder or .tar.gz): its certificate signatories and titles; repeatable",
        )  # fmt: skip
        parser.add_argument("--batch-size", type=int, default=5000, help="rows a transaction (default 5000)")

    def handle(self, *args, **options) -> str:
        try:
            report = openedx_import(
                database_url=options["database_url"],
                courses=options["courses"],
                since=options["since"],
                dry_run=options["dry_run"],
                course_exports=options["course_export"],
                stderr=self.stderr if options["verbosity"] >= 1 else None,
                batch_size=options["batch_size"],
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for line in report.lines():
            self.stdout.write(line)
        return ""
