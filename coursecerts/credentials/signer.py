"""Signing many credentials: canonicalization through credentials.compiled (the expansion compiled once per
document shape, pyld's full path for anything it cannot take), then SHA-256 and Ed25519 per document."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coursecerts.credentials import compiled, signing


def proof_configuration(document: dict, *, verification_method: str, created: str) -> dict:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": signing.CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }


def sign_many(
    documents: list[dict], *, private_key: Ed25519PrivateKey, verification_method: str, created: str
) -> list[dict]:
    """Each document with `proof` [one eddsa-rdfc-2022 DataIntegrityProof] (an array, as OB 3.0's JSON schema
    wants). Strings with control characters and undefined terms are refused (signing.UnsignableDocument)."""
    signed = []
    configs: dict[tuple, str] = {}  # the proof configuration differs only by the document's @context
    for document in documents:
        contexts = tuple(document["@context"])
        if contexts not in configs:
            config = proof_configuration(document, verification_method=verification_method, created=created)
            configs[contexts] = compiled.canonize(config)
        proof = signing.proof_create(
            document,
            private_key=private_key,
            verification_method=verification_method,
            created=created,
            canonical_config=configs[contexts],
            canonical_document=compiled.canonize(signing.unsecured(document)),
            checked=True,  # compiled.canonize refused control characters
        )
        signed.append({**document, "proof": [proof]})
    return signed
