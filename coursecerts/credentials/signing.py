"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa, section 3.3):

transformation: the document without `proof`, and the proof configuration (the proof without `proofValue`,
with the document's `@context`), each canonicalized with RDFC-1.0 into N-Quads;
hashing: SHA-256(canonical proof configuration) || SHA-256(canonical document), 64 bytes;
signing: Ed25519 over those 64 bytes; `proofValue` is multibase base58btc.

Before signing, the document is checked: every term must be defined by its contexts (pyld silently drops the
others, and a strict verifier then fails the signature) and no string may hold a control character (pyld
escapes fewer of them than other canonicalizers)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld
from pyld.canon import URDNA2015

from coursecerts.credentials.loader import document_loader
from coursecerts.credentials.multiformats import from_multibase_b58, multibase_b58

CRYPTOSUITE = "eddsa-rdfc-2022"
UNDEFINED = "urn:coursecerts:undefined-term#"  # a @vocab appended only to find terms no context defines


class UnsignableDocument(ValueError):
    """The document cannot be signed faithfully (an undefined term, a control character)."""


@dataclass(frozen=True)
class Timings:
    """Seconds spent per step of one signature (bench/credentials.py)."""

    expansion: float = 0.0
    canonicalization: float = 0.0
    hashing: float = 0.0
    ed25519: float = 0.0


CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc, exactly


def check_strings(value, path: str = "$") -> None:
    """Refuse strings with control characters (Unicode category Cc), anywhere in the document."""
    if isinstance(value, str):
        if CONTROL.search(value):
            raise UnsignableDocument(f"{path} contains a control character")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_strings(key, path)
            check_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_strings(item, f"{path}[{i}]")


def expand_strict(document: dict, *, loader=document_loader) -> list:
    """The document expanded with the bundled contexts; raises UnsignableDocument if a term or type is not
    defined by them (found by expanding with an extra @vocab put first: a context's own @vocab still wins,
    and only terms nothing defines land in ours)."""
    probe = dict(document)
    contexts = probe.get("@context", [])
    probe["@context"] = [{"@vocab": UNDEFINED}, *(contexts if isinstance(contexts, list) else [contexts])]
    expanded = jsonld.expand(probe, {"documentLoader": loader})
    undefined = sorted(_undefined_terms(expanded))
    if undefined:
        raise UnsignableDocument(f"terms not defined by the document's contexts: {', '.join(undefined)}")
    return expanded


def _undefined_terms(node) -> set[str]:
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _undefined_terms(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key.startswith(UNDEFINED):
                found.add(key[len(UNDEFINED) :])
            if key == "@type":
                for iri in value if isinstance(value, list) else [value]:
                    if isinstance(iri, str) and iri.startswith(UNDEFINED):
                        found.add(iri[len(UNDEFINED) :])
            found |= _undefined_terms(value)
    return found


def canonize_expanded(expanded: list, *, loader=document_loader) -> str:
    """RDFC-1.0 (pyld's URDNA2015, the same algorithm) canonical N-Quads of an expanded document."""
    dataset = jsonld.to_rdf(expanded, {"documentLoader": loader})
    return URDNA2015().main(dataset, {"format": "application/n-quads"})


def canonize(document: dict, *, loader=document_loader) -> str:
    """Full path: strict expansion, then RDFC-1.0 canonical N-Quads."""
    return canonize_expanded(expand_strict(document, loader=loader), loader=loader)


def canonize_plain(document: dict, *, loader=document_loader) -> str:
    """pyld's own normalize with URDNA2015 (RDFC-1.0), no strictness: the reference the faster paths are
    compared with, and what a verifier computes over a document it did not write."""
    return jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader},
    )


def proof_configuration(document: dict, proof: dict) -> dict:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = document["@context"]
    return config


def hash_data(canonical_config: str, canonical_document: str) -> bytes:
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def unsecured(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


def proof_create(
    document: dict,
    *,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    canonical_document: str | None = None,
    canonical_config: str | None = None,
    loader=document_loader,
    checked: bool = False,
) -> dict:
    """A DataIntegrityProof (eddsa-rdfc-2022, proofPurpose assertionMethod) over `document` (without its
    proof). `canonical_*` may be given by a caller that computed them faster (credentials.compiled)."""
    if not checked:  # credentials.compiled checks the strings it canonicalizes (`checked`)
        check_strings(document)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    doc = unsecured(document)
    if canonical_config is None:
        canonical_config = canonize(proof_configuration(doc, proof), loader=loader)
    if canonical_document is None:
        canonical_document = canonize(doc, loader=loader)
    signature = private_key.sign(hash_data(canonical_config, canonical_document))
    return {**proof, "proofValue": multibase_b58(signature)}


def proof_verify(
    document: dict, proof: dict, *, public_key: Ed25519PublicKey, loader=document_loader
) -> bool:
    """Whether `proof` is a valid eddsa-rdfc-2022 proof of `document` (its other proofs left out) by the key.
    Canonicalizes what the document says with pyld as it comes (undefined terms are a failure)."""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return False
    try:
        signature = from_multibase_b58(proof.get("proofValue", ""))
        doc = unsecured(document)
        canonical_document = canonize(doc, loader=loader)
        canonical_config = canonize(proof_configuration(doc, proof), loader=loader)
        public_key.verify(signature, hash_data(canonical_config, canonical_document))
    except (InvalidSignature, ValueError):
        return False
    return True
