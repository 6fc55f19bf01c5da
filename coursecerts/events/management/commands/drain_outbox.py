"""Run the work that data changes owe and that has not run yet: the outbox's due entries (ADR 0013). A process
that died after committing an import left its generation here; this runs it, once. Safe at any time and in
parallel with the periodic drain: each entry is claimed by one drainer.

Examples:

    coursecerts drain_outbox                  # run what is due, print each entry, exit 1 if one failed
    coursecerts drain_outbox --retry-now      # also failed entries still waiting for their retry time
    coursecerts drain_outbox --dry-run        # list what is owed, run nothing
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.events.services import outbox_drain, outbox_pending


class Command(BaseCommand):
    help = "Run the outbox's due entries once (generation owed by imports...), print what was done, and exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--retry-now", action="store_true", help="also run failed entries waiting for their retry time"
        )
        parser.add_argument("--dry-run", action="store_true", help="list the entries not done; run nothing")

    def handle(self, *args, **options) -> str:
        if options["dry_run"]:
            return self._list()
        outcomes = outbox_drain(include_waiting=options["retry_now"])
        for outcome in outcomes:
            entry = outcome.entry
            what = (
                _describe(outcome.result)
                if outcome.ok
                else f"failed (attempt {entry.attempts}): {outcome.error}"
            )
            self.stdout.write(f"#{entry.pk} {entry.kind} {entry.course_id or ''}: {what}")
        failed = sum(1 for outcome in outcomes if not outcome.ok)
        self.stdout.write(f"Outbox: {len(outcomes) - failed} entries done, {failed} failed.")
        if failed:
            raise CommandError(
                f"{failed} entries failed; they are kept with their error and will be retried."
            )
        return ""

    def _list(self) -> str:
        entries = list(outbox_pending())
        for entry in entries:
            state = f"failed {entry.attempts}x, next try {entry.available_at:%Y-%m-%d %H:%M:%S}: {entry.last_error}"
            learners = sum(len(ids) for ids in entry.payload.get("sources", {}).values())
            self.stdout.write(
                f"#{entry.pk} {entry.kind} {entry.course_id or ''}: {learners} learners, "
                + (state if entry.last_error else "due")
            )
        self.stdout.write(f"Outbox: {len(entries)} entries not done.")
        return ""


def _describe(result: dict) -> str:
    outcomes = ", ".join(
        f"{outcome} {count}" for outcome, count in sorted(result.get("outcomes", {}).items())
    )
    return f"done; {result.get('changed', 0)} certificates written" + (f" ({outcomes})" if outcomes else "")
