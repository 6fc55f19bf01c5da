from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from coursecerts.common.models import TimeStampedModel


class IdVerificationStatus(models.TextChoices):
    APPROVED = "approved"
    PENDING = "pending"
    DENIED = "denied"
    EXPIRED = "expired"


class IdVerification(TimeStampedModel):
    """The outcome of a learner's identity verification, as the platform reports it: one per learner."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="id_verification"
    )
    status = models.CharField(
        max_length=32, choices=IdVerificationStatus.choices, default=IdVerificationStatus.PENDING
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: does not expire.")

    class Meta:
        verbose_name = "ID verification"
        constraints = [
            models.CheckConstraint(
                name="idv_status_valid", condition=Q(status__in=IdVerificationStatus.values)
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.status}"

    def is_verified(self, now=None) -> bool:
        """Approved and not expired."""
        now = now or timezone.now()
        return self.status == IdVerificationStatus.APPROVED and (
            self.expires_at is None or self.expires_at > now
        )
