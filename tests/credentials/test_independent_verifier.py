"""The independent verifier itself is right before it judges coursecerts: it accepts the W3C vc-di-eddsa
eddsa-rdfc-2022 test vector and refuses a tampered copy of it."""

import copy
import json
from pathlib import Path

VECTORS = Path(__file__).parent / "vectors"
W3C_ISSUER = "https://vc.example/issuers/5678"
W3C_KEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"  # TestVectors/keyPair.json


def _w3c_vector():
    credential = json.loads((VECTORS / "vc-di-eddsa-rdfc-2022-signed.json").read_text())
    method = f"{W3C_ISSUER}#{W3C_KEY}"
    documents = {
        "https://www.w3.org/ns/credentials/examples/v2": {
            "@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}
        },
        W3C_ISSUER: {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": W3C_ISSUER,
            "verificationMethod": [
                {"id": method, "type": "Multikey", "controller": W3C_ISSUER, "publicKeyMultibase": W3C_KEY}
            ],
            "assertionMethod": [method],
        },
    }
    return credential, documents


def test_it_accepts_the_w3c_test_vector(js_verify):
    credential, documents = _w3c_vector()
    answer = js_verify(credential, documents)
    assert answer["signature"] == {"verified": True, "errors": []}
    assert answer["verified"] is True


def test_it_refuses_a_tampered_w3c_test_vector(js_verify):
    credential, documents = _w3c_vector()
    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    answer = js_verify(tampered, documents)
    assert answer["verified"] is False
    assert answer["signature"]["verified"] is False


def test_it_never_fetches_an_unknown_document(js_verify):
    """Without the issuer's document the verifier fails; it does not go to the network for it."""
    credential, documents = _w3c_vector()
    del documents[W3C_ISSUER]
    answer = js_verify(credential, documents)
    assert answer["verified"] is False
    assert any("no document for" in error for error in answer["signature"]["errors"])
