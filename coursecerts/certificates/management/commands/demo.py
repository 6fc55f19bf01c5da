"""Load the demo and generate its certificates.

    coursecerts demo                 # migrate, load 1,000 learners in two runs, generate, print a summary
    coursecerts demo --learners 100  # a smaller demo (a later, larger run only adds learners)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursecerts coursecerts demo

Running it again changes nothing: existing rows are kept as they are and generation writes nothing new.
"""

import logging
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates import demo
from coursecerts.certificates.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Create the database tables, load a demo (one organisation, two course runs, about 1,000 learners) "
        "and generate its certificates. Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--learners",
            type=int,
            default=demo.DEFAULT_LEARNERS,
            metavar="N",
            help=f"How many demo learners (default {demo.DEFAULT_LEARNERS}).",
        )

    def handle(self, *args, learners: int, verbosity: int, **options) -> None:
        if learners < 1:
            raise CommandError("--learners must be at least 1")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database: {_database_label()}")
        with _quiet_logs(verbosity):
            report = demo.demo_load(learners=learners)
            self._report_load(report)
            reasons = self._generate(verbosity)
            self._invalidate_one()
            self._legacy_pdfs()
        self._summary(reasons)

    def _report_load(self, report: demo.LoadReport) -> None:
        created = ", ".join(f"{what} {n}" for what, n in report.created.items() if n)
        if created:
            self.stdout.write(f"Created: {created}.")
        else:
            self.stdout.write("Demo already loaded: nothing to create.")
        if report.admin_created:
            self.stdout.write(f"Created the demo superuser '{demo.ADMIN_USERNAME}'.")

    def _generate(self, verbosity: int):
        learner_ids = demo.demo_learner_ids()
        enrollments = sum(len(ids) for ids in learner_ids.values())
        history_before = demo.certificate_history_count()
        bar = progress_bar(
            self.stderr,
            total=enrollments,
            desc="Generating certificates",
            unit="learner",
            disable=verbosity == 0,
        )
        with bar:
            reasons = demo.demo_generate(learner_ids=learner_ids, on_progress=bar.update)
        written = demo.certificate_history_count() - history_before
        if written:
            self.stdout.write(
                f"Generation: {written} certificate changes written for {enrollments} enrollments."
            )
        else:
            self.stdout.write(f"Generation: certificates already up to date ({enrollments} enrollments).")
        return reasons

    def _invalidate_one(self) -> None:
        admin = get_user_model().objects.get(username=demo.ADMIN_USERNAME)
        certificate, now = demo.demo_invalidate_one(actor=admin)
        if certificate is None:
            self.stdout.write("Invalidation: no downloadable certificate to invalidate.")
            return
        prefix = "Invalidated" if now else "Invalidation already done:"
        self.stdout.write(
            f"{prefix} the certificate of {certificate.user.username} in {certificate.course_id} "
            f'("{demo.INVALIDATION_NOTES}").'
        )

    def _legacy_pdfs(self) -> None:
        count, now = demo.demo_legacy_pdfs()
        if now:
            self.stdout.write(f"Legacy PDF certificates: download_url and download_uuid set on {count}.")
        else:
            self.stdout.write(f"Legacy PDF certificates already present: {count}.")

    def _summary(self, reasons) -> None:
        table = demo.certificates_by_mode_and_status()
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Certificates by mode and status"))
        for line in _format_table(table):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING(
                f"Learners with no certificate, by reason ({sum(reasons.values())} learner-runs)"
            )
        )
        width = max((len(label) for label in reasons), default=0)
        for label, n in reasons.most_common():
            self.stdout.write(f"  {label:<{width}}  {n:>5}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Admin: {settings.SITE_URL}/admin/  login: {_login()}"))
        self.stdout.write(
            self.style.SUCCESS(f"Course-team console: {settings.SITE_URL}/console/  (the same login)")
        )


def _format_table(table: dict) -> list[str]:
    """Modes down, statuses across, with totals."""
    statuses = sorted({status for counts in table.values() for status in counts})
    header = ["mode", *statuses, "total"]
    rows = [
        [mode, *(counts[s] for s in statuses), sum(counts.values())] for mode, counts in sorted(table.items())
    ]
    totals = ["total", *(sum(row[i] for row in rows) for i in range(1, len(header)))]
    widths = [max(len(str(row[i])) for row in [header, *rows, totals]) for i in range(len(header))]

    def line(row: list) -> str:
        cells = [
            str(v).ljust(w) if i == 0 else str(v).rjust(w)
            for i, (v, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells)

    rule = "-" * len(line(header))
    return [line(header), rule, *(line(row) for row in rows), rule, line(totals)]


def _login() -> str:
    if demo.demo_admin_has_demo_password():
        return f"{demo.ADMIN_USERNAME} / {demo.ADMIN_PASSWORD}"
    return f"{demo.ADMIN_USERNAME} (its password was changed, and is left as it is)"


def _database_label() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    vendor, host, port = db["ENGINE"].rsplit(".", 1)[-1], db.get("HOST") or "localhost", db.get("PORT") or ""
    return f"{vendor} database {db.get('NAME')!r} on {host}{':' if port else ''}{port}"


@contextmanager
def _quiet_logs(verbosity: int):
    """One INFO line per learner and tracking event would bury the progress bar: below -v 2, only warnings."""
    logger = logging.getLogger("coursecerts")
    level = logger.level
    if verbosity < 2:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)
