"""Date overrides: change the date printed on one certificate (never its visibility)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from coursecerts.certificates.events import certificate_changed_on_commit
from coursecerts.certificates.models import CertificateDateOverride, CertificateHistory, GeneratedCertificate
from coursecerts.common.errors import ApplicationError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class DateOverrideError(ApplicationError):
    pass


@transaction.atomic
def date_override_set(
    *, certificate: GeneratedCertificate, date: datetime, reason: str, actor: User
) -> CertificateDateOverride:
    """Create or replace the certificate's date override; the admin who set it is recorded."""
    if not (reason or "").strip():
        raise DateOverrideError("A reason is required to override a certificate's date.")
    override, _ = CertificateDateOverride.objects.update_or_create(
        generated_certificate=certificate, defaults={"date": date, "reason": reason, "overridden_by": actor}
    )
    _note(certificate, actor, f"date override set to {date.date().isoformat()}: {reason}")
    return override


@transaction.atomic
def date_override_put(
    *, certificate: GeneratedCertificate, date: datetime, reason: str, actor: User
) -> tuple[CertificateDateOverride, bool]:
    """The API's idempotent PUT of date_override_set. Returns (override, created). The certificate is locked
    first, so parallel callers create the override once: one creates, the others replace it."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    created = not CertificateDateOverride.objects.filter(generated_certificate=certificate).exists()
    return date_override_set(certificate=certificate, date=date, reason=reason, actor=actor), created


@transaction.atomic
def date_override_remove(*, certificate: GeneratedCertificate, actor: User | None) -> bool:
    deleted, _ = CertificateDateOverride.objects.filter(generated_certificate=certificate).delete()
    if deleted:
        _note(certificate, actor, "date override removed")
    return bool(deleted)


def _note(certificate: GeneratedCertificate, actor, note: str) -> None:
    """A history row that changes no tracked field, and the COURSE_CERT_CHANGED signal (as Open edX)."""
    same = {
        f"{f}_{when}": getattr(certificate, f)
        for f in ("status", "mode", "grade", "name")
        for when in ("before", "after")
    }
    CertificateHistory.objects.create(
        certificate=certificate, source="date_override", actor=actor, note=note, **same
    )
    certificate_changed_on_commit(
        certificate=certificate, status_before=certificate.status, source="date_override"
    )
