"""POST /api/v1/credentials/verify on real credentials: one coursecerts issued verifies, with what it says; a
tampered copy fails its signature; a revoked one fails its status; the same answers from a form upload."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coursecerts.certificates.services import certificate_invalidate
from coursecerts.credentials.services.issuance import credential_for_certificate

pytestmark = pytest.mark.django_db
URL = "/api/v1/credentials/verify"


@pytest.fixture
def credential(certificate):
    return credential_for_certificate(certificate=certificate)


def verify(client, credential):
    return client.generic("POST", URL, json.dumps(credential), content_type="application/json")


def test_a_credential_coursecerts_issued_verifies(anonymous, certificate, credential):
    response = verify(anonymous, credential)
    assert response.status_code == 200
    body = response.json()
    assert body["verified"] is True, body["checks"]
    assert body["status"] == "valid"
    assert all(check["passed"] for check in body["checks"])
    assert body["credential"]["name"] == certificate.name


def test_a_tampered_credential_fails_its_signature(anonymous, credential):
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["name"] = "Mallory"
    body = verify(anonymous, tampered).json()
    assert body["verified"] is False
    signature = next(check for check in body["checks"] if check["name"] == "signature")
    assert signature["passed"] is False and signature["reason"]


def test_a_revoked_credential_fails_its_status(anonymous, certificate, credential, staff):
    certificate_invalidate(certificate=certificate, source="test", actor=staff)
    body = verify(anonymous, credential).json()
    assert body["verified"] is False
    assert body["status"] == "revoked"


def test_an_uploaded_file_is_verified_the_same(anonymous, credential):
    upload = SimpleUploadedFile(
        "credential.json", json.dumps(credential).encode(), content_type="application/json"
    )
    body = anonymous.post(URL, {"file": upload}, format="multipart").json()
    assert body["verified"] is True
