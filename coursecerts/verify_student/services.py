from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.common import signals
from coursecerts.common.upsert import row_upsert, upsert_retried
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus

if TYPE_CHECKING:
    from datetime import datetime

    from django.contrib.auth.models import User


@upsert_retried
@transaction.atomic
def id_verification_update(
    *, user: User, status: str, expires_at: datetime | None = None
) -> tuple[IdVerification, bool]:
    """Record the outcome of a learner's ID verification. Becoming approved sends IDV_ATTEMPT_APPROVED.
    Parallel callers end with one verification."""
    verification, previous = row_upsert(
        IdVerification, key={"user": user}, values={"status": status, "expires_at": expires_at}
    )
    created = previous is None
    was_approved = bool(previous and previous.status == IdVerificationStatus.APPROVED)
    if status == IdVerificationStatus.APPROVED and not was_approved:
        signals.IDV_ATTEMPT_APPROVED.send(sender=IdVerification, user=user)
    return verification, created
