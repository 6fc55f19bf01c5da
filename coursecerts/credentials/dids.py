"""did:web identifiers of issuers (W3C did:web method: the DID's colon-separated path maps to
https://<host>/<path>/did.json; a port is written %3A in the host)."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from django.conf import settings


def did_for(short_name: str) -> str:
    """did:web:<host>[%3A<port>]:<SITE_URL path segments>:issuers:<short name>"""
    url = urlsplit(settings.SITE_URL)
    host = url.hostname or "localhost"
    if url.port:
        host += f"%3A{url.port}"
    segments = [s for s in url.path.split("/") if s] + ["issuers", short_name]
    return ":".join(["did:web", host, *(quote(s, safe="") for s in segments)])


def did_document_url(short_name: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/issuers/{quote(short_name, safe='')}/did.json"


def did_url_from_did(did: str) -> str | None:
    """The https URL a did:web resolver fetches for `did` (None if not a did:web)."""
    if not did.startswith("did:web:"):
        return None
    host, *path = did[len("did:web:") :].split(":")
    host = host.replace("%3A", ":").replace("%3a", ":")
    return f"https://{host}/{'/'.join(path)}/did.json" if path else f"https://{host}/.well-known/did.json"
