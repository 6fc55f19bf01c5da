"""List the files of legacy PDF certificates (those with a download_url or download_uuid), for operators who
delete them with their own tools before running purge_references_to_pdf_certificates.

Paths are relative to the legacy certificate storage (LEGACY_CERT_* settings: bucket or folder, and prefix).

Examples:

    coursecerts list_pdf_certificate_files --usernames jdoe asmith
    coursecerts list_pdf_certificate_files --certificate_ids 12 13 --format json
"""

from __future__ import annotations

import json
from dataclasses import asdict

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from coursecerts.certificates.management.ids import parse_ids
from coursecerts.certificates.services.legacy_files import pdf_certificate_files_list
from coursecerts.common.csv_export import SafeWriter


class Command(BaseCommand):
    help = (
        "Lists each legacy PDF certificate's file paths (CSV: one file a line; JSON: one object a certificate). "
        "Unknown usernames and an empty result are said on stderr, so stdout stays a clean CSV or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--certificate_ids", nargs="+", metavar="ID", help="only these certificates")
        parser.add_argument("--usernames", nargs="+", metavar="USERNAME", help="only these learners'")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options) -> str:
        ids, usernames = options["certificate_ids"], options["usernames"]
        rows = pdf_certificate_files_list(
            certificate_ids=parse_ids(ids, what="Certificate IDs") if ids else None,
            usernames=usernames,
        )
        self._explain(rows, usernames)
        if options["format"] == "json":
            self.stdout.write(json.dumps([asdict(row) for row in rows], indent=2))
            return ""
        writer = SafeWriter(self.stdout, lineterminator="\n")
        writer.writerow(["certificate_id", "user_id", "username", "course_key", "path"])
        for row in rows:
            for path in row.paths:
                writer.writerow([row.certificate_id, row.user_id, row.username, row.course_key, path])
        return ""

    def _explain(self, rows, usernames) -> None:
        """Say on stderr which usernames match no learner, and when nothing was found."""
        if usernames:
            known = set(
                get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
            )
            unknown = [name for name in dict.fromkeys(usernames) if name not in known]
            if unknown:
                self.stderr.write(f"No learner with username: {', '.join(unknown)}")
        if not rows:
            self.stderr.write(
                "No legacy PDF certificates found (certificates with a download_url or download_uuid)."
            )
