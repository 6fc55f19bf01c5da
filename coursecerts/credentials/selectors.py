"""Reads: an organisation's DID document, the live credential of a certificate."""

from __future__ import annotations

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.courses.models import Organization
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.loader import DID_V1, MULTIKEY_V1
from coursecerts.credentials.models import IssuerKey, OpenBadgeCredential
from coursecerts.credentials.services.issuance import certificate_facts
from coursecerts.credentials.signing import UnsignableDocument, check_strings


def organization_get_by_short_name(short_name: str) -> Organization | None:
    return Organization.objects.filter(short_name=short_name).first()


def did_document(*, organization: Organization) -> dict:
    """The organisation's did:web DID document: every unretired key as a Multikey verification method, all
    usable for assertionMethod (so credentials signed before a rotation keep verifying)."""
    did = did_for(organization.short_name)
    keys = IssuerKey.objects.filter(organization=organization, retired__isnull=True).order_by("created", "pk")
    methods = [
        {
            "id": f"{did}#{key.key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.public_key_multibase,
        }
        for key in keys
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


def certificate_credential_offered(*, certificate: GeneratedCertificate) -> bool:
    """Whether the certificate's page offers its credential: it has a live one, or it is downloadable and its
    facts can be signed, so that credential_for_certificate issues one when asked (a name or title with a
    control character cannot: issuance.credentials_issue). Reads only; the page never issues."""
    if OpenBadgeCredential.objects.filter(certificate=certificate, revoked__isnull=True).exists():
        return True
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        return False
    try:
        check_strings(certificate_facts(certificate).as_dict())
    except UnsignableDocument:
        return False
    return True
