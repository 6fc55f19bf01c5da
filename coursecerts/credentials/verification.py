"""credential_verify: what any verifier of an OpenBadgeCredential checks, answered with reasons."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils import timezone

from coursecerts.credentials import documents, signing
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.loader import PINNED
from coursecerts.credentials.models import IssuerKey, StatusList
from coursecerts.credentials.multiformats import multikey_public_raw

SCHEMA = Path(__file__).resolve().parent / "schema" / "achievementcredential.schema.json"


@dataclass(frozen=True)
class Check:
    name: str  # shape, issuer, signature, status
    passed: bool
    reason: str = ""


@dataclass
class CredentialVerification:
    ok: bool = False
    checks: list[Check] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # name, course, organization, date (what the credential says)
    status: str = ""  # "valid", "revoked", "expired" (past its validUntil), or "" when unknown

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "status": self.status,
            "checks": [{"name": c.name, "passed": c.passed, "reason": c.reason} for c in self.checks],
            "facts": self.facts,
        }


@cache
def _validator():
    schema = json.loads(SCHEMA.read_text())
    return jsonschema.Draft201909Validator(schema)


def _shape(document: dict) -> Check:
    if not isinstance(document, dict):
        return Check("shape", False, "A credential is a JSON object.")
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top)"
        return Check("shape", False, f"Not an Open Badges 3.0 credential: {where}: {errors[0].message[:200]}")
    types = document.get("type", [])
    if "OpenBadgeCredential" not in types and "AchievementCredential" not in types:
        return Check("shape", False, "Not an OpenBadgeCredential.")
    contexts = document.get("@context", [])
    unknown = [c for c in contexts if not isinstance(c, str) or c not in PINNED]
    if unknown:
        return Check("shape", False, f"Unknown JSON-LD context: {str(unknown[0])[:200]}.")
    return Check("shape", True)


def _facts(document: dict) -> dict:
    subject = document.get("credentialSubject") or {}
    subject = subject[0] if isinstance(subject, list) and subject else subject
    issuer = document.get("issuer") or {}
    achievement = subject.get("achievement") or {} if isinstance(subject, dict) else {}
    return {
        "name": subject.get("name", "") if isinstance(subject, dict) else "",
        "course": achievement.get("name", "") if isinstance(achievement, dict) else "",
        "organization": issuer.get("name", "") if isinstance(issuer, dict) else "",
        "date": document.get("validFrom", ""),
    }


def _issuer_key(document: dict, proof: dict) -> tuple[Check, IssuerKey | None]:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str):
        return Check("issuer", False, "The credential names no issuer."), None
    method = proof.get("verificationMethod", "")
    if not isinstance(method, str) or not method.startswith(f"{issuer_id}#"):
        return Check("issuer", False, "The proof is not by a key of the issuer."), None
    key_id = method.split("#", 1)[1]
    for key in IssuerKey.objects.filter(key_id=key_id, retired__isnull=True).select_related("organization"):
        if did_for(key.organization.short_name) == issuer_id:
            return Check("issuer", True), key
    return Check("issuer", False, "The issuer or its key is not one this service knows."), None


def _signature(document: dict, proof: dict, key: IssuerKey) -> Check:
    public = Ed25519PublicKey.from_public_bytes(multikey_public_raw(key.public_key_multibase))
    try:
        signing.check_strings(document)
        signing.expand_strict(signing.unsecured(document))
    except (signing.UnsignableDocument, ValueError) as exc:
        return Check("signature", False, f"The credential cannot be verified: {str(exc)[:200]}")
    if not signing.proof_verify(document, proof, public_key=public):
        return Check("signature", False, "The signature does not match: the credential was altered.")
    return Check("signature", True)


def _status(document: dict) -> tuple[Check, str]:
    from coursecerts.credentials.services.status import StatusListNotFound, status_list_credential

    entry = document.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return Check("status", False, "The credential has no status entry."), ""
    url, index = entry.get("statusListCredential", ""), entry.get("statusListIndex", "")
    prefix = documents.status_list_url("")
    list_id = url[len(prefix) :] if isinstance(url, str) and url.startswith(prefix) else ""
    try:
        index = int(index) if isinstance(index, str) and index.isdigit() else -1
        status_list = StatusList.objects.filter(public_id=uuid.UUID(list_id)).first()
    except ValueError:  # not a UUID: not one of our lists
        status_list = None
    if status_list is None or not 0 <= index < status_list.size:
        return Check("status", False, "The status list is not one this service publishes."), ""
    try:
        listed = status_list_credential(list_id=status_list.public_id)
    except StatusListNotFound:
        return Check("status", False, "The status list is not one this service publishes."), ""
    bits = documents.decode_bits(listed["credentialSubject"]["encodedList"])
    if documents.bit_is_set(bits, index):
        return Check("status", False, "The credential has been revoked."), "revoked"
    return _expiry(document)


def _expiry(document: dict) -> tuple[Check, str]:
    """Not revoked: valid, unless its `validUntil` has passed (ADR 0025: the certificate expired)."""
    valid_until = document.get("validUntil")
    if isinstance(valid_until, str) and valid_until:
        try:
            until = datetime.fromisoformat(valid_until.replace("Z", "+00:00"))
        except ValueError:
            return Check("status", False, "The credential's validUntil is not a date."), ""
        if until.tzinfo is not None and until <= timezone.now():
            return Check("status", False, f"The credential expired on {until.date().isoformat()}."), "expired"
    return Check("status", True), "valid"


def credential_verify(*, document: dict) -> CredentialVerification:
    """Check a credential as any verifier would: its shape (1EdTech's JSON schema, known contexts), its issuer
    (an organisation of this service and one of its listed keys), its signature (eddsa-rdfc-2022) and its
    status (the bit in the signed status list). `ok` only if every check passed."""
    result = CredentialVerification()
    shape = _shape(document)
    result.checks.append(shape)
    if not shape.passed:
        return result
    result.facts = _facts(document)
    proofs = document.get("proof")
    proof = proofs[0] if isinstance(proofs, list) and proofs else proofs
    if not isinstance(proof, dict):
        result.checks.append(Check("signature", False, "The credential has no proof."))
        return result
    issuer, key = _issuer_key(document, proof)
    result.checks.append(issuer)
    result.checks.append(
        _signature(document, proof, key) if key else Check("signature", False, "No key to check.")
    )
    status, result.status = _status(document)
    result.checks.append(status)
    result.ok = all(c.passed for c in result.checks)
    return result
