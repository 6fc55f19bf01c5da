"""Send the outgoing certificate events to every sink (the Open edX event bus, the webhooks): the relay of the
transactional outbox (ADR 0015). Run it beside the Celery workers; several at once are safe.

Examples:

    coursecerts relay_events            # run until stopped (SIGTERM or Ctrl-C: the batch in hand is finished)
    coursecerts relay_events --once     # send what is due now, retries included, and exit: 0, or 1 naming the
                                        # sink that failed (e.g. the bus cannot be reached)
    coursecerts relay_events --once --sink event_bus
"""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.events.relay import outgoing_events_prune, relay_forever, relay_once

_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = (
        "Send the outgoing certificate events to the event bus and the webhooks, until stopped (or --once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now and exit")
        parser.add_argument(
            "--sink", action="append", help="only this sink (event_bus, webhooks); repeatable"
        )

    def handle(self, *args, **options) -> str:
        if options["once"]:
            return self._once(options["sink"])
        stop = threading.Event()
        previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in _STOP_SIGNALS}
        self.stdout.write("Relaying outgoing events until stopped.")
        try:
            relay_forever(stop)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        self.stdout.write("Relay stopped.")
        return ""

    def _once(self, names: list[str] | None) -> str:
        outcomes = relay_once(names=names)
        for outcome in outcomes:
            if outcome.disabled:
                what = "not configured, nothing owed"
            elif outcome.error:
                what = f"FAILED: {outcome.error}"
            else:
                what = f"{outcome.handed} events handed over, {outcome.done} deliveries"
                what += " (another relay holds it)" if outcome.busy else ""
            self.stdout.write(f"{outcome.sink}: {what}")
        pruned = outgoing_events_prune()
        if pruned:
            self.stdout.write(f"{pruned} old events pruned.")
        failed = [outcome for outcome in outcomes if outcome.error]
        if failed:
            raise CommandError(
                "; ".join(f"{o.sink}: {o.error}" for o in failed)
                + " (nothing was marked sent that was not sent; run again once it is reachable)"
            )
        return ""
