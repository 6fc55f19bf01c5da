"""/certificates/<verify_uuid>/credential.json: the signed Open Badges credential of a valid certificate, under the
page's public rule (410 when withdrawn, 404 unknown), valid against 1EdTech's schema, accepted by an independent
verifier, and the very file the PDF carries."""

import io
import json

import pytest
from pypdf import PdfReader

from coursecerts.certificates.services import certificate_invalidate
from tests.credentials.ob3_schema import ob3_schema_errors

pytestmark = pytest.mark.django_db


def get(client, certificate, **params):
    return client.get(f"/certificates/{certificate.verify_uuid}/credential.json", params)


def test_a_valid_certificate_has_its_credential(client, certificate):
    response = get(client, certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert "Content-Disposition" not in response
    credential = json.loads(response.content)
    assert "OpenBadgeCredential" in credential["type"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Data Science 101"
    assert ob3_schema_errors(credential) == []


def test_download_asks_the_browser_to_save_it(client, certificate):
    response = get(client, certificate, download="1")
    assert response["Content-Disposition"] == 'attachment; filename="credential.json"'


def test_a_withdrawn_certificate_is_gone_and_an_unknown_one_not_found(client, certificate, staff):
    certificate_invalidate(certificate=certificate, source="test", actor=staff)
    assert get(client, certificate).status_code == 410
    assert client.get("/certificates/" + "0" * 32 + "/credential.json").status_code == 404


def test_the_pdf_carries_the_same_credential(client, certificate):
    served = get(client, certificate).content
    pdf = b"".join(client.get(f"/certificates/{certificate.verify_uuid}/pdf").streaming_content)
    assert dict(PdfReader(io.BytesIO(pdf)).attachments) == {"credential.json": [served]}
