"""Retire one learner: delete their legacy PDF certificate files and rendered PDFs, blank their name and email
everywhere coursecerts keeps them, keep the certificate rows, and write a retirement record (ADR 0012).

Examples:

    # What would be deleted and blanked (changes nothing):
    coursecerts retire_learner jdoe --dry-run
    # Retire (run it again if it reports failed files: it finishes the job):
    coursecerts retire_learner jdoe
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.services.retirement import RetirementResult, learner_retire


class Command(BaseCommand):
    help = "Retires a learner: deletes their certificate files, blanks their name and email, keeps the rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="the learner's username")
        parser.add_argument("--dry-run", action="store_true", help="List what would be done; change nothing.")

    def handle(self, *args, **options) -> str:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No learner with username {options['username']!r}")
        result = learner_retire(user=user, actor=None, source="command", dry_run=options["dry_run"])
        write_result(self.stdout, result)
        if not result.complete:
            raise CommandError(
                f"{len(result.files_failed)} files could not be deleted; their certificates keep their "
                "references. Run the command again to finish."
            )
        return ""


def write_result(stdout, result: RetirementResult) -> None:
    verb = "Would" if result.dry_run else "Did"
    stdout.write(f"{'[DRY RUN] ' if result.dry_run else ''}Retirement of user {result.user_id}:")
    for path in result.files_deleted:
        stdout.write(f"  {'delete' if result.dry_run else 'deleted'} legacy file {path}")
    for path in result.files_missing:
        stdout.write(f"  legacy file already missing, nothing to delete: {path}")
    for path in result.rendered_pdfs:
        stdout.write(f"  {'delete' if result.dry_run else 'deleted'} rendered PDF {path}")
    for failure in result.files_failed:
        stdout.write(f"  FAILED to delete {failure['path']} ({failure['error']})")
    stdout.write(
        f"  {verb} blank: {result.certificates} certificate names, {result.history_rows} history rows, "
        f"{len(result.pdf_references)} PDF references, {result.learner_rows} learner rows"
    )
    if result.record_id:
        stdout.write(f"  Retirement record {result.record_id}")
