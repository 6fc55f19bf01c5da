"""The write path of webhooks: endpoints (register, change, rotate the secret, disable, enable, delete) and
redelivery. Each is one transaction; a URL is checked against the SSRF guard (addresses.py) before it is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from coursecerts.common.errors import ApplicationError
from coursecerts.events.webhooks.addresses import UnsafeUrl, target_check
from coursecerts.events.webhooks.models import EVENT_TYPES, MessageStates, WebhookEndpoint, WebhookMessage
from coursecerts.events.webhooks.signing import secret_generate

_UNSET = object()
WEBHOOKS_SINK = "webhooks"  # the sink's name, and its cursor's (coursecerts.events.sinks)


def _checked_url(url: str) -> str:
    try:
        target_check(url)
    except UnsafeUrl as exc:
        raise ValidationError({"url": [str(exc)]}) from None
    return url


def _checked_event_types(event_types: list[str]) -> list[str]:
    unknown = [event_type for event_type in event_types if event_type not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            {
                "event_types": [
                    f"Unknown event type {name}; known: {', '.join(EVENT_TYPES)}." for name in unknown
                ]
            }
        )
    return list(dict.fromkeys(event_types))


@transaction.atomic
def webhook_endpoint_create(
    *, url: str, event_types: list[str] | None = None, description: str = "", actor=None
) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        url=_checked_url(url),
        event_types=_checked_event_types(event_types or []),
        description=description,
        secret=secret_generate(),
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    _cursor_start()
    return endpoint


def _cursor_start() -> None:
    """The relay starts a sink's new cursor at the newest event when it first sees the sink enabled; start it
    now, so that events from the endpoint's registration on are owed to it, not only from the relay's next pass."""
    from coursecerts.events.models import SinkCursor
    from coursecerts.events.relay import newest_event_id

    if not SinkCursor.objects.filter(name=WEBHOOKS_SINK).exists():
        SinkCursor.objects.get_or_create(name=WEBHOOKS_SINK, defaults={"position": newest_event_id()})


@transaction.atomic
def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url=_UNSET,
    event_types=_UNSET,
    description=_UNSET,
    is_active=_UNSET,
    actor=None,
) -> WebhookEndpoint:
    """Change what is given; is_active false disables (its pending messages are cancelled), true enables."""
    if url is not _UNSET and url != endpoint.url:
        endpoint.url = _checked_url(url)
    if event_types is not _UNSET:
        endpoint.event_types = _checked_event_types(event_types)
    if description is not _UNSET:
        endpoint.description = description
    endpoint.full_clean()
    endpoint.save()
    if is_active is False and endpoint.is_active:
        webhook_endpoint_disable(endpoint=endpoint, reason=f"Disabled by {_who(actor)}.")
    elif is_active is True and not endpoint.is_active:
        webhook_endpoint_enable(endpoint=endpoint)
    return endpoint


def _who(actor) -> str:
    return actor.username if actor is not None else "an operator"


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, reason: str) -> int:
    """Stop sending to the endpoint; its messages not sent yet are cancelled (redeliver them once it is enabled
    again). Returns how many were cancelled."""
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=False, disabled_reason=reason[:500], disabled_at=now, updated=now
    )
    endpoint.is_active, endpoint.disabled_reason, endpoint.disabled_at = False, reason[:500], now
    return WebhookMessage.objects.filter(endpoint=endpoint, state=MessageStates.PENDING).update(
        state=MessageStates.CANCELLED, claim=None, claimed_until=None, next_attempt_at=None, updated=now
    )


@transaction.atomic
def webhook_endpoint_enable(*, endpoint: WebhookEndpoint) -> None:
    _checked_url(endpoint.url)
    now = timezone.now()
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        is_active=True, disabled_reason="", disabled_at=None, updated=now
    )
    endpoint.is_active, endpoint.disabled_reason, endpoint.disabled_at = True, "", None


@transaction.atomic
def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, grace_seconds: int | None = None
) -> WebhookEndpoint:
    """A new secret signs from now on; the old one signs too for `grace_seconds` (default
    WEBHOOK_SECRET_GRACE_SECONDS; 0: not at all), while receivers switch."""
    grace = settings.WEBHOOK_SECRET_GRACE_SECONDS if grace_seconds is None else grace_seconds
    now = timezone.now()
    endpoint.previous_secret = endpoint.secret if grace > 0 else ""
    endpoint.previous_secret_expires_at = now + timedelta(seconds=grace) if grace > 0 else None
    endpoint.secret = secret_generate()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated"])
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its messages and their attempt log."""
    endpoint.delete()


def _requeue(queryset) -> int:
    now = timezone.now()
    return queryset.update(
        state=MessageStates.PENDING,
        attempts=0,
        next_attempt_at=now,
        claim=None,
        claimed_until=None,
        updated=now,
    )


def _require_active(endpoint: WebhookEndpoint) -> None:
    if not endpoint.is_active:
        raise ApplicationError(
            f"The endpoint {endpoint.url} is disabled ({endpoint.disabled_reason or 'no reason given'}); "
            "enable it before redelivering.",
            extra={"code": "endpoint_disabled"},
        )


@transaction.atomic
def webhook_message_redeliver(*, message: WebhookMessage) -> WebhookMessage:
    """Send the message again (same webhook-id), as soon as a relay runs; its schedule starts again. A message
    being sent right now is left to finish."""
    _require_active(message.endpoint)
    _requeue(WebhookMessage.objects.filter(pk=message.pk).filter(_not_in_flight()))
    message.refresh_from_db()
    return message


@transaction.atomic
def webhook_messages_redeliver_since(*, endpoint: WebhookEndpoint, since: datetime) -> int:
    """Send again every event since `since` (the event's time) that the endpoint takes: its messages are queued
    again, and events it has no message for (sent while it was disabled) get one. Returns how many are queued."""
    from coursecerts.events.models import OutgoingEvent

    _require_active(endpoint)
    events = OutgoingEvent.objects.filter(time__gte=since)
    if endpoint.event_types:
        events = events.filter(event_type__in=endpoint.event_types)
    requeued = _requeue(
        WebhookMessage.objects.filter(endpoint=endpoint, event__in=events).filter(_not_in_flight())
    )
    missing = events.exclude(pk__in=WebhookMessage.objects.filter(endpoint=endpoint).values("event_id"))
    now = timezone.now()
    created = WebhookMessage.objects.bulk_create(
        (
            WebhookMessage(endpoint=endpoint, event_id=pk, created=now, updated=now)
            for pk in missing.values_list("pk", flat=True).iterator()
        ),
        ignore_conflicts=True,
        batch_size=1000,
    )
    return requeued + len(created)


def _not_in_flight() -> Q:
    return Q(claimed_until__isnull=True) | Q(claimed_until__lt=timezone.now())
