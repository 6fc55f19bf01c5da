"""Making and revoking API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from coursecerts.api.models import ApiToken, token_hash

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOKEN_PREFIX = "cc_"
# last_used_at is written at most this often per token, so that every request does not write a row.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a token for the user. Returns the row and the token itself, which is not stored anywhere."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, prefix=token[:10], key_hash=token_hash(token))
    row.full_clean()
    row.save()
    return row, token


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> bool:
    """Revoke the token from now on. Returns False when it was already revoked."""
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return bool(changed)


def api_token_touch(*, token: ApiToken) -> None:
    """Record that the token was used (at most once a minute)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
