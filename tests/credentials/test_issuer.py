"""The organisation is the issuer: a did:web DID served as did.json, Ed25519 keys as Multikey verification
methods, private keys encrypted at rest, rotation that keeps old credentials verifying; and the status list a
verifier fetches."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from coursecerts.credentials import checks, documents, loader
from coursecerts.credentials.dids import did_for, did_url_from_did
from coursecerts.credentials.models import IssuerKey
from coursecerts.credentials.multiformats import multikey_public_raw
from coursecerts.credentials.services.issuance import credential_for_certificate
from coursecerts.credentials.services.keys import issuer_key_signing
from coursecerts.credentials.signing import proof_verify
from coursecerts.credentials.verification import credential_verify
from tests.factories import GeneratedCertificateFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(course):
    return GeneratedCertificateFactory(course=course, name="Ada Lovelace", course_title="Data Science 101")


@override_settings(SITE_URL="https://certs.example.org:8443/cc")
def test_the_did_web_id_maps_to_did_json_under_site_url_as_the_did_web_spec_says():
    did = did_for("MITx")
    assert did == "did:web:certs.example.org%3A8443:cc:issuers:MITx"
    assert did_url_from_did(did) == "https://certs.example.org:8443/cc/issuers/MITx/did.json"


def test_did_json_lists_the_organisations_keys_as_multikey_assertion_methods(client, certificate):
    document = credential_for_certificate(certificate=certificate)
    organization = certificate.course.organization
    response = client.get(f"/issuers/{organization.short_name}/did.json")
    assert response.status_code == 200
    did = response.json()
    assert did["id"] == document["issuer"]["id"] == did_for(organization.short_name)
    [method] = did["verificationMethod"]
    assert (method["type"], method["controller"]) == ("Multikey", did["id"])
    assert method["publicKeyMultibase"].startswith("z6Mk")
    assert did["assertionMethod"] == [method["id"]] == [document["proof"][0]["verificationMethod"]]
    assert did["@context"] == [loader.DID_V1, loader.MULTIKEY_V1]


def test_an_issuer_whose_credentials_are_not_asked_for_yet_already_lists_the_key_that_will_sign_them(
    client, certificate
):
    organization = certificate.course.organization
    assert not IssuerKey.objects.filter(organization=organization).exists()  # generation makes no key
    did = client.get(f"/issuers/{organization.short_name}/did.json").json()
    [method] = did["verificationMethod"]
    assert client.get(f"/issuers/{organization.short_name}/did.json").json() == did  # made once
    document = credential_for_certificate(certificate=certificate)
    assert document["proof"][0]["verificationMethod"] == method["id"]


def test_an_unknown_issuer_is_404(client, db):
    assert client.get("/issuers/nobody/did.json").status_code == 404


def test_private_keys_are_stored_encrypted(db):
    key, private = issuer_key_signing(organization=OrganizationFactory())
    raw = private.private_bytes_raw()
    stored = bytes(IssuerKey.objects.get(pk=key.pk).private_key_encrypted)
    assert raw not in stored and len(stored) > 64
    assert multikey_public_raw(key.public_key_multibase) == private.public_key().public_bytes_raw()


def test_rotation_signs_with_the_new_key_and_old_credentials_keep_verifying(client, course):
    old_certificate = GeneratedCertificateFactory(course=course, name="Old Learner")
    old = credential_for_certificate(certificate=old_certificate)
    out = StringIO()
    call_command("rotate_issuer_key", course.organization.short_name, stdout=out)
    assert "key-2 now signs" in out.getvalue()
    new = credential_for_certificate(
        certificate=GeneratedCertificateFactory(course=course, name="New Learner")
    )
    assert old["proof"][0]["verificationMethod"].endswith("#key-1")
    assert new["proof"][0]["verificationMethod"].endswith("#key-2")
    did = client.get(f"/issuers/{course.organization.short_name}/did.json").json()
    assert [m["id"].rsplit("#", 1)[1] for m in did["verificationMethod"]] == ["key-1", "key-2"]
    assert credential_verify(document=old).ok and credential_verify(document=new).ok
    call_command("rotate_issuer_key", course.organization.short_name, "--retire", "key-1", stdout=StringIO())
    assert credential_verify(document=old).ok is False  # retired explicitly: no longer listed


def test_the_key_encryption_key_is_required_outside_the_embedded_default(settings, monkeypatch):
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = ""
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", "django.db.backends.postgresql")
    assert [e.id for e in checks.check_key_encryption_key()] == ["credentials.E001"]
    settings.CREDENTIALS_KEY_ENCRYPTION_KEY = "Y3JlZGVudGlhbHMtdGVzdC1vbmx5LWtlay0zMmJ5dGU="
    assert checks.check_key_encryption_key() == []


def test_the_status_list_is_a_signed_bitstring_of_131072_entries_msb_first(client, certificate):
    document = credential_for_certificate(certificate=certificate)
    entry = document["credentialStatus"]
    assert (entry["type"], entry["statusPurpose"]) == ("BitstringStatusListEntry", "revocation")
    assert isinstance(entry["statusListIndex"], str)
    url = entry["statusListCredential"]
    response = client.get(url.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    listed = response.json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"]["id"] == document["issuer"]["id"]  # verifiers check the issuers match
    subject = listed["credentialSubject"]
    assert subject["encodedList"].startswith("u") and subject["statusPurpose"] == "revocation"
    bits = documents.decode_bits(subject["encodedList"])
    assert len(bits) * 8 >= 131_072 and not any(bits)
    key = IssuerKey.objects.get()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(multikey_public_raw(key.public_key_multibase))
    assert proof_verify(listed, listed["proof"][0], public_key=public)


def test_bit_order_is_most_significant_first():
    bits = documents.decode_bits(documents.encode_bits([0, 9, 131_071], 131_072))
    assert (bits[0], bits[1], bits[-1]) == (0b1000_0000, 0b0100_0000, 0b0000_0001)


def test_a_bundled_context_whose_bytes_changed_is_refused(monkeypatch):
    loader.context_document.cache_clear()
    name, _ = loader.PINNED[loader.OB_V3]
    monkeypatch.setitem(loader.PINNED, loader.OB_V3, (name, "0" * 64))
    with pytest.raises(loader.ContextTampered):
        loader.document_loader(loader.OB_V3)
    loader.context_document.cache_clear()
