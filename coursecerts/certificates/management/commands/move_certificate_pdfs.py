"""Move the certificate PDFs rendered by older versions out of the public media storage: those of
downloadable certificates into the private PDF storage, the others deleted (README "Storage"). Run it once
after upgrading; running it again finds nothing to do.

Examples:

    coursecerts move_certificate_pdfs --dry-run   # preview
    coursecerts move_certificate_pdfs
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from coursecerts.certificates.services.pdf_move import certificate_pdfs_move_to_private


class Command(BaseCommand):
    help = (
        "Moves rendered certificate PDFs from the media storage (MEDIA_ROOT/certificates/pdf or the media "
        "bucket) to the private PDF storage; deletes those of certificates that are no longer downloadable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would move, change nothing.")

    def handle(self, *args, **options) -> str:
        result = certificate_pdfs_move_to_private(dry_run=options["dry_run"])
        if options["verbosity"] > 1:
            for name in result.moved:
                self.stdout.write(f"{'would move' if result.dry_run else 'moved'} {name}")
            for name in result.deleted:
                self.stdout.write(f"{'would delete' if result.dry_run else 'deleted'} {name}")
        return result.summary()
