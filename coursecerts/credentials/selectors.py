"""Reads: an organisation's DID document, the live credential of a certificate."""

from __future__ import annotations

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.courses.models import Organization
from coursecerts.credentials.dids import did_for
from coursecerts.credentials.loader import DID_V1, MULTIKEY_V1
from coursecerts.credentials.models import IssuerKey
from coursecerts.credentials.services.issuance import certificate_facts
from coursecerts.credentials.signing import UnsignableDocument, check_strings


def organization_get_by_short_name(short_name: str) -> Organization | None:
    return Organization.objects.filter(short_name=short_name).first()


def issuer_has_key(*, organization: Organization) -> bool:
    """Whether the organisation has a key that is not retired."""
    return IssuerKey.objects.filter(organization=organization, retired__isnull=True).exists()


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
    """Whether the certificate's page offers its credential: it is downloadable and what it says can be signed,
    so it has a live credential or credential_for_certificate issues one when asked (a name or title with a
    control character cannot be signed: issuance.credentials_issue, and a change to one revokes the credential
    that was). Computed from the certificate already loaded: no query, so the page's first render costs none
    more; the page never issues."""
    if certificate.status != CertificateStatuses.DOWNLOADABLE:
        return False
    try:
        check_strings(certificate_facts(certificate).as_dict())
    except UnsignableDocument:
        return False
    return True
