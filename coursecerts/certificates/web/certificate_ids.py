"""A certificate's id as people type, paste or link it: 32 lower-case hexadecimal digits once normalised."""

from __future__ import annotations

import re
from urllib.parse import urlparse

_CANONICAL = re.compile(r"[0-9a-f]{32}")
_DECORATION = re.compile(r"[\s{}-]|^urn:uuid:", re.I)


def canonical_certificate_id(text: str | None) -> str | None:
    """The id in `text`, or None: case, dashes, braces and spaces are normalised ('0123ABCD-...' or
    '{0123abcd-...}'), and a certificate's URL, of its page or its PDF, gives its id."""
    text = (text or "").strip()
    if "/" in text:
        segments = [s for s in urlparse(text).path.split("/") if s]
        if segments and segments[-1].lower() == "pdf":
            segments.pop()
        text = segments[-1] if segments else ""
    if text.lower().endswith(".pdf"):
        text = text[: -len(".pdf")]
    candidate = _DECORATION.sub("", text).lower()
    return candidate if _CANONICAL.fullmatch(candidate) else None
