from __future__ import annotations

from django.db import transaction

from coursecerts.common import signals
from coursecerts.verify_student.models import IdVerification, IdVerificationStatus


@transaction.atomic
def id_verification_update(*, user, status: str, expires_at=None) -> tuple[IdVerification, bool]:
    """Record the outcome of a learner's ID verification. Becoming approved sends IDV_ATTEMPT_APPROVED."""
    verification = IdVerification.objects.select_for_update().filter(user=user).first()
    created = verification is None
    was_approved = bool(verification and verification.status == IdVerificationStatus.APPROVED)
    if created:
        verification = IdVerification(user=user)
    verification.status, verification.expires_at = status, expires_at
    verification.full_clean(validate_unique=False)
    verification.save()
    if status == IdVerificationStatus.APPROVED and not was_approved:
        signals.IDV_ATTEMPT_APPROVED.send(sender=IdVerification, user=user)
    return verification, created
