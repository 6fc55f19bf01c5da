"""Sending one signed message: a POST to the address the SSRF guard checked (not to whatever the hostname
resolves to a moment later), with the URL's hostname in the Host header and in TLS (SNI and certificate check).
Connections are kept per (address, port, hostname) and reused across deliveries. Redirects are not followed: only
a 2xx answer is success (Standard Webhooks)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import urllib3
from django.utils import timezone

from coursecerts.events.webhooks.addresses import Target

RESPONSE_EXCERPT = 1000
USER_AGENT = "coursecerts-webhooks/1"

_pools: dict[tuple, urllib3.HTTPConnectionPool] = {}
_pools_lock = threading.Lock()


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no answer (refused, timed out, unsafe address...)
    duration_ms: int
    error: str = ""
    body: str = ""
    retry_after: float | None = None  # seconds, from the Retry-After header


def _pool(target: Target, address: str, *, size: int) -> urllib3.HTTPConnectionPool:
    key = (target.scheme, address, target.port, target.host)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            if target.scheme == "https":
                pool = urllib3.HTTPSConnectionPool(
                    address,
                    target.port,
                    maxsize=size,
                    cert_reqs="CERT_REQUIRED",
                    assert_hostname=target.host,
                    server_hostname=target.host,
                )
            else:
                pool = urllib3.HTTPConnectionPool(address, target.port, maxsize=size)
            _pools[key] = pool
        return pool


def _host_header(target: Target) -> str:
    host = f"[{target.host}]" if ":" in target.host else target.host
    default = {"http": 80, "https": 443}[target.scheme]
    return host if target.port == default else f"{host}:{target.port}"


def post(
    *, url: str, target: Target, body: bytes, headers: dict[str, str], timeout: float, pool_size: int
) -> Answer:
    """POST `body` to the target's first address that accepts a connection; never raises."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    all_headers = {
        "Host": _host_header(target),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **headers,
    }
    started = time.perf_counter()
    error = "No address to connect to."
    for address in target.addresses:
        try:
            return _post_to(address, target, path, body, all_headers, timeout, pool_size, started)
        except urllib3.exceptions.NewConnectionError as exc:
            error = f"Could not connect to {address}: {_reason(exc)}"
        except urllib3.exceptions.HTTPError as exc:
            return Answer(None, _elapsed(started), error=_describe(exc, timeout))
    return Answer(None, _elapsed(started), error=error)


def _post_to(address, target, path, body, headers, timeout, pool_size, started) -> Answer:
    response = _pool(target, address, size=pool_size).urlopen(
        "POST",
        path,
        body=body,
        headers=headers,
        redirect=False,
        retries=False,
        assert_same_host=False,
        timeout=urllib3.Timeout(connect=timeout, read=timeout),
        preload_content=False,
    )
    try:
        excerpt = response.read(RESPONSE_EXCERPT * 4, cache_content=False)
        if response.read(1, cache_content=False):
            response.close()  # a long answer: drop the connection rather than read it all
    finally:
        response.release_conn()
    code = response.status
    return Answer(
        code,
        _elapsed(started),
        error="" if 200 <= code < 300 else f"HTTP {code} (only a 2xx answer is success).",
        body=excerpt.decode("utf-8", "replace").replace("\x00", "")[:RESPONSE_EXCERPT],
        retry_after=retry_after_seconds(response.headers.get("Retry-After")),
    )


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: a number of seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


def _elapsed(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _reason(exc: Exception) -> str:
    text = str(exc)
    return text.split(": ", 1)[-1] if ": " in text else text


def _describe(exc: Exception, timeout: float) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return f"No answer within {timeout:g} s ({type(exc).__name__})."
    if isinstance(exc, urllib3.exceptions.SSLError):
        return f"TLS failed: {_reason(exc)}"
    return f"{type(exc).__name__}: {_reason(exc)}"
