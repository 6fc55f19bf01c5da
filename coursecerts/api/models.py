"""API tokens. Only a hash of each token is stored; the token itself is shown once, when it is made."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


def token_hash(token: str) -> str:
    """SHA-256 of the token. Tokens are 256 random bits, so a fast hash is enough (no salt or stretching)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_token(self, token: str) -> ApiToken | None:
        """The active token row with this secret, with its user, or None."""
        return self.active().select_related("user").filter(key_hash=token_hash(token)).first()


class ApiToken(models.Model):
    """A bearer token a client sends as `Authorization: Bearer <token>`; it acts as its user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=255, blank=True, default="", help_text="What the token is for.")
    prefix = models.CharField(
        max_length=12, db_index=True, help_text="The token's first characters, to tell it."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
