"""Learners are Django users (so Open edX user ids and usernames carry over) with a profile for their names."""

from django.conf import settings
from django.db import models

from coursecerts.common.models import TimeStampedModel


class LearnerProfile(TimeStampedModel):
    """What a certificate needs to know about a person beyond the auth user: the names, and retirement.

    `name` is the full name (Open edX UserProfile.name); `verified_name` is the name confirmed by ID
    verification, printed instead when the learner chose it (Open edX name-affirmation).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    name = models.CharField(max_length=255, blank=True, default="")
    verified_name = models.CharField(max_length=255, blank=True, default="")
    use_verified_name_for_certificates = models.BooleanField(default=False)
    retired_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Set when the learner's retirement has completed."
    )

    class Meta:
        verbose_name = "learner"

    def __str__(self):
        return f"{self.user.username} ({self.name})" if self.name else self.user.username

    @property
    def certificate_name(self) -> str:
        return certificate_name(self.name, self.verified_name, self.use_verified_name_for_certificates)


def certificate_name(name: str, verified_name: str, use_verified_name: bool) -> str:
    """The name to print: the verified name when the learner chose it and has one, else the full name."""
    return verified_name if use_verified_name and verified_name else name
