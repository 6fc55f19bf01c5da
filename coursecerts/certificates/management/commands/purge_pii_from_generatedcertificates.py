"""Purge learners' names from the certificates of retired learners (Open edX
`purge_pii_from_generatedcertificates`).

A learner is retired once LearnerProfile.retired_at is set. Their certificates' `name` is blanked with one
bulk UPDATE (no save(), no signals: nothing is sent anywhere). With REDACT_CERTIFICATES_HISTORICAL_PII on, the
names in those certificates' history (name_before, name_after) are blanked too. Learners who are not retired
are never touched.

Examples:

    coursecerts purge_pii_from_generatedcertificates --dry-run   # preview
    coursecerts purge_pii_from_generatedcertificates
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from coursecerts.certificates.services import certificate_purge_names, learner_list_retired_ids

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Purges learners' full names from the certificate records (and, with "
        "REDACT_CERTIFICATES_HISTORICAL_PII, from the certificate history) of learners whose account has "
        "been retired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Shows a preview of what users would be affected by running this management command.",
        )

    def handle(self, *args, **options) -> str:
        retired_user_ids = learner_list_retired_ids()
        redact_history = settings.REDACT_CERTIFICATES_HISTORICAL_PII
        if options["dry_run"]:
            log.info(
                "DRY RUN: running this management command would purge `name` data from the following users: "
                f"{retired_user_ids}"
            )
            result = certificate_purge_names(
                user_ids=retired_user_ids, redact_history=redact_history, dry_run=True
            )
            return (
                f"Would blank the name on {result.certificates} certificates and {result.history_rows} "
                f"history rows of {len(retired_user_ids)} retired learners"
            )

        log.warning(f"Purging `name` from the certificate records of the following users: {retired_user_ids}")
        if redact_history:
            log.warning(
                "Purging `name` from the certificate history records of the following users: "
                f"{retired_user_ids}"
            )
        result = certificate_purge_names(user_ids=retired_user_ids, redact_history=redact_history)
        return (
            f"Blanked the name on {result.certificates} certificates and {result.history_rows} history rows "
            f"of {len(retired_user_ids)} retired learners"
        )
