"""Purge the references to legacy PDF certificates (Open edX `purge_references_to_pdf_certificates`).

The last step of retiring learners who hold legacy PDF certificates. An external process first deletes the
files of each PDF certificate, which it finds through download_uuid and download_url; only then does this
command blank those two columns. It changes exactly the certificates named, no status and no other field, with
one bulk UPDATE: no save(), no signals, no history row.

Examples:

    # Preview:
    coursecerts purge_references_to_pdf_certificates --certificate_ids 12 13 --dry-run
    # Purge:
    coursecerts purge_references_to_pdf_certificates --certificate_ids 12 13
    # Use the arguments stored in the admin ("--certificate_ids 12 13", add "--dry-run" to preview):
    coursecerts purge_references_to_pdf_certificates --args-from-database
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.management.args_from_database import (
    add_args_from_database_argument,
    resolve_options,
)
from coursecerts.certificates.management.ids import parse_ids
from coursecerts.certificates.models import PurgeReferencestoPDFCertificatesCommandConfiguration
from coursecerts.certificates.services import certificate_purge_pdf_references

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Purges references to PDF certificates (download_url and download_uuid) from the given certificate "
        "records. Intended to be run after the files have been deleted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Shows a preview of what certificate records would be affected, and changes nothing.",
        )
        parser.add_argument(
            "--certificate_ids",
            nargs="+",
            dest="certificate_ids",
            metavar="ID",
            help="space-separated list of GeneratedCertificate IDs to clean up",
        )
        add_args_from_database_argument(parser, PurgeReferencestoPDFCertificatesCommandConfiguration)

    def handle(self, *args, **options) -> str:
        # Database arguments replace the command line completely (including --dry-run).
        options = resolve_options(self, options, PurgeReferencestoPDFCertificatesCommandConfiguration)
        certificate_ids = options.get("certificate_ids")
        if not certificate_ids:
            raise CommandError("You must specify one or more certificate IDs")
        ids = parse_ids(certificate_ids, what="Certificate IDs")
        dry_run = options["dry_run"]

        prefix = "[DRY RUN] " if dry_run else ""
        log.info(
            f"{prefix}Purging download_url and download_uri from the following certificate records: "
            f"{[str(value) for value in certificate_ids]}"
        )
        result = certificate_purge_pdf_references(certificate_ids=ids, dry_run=dry_run)

        if result.missing_ids:
            self.stdout.write(f"Not found (nothing purged): {_join(result.missing_ids)}")
        if dry_run:
            self.stdout.write(
                f"Would purge download_url and download_uuid of {len(result.purgeable_ids)} "
                f"records: {_join(result.purgeable_ids) or '-'}"
            )
        return f"{result.rows_changed} rows changed"


def _join(ids: list[int]) -> str:
    return ", ".join(str(pk) for pk in ids)
