"""The unsigned documents: an OpenBadgeCredential from a certificate's facts, a BitstringStatusListCredential
from its bits. Pure functions: no database, no keys."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings

from coursecerts.credentials.loader import OB_V3, VC_V2
from coursecerts.credentials.multiformats import from_multibase_b64url, multibase_b64url

CONTEXTS = [VC_V2, OB_V3]


@dataclass(frozen=True)
class Facts:
    """What the page, the PDF and the credential all say, from the certificate's frozen record."""

    name: str  # the learner's name as printed
    course: str  # the course title as printed
    organization: str  # the organisation's name
    date: str  # the printed date, XMLSchema dateTime in UTC ("2026-12-01T00:00:00Z")
    course_key: str = ""
    mode: str = ""
    valid_until: str = ""  # the expiry date fixed at issue (ADR 0025), as `date`; "" when it never expires

    def as_dict(self) -> dict:
        facts = {
            "name": self.name,
            "course": self.course,
            "organization": self.organization,
            "date": self.date,
            "course_key": self.course_key,
            "mode": self.mode,
        }
        # only when set: the facts stored with credentials issued before expiry existed stay equal
        return facts | {"valid_until": self.valid_until} if self.valid_until else facts


def xsd_datetime(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_id(short_name: str, course_key: str) -> str:
    issuer = quote(short_name, safe="")
    return f"{settings.SITE_URL.rstrip('/')}/issuers/{issuer}/achievements/{quote(course_key, safe='')}"


def status_list_url(list_id) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/credentials/status/{list_id}"


def open_badge_credential(
    *,
    credential_id: str,
    facts: Facts,
    issuer_did: str,
    organization_short_name: str,
    valid_from: str,
    status_list_id,
    status_index: int,
) -> dict:
    """An unsigned OpenBadgeCredential (OB 3.0 on VC 2.0). The learner is named by `credentialSubject.name`
    (schema:name) and by an IdentityObject of type name, since OB 3.0 asks for an `id` or an `identifier`
    and coursecerts gives learners no identifier of their own. A certificate that expires has `validUntil`
    (its expiry date, fixed at issue: ADR 0025), which verifiers and wallets read."""
    list_url = status_list_url(status_list_id)
    document = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.course,
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": facts.organization,
            "url": settings.SITE_URL,
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": facts.name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": facts.name,
                    "identityType": "name",
                    "hashed": False,
                }
            ],
            "achievement": {
                "id": achievement_id(organization_short_name, facts.course_key),
                "type": ["Achievement"],
                "name": facts.course,
                "description": f"{facts.course}, a course of {facts.organization} ({facts.course_key}).",
                "criteria": {
                    "narrative": f"Earned a passing grade in {facts.course} ({facts.course_key}).",
                },
            },
        },
        "credentialStatus": {
            "id": f"{list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": list_url,
        },
    }
    if facts.valid_until:
        document["validUntil"] = facts.valid_until
    return document


def encode_bits(indexes, size: int) -> str:
    """The Bitstring Status List `encodedList`: bit i is byte i // 8, bit 7 - i % 8 (most significant first),
    GZIP-compressed, then multibase base64url (prefix 'u', no padding)."""
    bits = bytearray(size // 8)
    for i in indexes:
        bits[i // 8] |= 0x80 >> (i % 8)
    return multibase_b64url(gzip.compress(bytes(bits), mtime=0))


def decode_bits(encoded: str) -> bytes:
    return gzip.decompress(from_multibase_b64url(encoded))


def bit_is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    *, list_id, issuer_did: str, organization_name: str, encoded_list: str, valid_from: str, valid_until: str
) -> dict:
    url = status_list_url(list_id)
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": {"id": issuer_did, "name": organization_name},
        "validFrom": valid_from,
        "validUntil": valid_until,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_list,
        },
    }
