"""Find learners the rules would give a certificate who hold none, and certificates the rules would no longer
give; with --fix, issue the missing ones (the unearned ones are only reported: revoking is the course team's
call, through invalidation or regeneration).

Examples:

    coursecerts reconcile_certificates course-v1:OLI+DATA101+2026_SP
    coursecerts reconcile_certificates course-v1:OLI+DATA101+2026_SP --fix
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.management.course_run import course_run_from_argument
from coursecerts.certificates.services.reconcile import course_reconcile


class Command(BaseCommand):
    help = (
        "Report certificates that are missing or no longer earned in a course run; --fix issues the missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", help="course run key")
        parser.add_argument("--fix", action="store_true", help="issue the missing certificates")

    def handle(self, *args, **options) -> str:
        run = course_run_from_argument(options["course_key"])
        report = course_reconcile(course_run=run, fix=options["fix"])
        self.stdout.write(f"{run.id}: {report['checked']} enrolled learners checked.")
        self.stdout.write(f"Eligible but without a downloadable certificate: {len(report['missing'])}")
        for row in report["missing"]:
            self.stdout.write(f"  {row['username']} (certificate: {row['status'] or 'none'})")
        self.stdout.write(f"Downloadable but no longer eligible: {len(report['unearned'])}")
        for row in report["unearned"]:
            self.stdout.write(f"  {row['username']}: {Reason(row['reason']).label}")
        if options["fix"]:
            self.stdout.write(f"Fixed: {report['fixed']} certificates issued.")
        elif report["missing"]:
            self.stdout.write("Run again with --fix to issue the missing certificates.")
        return ""
