"""Webhook endpoints, the messages owed to them, and every delivery attempt.

A message is one outgoing event (events.OutgoingEvent) for one endpoint; its `webhook-id` is the event's
`event_id`, the same on every attempt and redelivery, so a receiver can drop repeats. States:

    pending (next_attempt_at: when it is due; claimed_until: a relay is sending it until then)
        -> sent        a 2xx answer
        -> pending     any other answer or no answer: attempts + 1, due again after WEBHOOK_RETRY_SCHEDULE's
                       next delay (or the answer's Retry-After for 429, 502, 503, 504)
        -> failed      after the schedule's last retry, or a 410 (which also disables the endpoint)
        -> cancelled   its endpoint was disabled before it was sent
    sent, failed, cancelled -> pending: redelivered by an operator (attempts start again from 0; the attempt log
    keeps every earlier attempt).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from coursecerts.events.models import EventTypes, OutgoingEvent

# The events a webhook can carry: the Open edX certificate events (README "Webhooks").
EVENT_TYPES = tuple(EventTypes.values)


class WebhookEndpoint(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=2000, help_text="http(s) URL that receives the messages (POST).")
    event_types = models.JSONField(
        default=list, blank=True, help_text="The event types sent here; empty: all of them."
    )
    description = models.CharField(max_length=500, blank=True)
    secret = models.CharField(max_length=100, help_text="whsec_<base64>: the signing secret.")
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Until then, messages are signed with the previous secret too."
    )
    is_active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "webhook endpoint"
        ordering = ["created", "id"]

    def __str__(self):
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def signing_secrets(self, now) -> list[str]:
        """The current secret, and the previous one while its grace period lasts."""
        current = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and self.previous_secret_expires_at > now:
            current.append(self.previous_secret)
        return current


class MessageStates(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class WebhookMessage(models.Model):
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="messages")
    event = models.ForeignKey(OutgoingEvent, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=16, choices=MessageStates.choices, default=MessageStates.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Attempts since it was (re)queued.")
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A relay is sending it until then.")
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "webhook message"
        ordering = ["-created", "-id"]
        constraints = [
            # One message per event and endpoint: handing the same events over twice creates nothing.
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhookmessage_endpoint_event_uniq"),
            models.CheckConstraint(
                name="webhookmessage_state_valid", condition=models.Q(state__in=MessageStates.values)
            ),
        ]
        indexes = [
            # delivery._claim: pending messages due now, the longest due first.
            models.Index(fields=["state", "next_attempt_at"], name="webhookmessage_due_idx"),
        ]

    def __str__(self):
        return f"{self.event_id} -> {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    message = models.ForeignKey(WebhookMessage, on_delete=models.CASCADE, related_name="attempt_log")
    created = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True, help_text="None: no answer.")
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why it failed (an answer that is not 2xx, a timeout...).")
    response_body = models.TextField(blank=True, help_text="The start of the answer's body.")

    class Meta:
        verbose_name = "webhook attempt"
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.message_id} {self.status_code or self.error[:40]}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
