"""The inbox of events received from the LMS's event bus (ADR 0021): list, retry, discard, apply, prune.

Examples:

    coursecerts inbox_events list                      # failed events, newest first, with their errors
    coursecerts inbox_events list --status pending --limit 20
    coursecerts inbox_events retry                     # every failed event, now
    coursecerts inbox_events retry --id 42 --id 43     # these (failed or discarded) events
    coursecerts inbox_events discard --id 42           # give up on an event: kept, never applied
    coursecerts inbox_events discard --all-failed
    coursecerts inbox_events apply                     # apply what is due without a consumer running
    coursecerts inbox_events prune --days 7            # delete applied, skipped and discarded events
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.openedx.inbox import inbox_apply_due, inbox_discard, inbox_prune, inbox_retry
from coursecerts.openedx.models import InboxEvent, InboxStatus


class Command(BaseCommand):
    help = "List, retry, discard, apply or prune the events received from the LMS's event bus."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        listing = actions.add_parser("list", help="List events (failed ones by default), newest first.")
        listing.add_argument("--status", choices=InboxStatus.values, default=InboxStatus.FAILED)
        listing.add_argument("--limit", type=int, default=50)
        retry = actions.add_parser("retry", help="Apply failed events now (all, or those named by --id).")
        retry.add_argument(
            "--id", type=int, action="append", dest="ids", help="An inbox event's id (repeatable)."
        )
        discard = actions.add_parser(
            "discard", help="Mark failed or pending events discarded: never applied."
        )
        discard.add_argument(
            "--id", type=int, action="append", dest="ids", help="An inbox event's id (repeatable)."
        )
        discard.add_argument("--all-failed", action="store_true", help="Every failed event.")
        actions.add_parser("apply", help="Apply pending events and failed ones whose retry is due.")
        prune = actions.add_parser("prune", help="Delete old applied, skipped and discarded events.")
        prune.add_argument("--days", type=int, default=None, help="Default: EVENTS_INBOX_KEEP_DAYS.")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _list(self, *, status: str, limit: int, **options) -> None:
        rows = InboxEvent.objects.filter(status=status).order_by("-id")[:limit]
        for row in rows:
            detail = row.last_error or row.note
            self.stdout.write(
                f"{row.pk}\t{row.event_type}\t{row.course_key or '-'}\tLMS user {row.user_key or '-'}\t"
                f"attempts {row.attempts}\t{row.received_at:%Y-%m-%d %H:%M:%S}\t{detail}"
            )
        self.stdout.write(f"{InboxEvent.objects.filter(status=status).count()} {status} event(s)")

    def _retry(self, *, ids: list[int] | None, **options) -> None:
        queryset = (
            InboxEvent.objects.filter(pk__in=ids) if ids else InboxEvent.objects.filter(status="failed")
        )
        self._missing(ids)
        made_due = inbox_retry(queryset=queryset)
        self.stdout.write(f"{made_due} event(s) due again")
        self._apply()

    def _discard(self, *, ids: list[int] | None, all_failed: bool, **options) -> None:
        if not ids and not all_failed:
            raise CommandError("Name the events to discard with --id, or give --all-failed.")
        self._missing(ids)
        queryset = (
            InboxEvent.objects.filter(pk__in=ids) if ids else InboxEvent.objects.filter(status="failed")
        )
        self.stdout.write(f"{inbox_discard(queryset=queryset)} event(s) discarded")

    def _apply(self, **options) -> None:
        applied = inbox_apply_due(batch_size=settings.EVENTS_INBOX_BATCH_SIZE)
        self.stdout.write(f"applied: {applied.done} done, {applied.skipped} skipped, {applied.failed} failed")
        for error in applied.errors:
            self.stdout.write(f"  {error}")

    def _prune(self, *, days: int | None, **options) -> None:
        days = settings.EVENTS_INBOX_KEEP_DAYS if days is None else days
        self.stdout.write(f"{inbox_prune(days=days)} event(s) deleted")

    def _missing(self, ids: list[int] | None) -> None:
        if ids:
            missing = set(ids) - set(InboxEvent.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No inbox event with id {', '.join(map(str, sorted(missing)))}.")
