"""List the files of legacy PDF certificates (those with a download_url or download_uuid), for operators who
delete them with their own tools before running purge_references_to_pdf_certificates.

Paths are relative to the legacy certificate storage (LEGACY_CERT_* settings: bucket or folder, and prefix).

Examples:

    coursecerts list_pdf_certificate_files --usernames jdoe asmith
    coursecerts list_pdf_certificate_files --certificate_ids 12 13 --format json
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandParser

from coursecerts.certificates.management.ids import parse_ids
from coursecerts.certificates.services.legacy_files import pdf_certificate_files_list


class Command(BaseCommand):
    help = "Lists each legacy PDF certificate's file paths (CSV: one file a line; JSON: one object a certificate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--certificate_ids", nargs="+", metavar="ID", help="only these certificates")
        parser.add_argument("--usernames", nargs="+", metavar="USERNAME", help="only these learners'")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args, **options) -> str:
        ids = options["certificate_ids"]
        rows = pdf_certificate_files_list(
            certificate_ids=parse_ids(ids, what="Certificate IDs") if ids else None,
            usernames=options["usernames"],
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps([asdict(row) for row in rows], indent=2))
            return ""
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["certificate_id", "user_id", "username", "course_key", "path"])
        for row in rows:
            for path in row.paths:
                writer.writerow([row.certificate_id, row.user_id, row.username, row.course_key, path])
        return ""
