"""Modify certificate templates by string replacement (Open edX `modify_cert_template`).

Replaces the first occurrence of --old-text with --new-text in each template named by --templates, in a
Celery task. Without a broker Celery runs in-process, so the command prints the task's result: a diff of every
change in a dry run, then how many templates changed, did not contain the text, or do not exist.

Examples:

    coursecerts modify_cert_template --old-text "Course Certificate" \\
        --new-text "Certificate of Achievement" --templates 1 2 --dry-run
    coursecerts modify_cert_template --args-from-database   # arguments stored in the admin
"""

from __future__ import annotations

import logging
from argparse import RawDescriptionHelpFormatter

from celery.result import EagerResult
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.management.args_from_database import (
    add_args_from_database_argument,
    resolve_options,
)
from coursecerts.certificates.management.ids import parse_ids
from coursecerts.certificates.models import ModifiedCertificateTemplateCommandConfiguration
from coursecerts.certificates.tasks import modify_cert_template

log = logging.getLogger(__name__)

REQUIRED = {"--old-text": "old_text", "--new-text": "new_text", "--templates": "templates"}


class Command(BaseCommand):
    help = (
        "Modify one or more certificate templates.\n"
        "This is DANGEROUS.\n"
        "* This uses raw string replacement to modify HTML-like templates, because the template language\n"
        "  makes true parsing impossible.\n"
        "* The replacement text is not parameterized, for the same reason: there is no way to know what is\n"
        "  template language and what is HTML.\n"
        "Do not trust that this will get the conversion right without verification, and never accept\n"
        "untrusted input as replacement text. This is to be run by trusted users only.\n"
        "Always run this with --dry-run first, or in a reliable test environment."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs["formatter_class"] = RawDescriptionHelpFormatter  # keep the warning's line breaks
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Just show a preview of what would happen."
        )
        parser.add_argument(
            "--old-text", help="Text to replace in the template (its first occurrence). Required."
        )
        parser.add_argument("--new-text", help="Replacement text for the template. Required.")
        parser.add_argument(
            "--templates",
            nargs="+",
            metavar="ID",
            help="Ids of the certificate templates to modify. Required.",
        )
        add_args_from_database_argument(parser, ModifiedCertificateTemplateCommandConfiguration)

    def handle(self, *args, **options) -> str:
        # Database arguments replace the command line completely (including --dry-run).
        options = resolve_options(self, options, ModifiedCertificateTemplateCommandConfiguration)
        missing = [flag for flag, key in REQUIRED.items() if options.get(key) is None]
        if missing:
            raise CommandError(f"You must specify {', '.join(missing)}")
        if not options["old_text"]:
            raise CommandError("--old-text must not be empty")
        if options["old_text"] == options["new_text"]:
            raise CommandError("--old-text and --new-text are the same: nothing to change")
        template_ids = parse_ids(options["templates"], what="Template ids")
        dry_run = options["dry_run"]
        log.info(
            f"modify_cert_template starting, dry-run={dry_run}, templates={options['templates']}, "
            f"old-text={options['old_text']}, new-text={options['new_text']}"
        )

        result = modify_cert_template.apply_async(
            kwargs={
                "old_text": options["old_text"],
                "new_text": options["new_text"],
                "template_ids": template_ids,
                "dry_run": dry_run,
            }
        )
        if not isinstance(result, EagerResult):
            return f"Queued task {result.id}; the worker's log shows what it changed"
        return self._summary(result.get(), dry_run)

    def _summary(self, summary: dict, dry_run: bool) -> str:
        for diff in summary["diffs"]:
            self.stdout.write(diff)
        lines = [
            f"{'Would change' if dry_run else 'Changed'}: {_ids(summary['changed'])}",
            f"Unchanged (old text not found): {_ids(summary['not_found'])}",
            f"Missing (no such template): {_ids(summary['missing'])}",
        ]
        return "\n".join(lines)


def _ids(ids: list[int]) -> str:
    return f"{len(ids)}" + (f" ({', '.join(str(pk) for pk in ids)})" if ids else "")
