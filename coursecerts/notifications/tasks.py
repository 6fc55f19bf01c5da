"""Celery task of the learner emails: a thin wrapper around the relay of the email sink."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def send_learner_emails() -> dict:
    """Hand the new certificate events to the email sink and send the emails due (retries included). Queued
    after each commit that wrote certificates; several at once are safe (the sink's cursor is locked by one, and
    each email is claimed by one sender). Returns what it did."""
    from coursecerts.events.relay import relay_once
    from coursecerts.notifications.sink import EMAIL_SINK

    (outcome,) = relay_once(names=[EMAIL_SINK]) or [None]
    if outcome is None:
        return {}
    return {"handed": outcome.handed, "sent": outcome.done, "error": outcome.error}
