"""The W3C vc-di-eddsa eddsa-rdfc-2022 test vector, reproduced byte for byte (vectors/vc-di-eddsa/SOURCE.md)."""

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from coursecerts.credentials import loader, signing
from coursecerts.credentials.multiformats import (
    multikey_private_raw,
    multikey_public,
    multikey_public_raw,
)

VECTORS = Path(__file__).parent / "vectors" / "vc-di-eddsa"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def vector_loader(url, options=None):
    if url == EXAMPLES_V2:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": json.loads((VECTORS / "examples-v2.jsonld").read_text()),
        }
    return loader.document_loader(url)


def read(name):
    return (VECTORS / name).read_text()


@pytest.fixture
def unsigned():
    return json.loads(read("unsigned.json"))


@pytest.fixture
def key_pair():
    return json.loads(read("keyPair.json"))


def test_the_document_canonicalizes_to_the_vectors_n_quads(unsigned):
    assert signing.canonize(unsigned, loader=vector_loader) == read("canonDocDataInt.txt")


def test_the_proof_configuration_canonicalizes_to_the_vectors_n_quads():
    config = json.loads(read("proofConfigDataInt.json"))
    assert signing.canonize(config, loader=vector_loader) == read("proofCanonDataInt.txt")


def test_the_hashes_match():
    config_hash, doc_hash = read("proofHashDataInt.txt").strip(), read("docHashDataInt.txt").strip()
    combined = signing.hash_data(read("proofCanonDataInt.txt"), read("canonDocDataInt.txt"))
    assert combined.hex() == config_hash + doc_hash == read("combinedHashDataInt.txt").strip()


def test_the_signature_and_signed_credential_match_byte_for_byte(unsigned, key_pair):
    private = Ed25519PrivateKey.from_private_bytes(multikey_private_raw(key_pair["privateKeyMultibase"]))
    assert multikey_public(private.public_key().public_bytes_raw()) == key_pair["publicKeyMultibase"]
    config = json.loads(read("proofConfigDataInt.json"))
    proof = signing.proof_create(
        unsigned,
        private_key=private,
        verification_method=config["verificationMethod"],
        created=config["created"],
        loader=vector_loader,
    )
    assert proof["proofValue"] == read("sigBTC58DataInt.txt").strip()
    signed = {**unsigned, "proof": proof}
    assert json.dumps(signed, sort_keys=True) == json.dumps(
        json.loads(read("signedDataInt.json")), sort_keys=True
    )


def test_the_vectors_signed_credential_verifies_and_a_tampered_copy_does_not(key_pair):
    signed = json.loads(read("signedDataInt.json"))
    public = Ed25519PublicKey.from_public_bytes(multikey_public_raw(key_pair["publicKeyMultibase"]))
    assert signing.proof_verify(signed, signed["proof"], public_key=public, loader=vector_loader) is True
    signed["credentialSubject"]["alumniOf"] = "The School of Forgery"
    assert signing.proof_verify(signed, signed["proof"], public_key=public, loader=vector_loader) is False


def test_the_loader_refuses_contexts_it_does_not_bundle():
    with pytest.raises(loader.UnknownContext):
        loader.document_loader(EXAMPLES_V2)
    with pytest.raises(loader.UnknownContext):
        loader.document_loader("http://169.254.169.254/latest/meta-data")
