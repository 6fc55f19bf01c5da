"""Celery tasks of the outbox: thin wrappers around its services."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready

from coursecerts.events.services import outbox_drain, outbox_purge


@shared_task(acks_late=True)
def drain_outbox(*, purge: bool = False) -> dict:
    """Run the outbox's due entries (kicked after each commit that recorded one; every
    OUTBOX_DRAIN_INTERVAL_SECONDS by Celery beat, which also purges old done entries). Returns the counts."""
    purged = outbox_purge() if purge else 0
    outcomes = outbox_drain()
    failed = sum(1 for outcome in outcomes if not outcome.ok)
    return {"done": len(outcomes) - failed, "failed": failed, "purged": purged}


@worker_ready.connect
def _drain_when_a_worker_starts(**kwargs) -> None:
    """Leftovers of a process that died after its commit run as soon as a worker is up again."""
    drain_outbox.delay()


@shared_task(acks_late=True)
def relay_events() -> dict:
    """Hand the outgoing events to every sink once, and prune old ones: for operators who run the relay from
    Celery beat (EVENT_RELAY_BEAT_SECONDS) rather than as `coursecerts relay_events`. Several at once are safe
    (each sink's cursor is locked by one relay). Returns what each sink did."""
    from coursecerts.events.relay import outgoing_events_prune, relay_once

    outcomes = relay_once()
    pruned = outgoing_events_prune()
    return {
        "sinks": {o.sink: {"handed": o.handed, "done": o.done, "error": o.error} for o in outcomes},
        "pruned": pruned,
    }
