"""A downloadable certificate's credential: issued once and frozen, signed, valid against 1EdTech's schema,
verifiable; revoked for good when the certificate stops being downloadable."""

import json
from pathlib import Path

import jsonschema
import pytest

from coursecerts.certificates.models import CertificateStatuses
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.credentials.services.issuance import CredentialNotAvailable, credential_for_certificate
from coursecerts.credentials.verification import credential_verify
from tests.factories import GeneratedCertificateFactory

SCHEMA = Path(__file__).parents[2] / "coursecerts/credentials/schema/achievementcredential.schema.json"


@pytest.fixture
def certificate(db, course):
    return GeneratedCertificateFactory(course=course, name="Ada Lovelace", course_title="Data Science 101")


def test_a_downloadable_certificate_gets_a_signed_open_badge_credential(certificate):
    document = credential_for_certificate(certificate=certificate)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["credentialSubject"]["name"] == "Ada Lovelace"
    assert document["credentialSubject"]["achievement"]["name"] == "Data Science 101"
    assert document["issuer"]["id"].startswith("did:web:")
    [proof] = document["proof"]
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text())).validate(document)
    result = credential_verify(document=document)
    assert result.ok, result.checks
    assert result.status == "valid"
    assert result.facts["name"] == "Ada Lovelace"


def test_the_credential_is_issued_once_and_stored_frozen(certificate):
    first = credential_for_certificate(certificate=certificate)
    assert credential_for_certificate(certificate=certificate) == first
    assert OpenBadgeCredential.objects.filter(certificate=certificate).count() == 1


def test_a_certificate_that_is_not_downloadable_has_no_credential(db, course):
    certificate = GeneratedCertificateFactory(course=course, status=CertificateStatuses.NOTPASSING)
    with pytest.raises(CredentialNotAvailable):
        credential_for_certificate(certificate=certificate)


def test_a_tampered_credential_fails_verification(certificate):
    document = credential_for_certificate(certificate=certificate)
    document["credentialSubject"]["name"] = "Mallory"
    result = credential_verify(document=document)
    assert result.ok is False
    assert {c.name: c.passed for c in result.checks}["signature"] is False
