"""Signing many credentials of one shape: the proof configuration is canonicalized once per (key, created),
each document through credentials.compiled when its shape is compiled, else pyld's full path."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from coursecerts.credentials import signing


def sign_many(
    documents: list[dict], *, private_key: Ed25519PrivateKey, verification_method: str, created: str
) -> list[dict]:
    """Each document with `proof` [one eddsa-rdfc-2022 DataIntegrityProof] (an array, as OB 3.0's JSON schema
    wants)."""
    signed = []
    config_cache: dict[tuple, str] = {}
    for document in documents:
        contexts = tuple(document["@context"])
        if contexts not in config_cache:
            proof = {
                "type": "DataIntegrityProof",
                "cryptosuite": signing.CRYPTOSUITE,
                "created": created,
                "verificationMethod": verification_method,
                "proofPurpose": "assertionMethod",
            }
            config_cache[contexts] = signing.canonize(signing.proof_configuration(document, proof))
        proof = signing.proof_create(
            document,
            private_key=private_key,
            verification_method=verification_method,
            created=created,
            canonical_config=config_cache[contexts],
        )
        signed.append({**document, "proof": [proof]})
    return signed
