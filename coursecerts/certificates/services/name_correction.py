"""Name corrections (ADR 0024): a learner asks for another name on an issued certificate, through the platform's
API call or a signed link; the run's instructors or global staff approve or refuse it with a note; approval
reissues the certificate with that name (services.generation.certificate_reissue_with_name): same verify_uuid
and URL, history, event, a new Open Badges credential, new PDFs.

Open edX's verified-name rule stays: a learner whose certificates print their verified name (they chose it, and
they have one) changes it through ID verification on the platform, not here."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from coursecerts.certificates.models import (
    CertificateStatuses,
    GeneratedCertificate,
    NameCorrectionRequest,
    NameCorrectionStatuses,
)
from coursecerts.certificates.services.generation import certificate_reissue_with_name
from coursecerts.common import signals
from coursecerts.common.errors import ApplicationError
from coursecerts.learners.models import LearnerProfile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

CHANNEL_API = "api"
CHANNEL_LINK = "link"
SOURCE = "name_correction"
REASON_MAX_LENGTH = 2000
_LINK_SALT = "coursecerts.certificates.name_correction"


class NameCorrectionError(ApplicationError):
    """A name correction refused; `extra["code"]` names why (the API's error_code)."""


def _refuse(code: str, message: str, status: int = 409) -> NameCorrectionError:
    return NameCorrectionError(message, extra={"code": code, "status": status})


# --- asking -------------------------------------------------------------------------------------------------


@transaction.atomic
def name_correction_request(
    *,
    certificate: GeneratedCertificate,
    requested_name: str,
    reason: str = "",
    channel: str,
    requested_by: User | None,
) -> NameCorrectionRequest:
    """Record the learner's request for `requested_name` on `certificate` (pending). Refused (409) when the
    certificate is not downloadable, prints the learner's verified name, already waits on a request, or already
    prints that name; a blank name or one with control characters is invalid input (400)."""
    certificate = GeneratedCertificate.objects.select_for_update().get(pk=certificate.pk)
    requested_name = " ".join(requested_name.split())
    _check_can_ask(certificate, requested_name, reason)
    correction = NameCorrectionRequest(
        certificate=certificate,
        user_id=certificate.user_id,
        current_name=certificate.name,
        requested_name=requested_name,
        reason=reason.strip(),
        channel=channel,
        requested_by=requested_by,
    )
    correction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError:  # another request won the race for the one pending slot
        raise _pending(certificate) from None
    log.info(
        "name correction %s asked for certificate %s (%s)", correction.pk, certificate.verify_uuid, channel
    )
    return correction


def _check_can_ask(certificate: GeneratedCertificate, requested_name: str, reason: str) -> None:
    if not requested_name:
        raise _refuse("invalid_input", "The requested name is empty.", status=400)
    if len(reason) > REASON_MAX_LENGTH:
        raise _refuse(
            "invalid_input", f"The reason is longer than {REASON_MAX_LENGTH} characters.", status=400
        )
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        raise _refuse(
            "certificate_not_downloadable",
            f"This certificate is {certificate.status}: only a valid certificate's name can be corrected.",
        )
    if prints_verified_name(certificate.user_id):
        raise _refuse(
            "verified_name_in_use",
            "This certificate prints the learner's verified name: change it through ID verification on the "
            "learning platform, then ask for the certificate to be regenerated.",
        )
    if certificate.name_corrections.filter(status=NameCorrectionStatuses.PENDING).exists():
        raise _pending(certificate)
    if requested_name == certificate.name:
        raise _refuse("name_unchanged", "The certificate already prints this name.", status=400)


def _pending(certificate) -> NameCorrectionError:
    return _refuse(
        "name_correction_pending",
        f"A name correction of certificate {certificate.verify_uuid} is already waiting for a decision.",
    )


def prints_verified_name(user_id: int) -> bool:
    """Open edX's rule (name-affirmation): the learner chose to print their verified name and has one."""
    profiles = LearnerProfile.objects.filter(user_id=user_id)
    profile = profiles.only("verified_name", "use_verified_name_for_certificates").first()
    return bool(profile and profile.use_verified_name_for_certificates and profile.verified_name)


# --- deciding -----------------------------------------------------------------------------------------------


@transaction.atomic
def name_correction_approve(
    *, correction: NameCorrectionRequest, actor: User, note: str = ""
) -> NameCorrectionRequest:
    """Approve a pending request: the certificate is reissued with the requested name (history: this request,
    who decided and why), and the learner is told (NAME_CORRECTION_DECIDED, in this transaction)."""
    correction = _lock_pending(correction)
    certificate = certificate_reissue_with_name(
        certificate=correction.certificate,
        name=correction.requested_name,
        source=SOURCE,
        actor=actor,
        note=_history_note(correction, note),
    )
    return _decide(
        correction, NameCorrectionStatuses.APPROVED, actor=actor, note=note, certificate=certificate
    )


@transaction.atomic
def name_correction_refuse(
    *, correction: NameCorrectionRequest, actor: User, note: str
) -> NameCorrectionRequest:
    """Refuse a pending request; the note (required) says why, and the learner is told."""
    if not note.strip():
        raise _refuse("note_required", "Say why the correction is refused: the learner reads the note.", 400)
    correction = _lock_pending(correction)
    return _decide(correction, NameCorrectionStatuses.REFUSED, actor=actor, note=note)


def _lock_pending(correction: NameCorrectionRequest) -> NameCorrectionRequest:
    locked = (
        NameCorrectionRequest.objects.select_for_update().select_related("certificate").get(pk=correction.pk)
    )
    if locked.status != NameCorrectionStatuses.PENDING:
        raise _refuse("name_correction_decided", f"This name correction was already {locked.status}.")
    return locked


def _decide(correction, status: str, *, actor, note: str, certificate=None) -> NameCorrectionRequest:
    correction.status, correction.decided_by, correction.decided_at = status, actor, timezone.now()
    correction.note = note.strip()
    if certificate is not None:
        correction.certificate = certificate
    correction.save(update_fields=["status", "decided_by", "decided_at", "note", "modified"])
    signals.NAME_CORRECTION_DECIDED.send(sender=NameCorrectionRequest, correction=correction)
    log.info("name correction %s %s by %s", correction.pk, status, actor.username)
    return correction


def _history_note(correction: NameCorrectionRequest, note: str) -> str:
    parts = [f"Name correction #{correction.pk} approved"]
    if correction.reason:
        parts.append(f"learner's reason: {correction.reason}")
    if note.strip():
        parts.append(f"note: {note.strip()}")
    return "; ".join(parts)


# --- the signed link ----------------------------------------------------------------------------------------


def name_correction_token(certificate: GeneratedCertificate) -> str:
    """A signed, expiring token naming the certificate and its learner: who holds it may ask for a correction
    of that one certificate (the email or the platform hands it to the learner)."""
    return signing.dumps(
        {"c": certificate.verify_uuid, "u": certificate.user_id}, salt=_LINK_SALT, compress=True
    )


def name_correction_token_certificate(token: str) -> GeneratedCertificate | None:
    """The certificate a token names, or None when the token is forged, expired (NAME_CORRECTION_LINK_MAX_AGE_DAYS)
    or names a certificate that is no longer its learner's."""
    max_age = settings.NAME_CORRECTION_LINK_MAX_AGE_DAYS * 86400
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not isinstance(data.get("c"), str):
        return None
    return (
        GeneratedCertificate.objects.select_related("course__organization")
        .filter(verify_uuid=data["c"], user_id=data["u"])
        .first()
    )


def name_correction_url(certificate: GeneratedCertificate) -> str:
    """The absolute address of the learner's form for this certificate (web.name_correction), on SITE_URL."""
    return f"{settings.SITE_URL}/certificates/name-correction/{name_correction_token(certificate)}"


def name_corrections_blank_for_user(*, user_id: int) -> int:
    """Retirement: the names and reasons of the learner's requests go (ADR 0012). Returns how many rows."""
    return (
        NameCorrectionRequest.objects.filter(user_id=user_id)
        .exclude(current_name="", requested_name="", reason="")
        .update(current_name="", requested_name="", reason="")
    )
