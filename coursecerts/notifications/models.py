"""The emails owed to learners, and the course team's per-run switch.

A LearnerEmail is one email of one kind (kinds.py: "issued", ...) about one certificate, made unique by its
`key` (for "issued": the certificate's issued_date, so an issue is told at most once however often its event is
handed over or resent; a resend has a key of its own). States:

    pending (next_attempt_at: when it is due; claimed_until: a sender holds it until then)
        -> sent        the SMTP server accepted it
        -> pending     the server could not be reached or answered a temporary error: attempts + 1, due again
                       after LEARNER_EMAIL_RETRY_SCHEDULE's next delay
        -> failed      the server refused the address (a bounce at submission), the learner has no address, or
                       the schedule's last retry failed
        -> cancelled   the run's emails were turned off, or the certificate stopped being downloadable, before
                       it was sent
    failed, cancelled, sent -> pending: resent by the course team (a new row: the old one keeps its history).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.courses.models import CourseRun


class EmailStates(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class LearnerEmail(models.Model):
    # A kinds.KINDS name. Not a `choices` field: adding a kind is code and templates only, no migration.
    kind = models.CharField(max_length=64)
    certificate = models.ForeignKey(GeneratedCertificate, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(
        max_length=100, help_text="What makes this email one of its kind (issued: the issue)."
    )
    context = models.JSONField(
        default=dict, blank=True, help_text="What the kind's templates need beyond the certificate."
    )
    state = models.CharField(max_length=16, choices=EmailStates.choices, default=EmailStates.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, help_text="A sender holds it until then.")
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="Who asked for it (a resend); empty: the service, when the certificate changed.",
    )  # fmt: skip
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "learner email"
        ordering = ["-created", "-id"]
        constraints = [
            # At most one email of a kind per certificate and key: an issue is told once.
            models.UniqueConstraint(fields=["certificate", "kind", "key"], name="learneremail_once_per_key"),
            models.CheckConstraint(
                name="learneremail_state_valid", condition=models.Q(state__in=EmailStates.values)
            ),
        ]
        indexes = [
            # services._claim: pending emails due now, the longest due first.
            models.Index(fields=["state", "next_attempt_at"], name="learneremail_due_idx"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.certificate_id} ({self.state})"


class CourseRunEmailSettings(models.Model):
    """The course team's switch: whether learners of this run are emailed when their certificate is issued
    (default: yes, when there is no row). Resends asked for by the course team are sent either way."""

    course_run = models.OneToOneField(CourseRun, on_delete=models.CASCADE, primary_key=True, related_name="+")
    emails_enabled = models.BooleanField(
        default=True, help_text="Email learners when a certificate is issued."
    )
    modified = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "course run email setting"

    def __str__(self):
        return f"{self.course_run_id}: emails {'on' if self.emails_enabled else 'off'}"


def new_page_slug() -> str:
    return secrets.token_urlsafe(16)


class LearnerPage(models.Model):
    """A learner's page of certificates (learner_page.py). Private unless the learner makes it public: then
    /learners/<slug> shows it to anyone; otherwise only a signed link (from an email, or minted by the platform)
    opens it. `slug` is random (no enumeration); a new slug ends every link and the public address at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slug = models.CharField(max_length=32, unique=True, default=new_page_slug, editable=False)
    public = models.BooleanField(default=False, help_text="Anyone with the page's address may see it.")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "learner page"

    def __str__(self):
        return f"{self.user_id} ({'public' if self.public else 'private'})"
