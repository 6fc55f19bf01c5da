"""Who a client is, for rate limits, and a cheap fixed-window counter kept in Django's default cache.

The client is REMOTE_ADDR, unless NUM_PROXIES reverse proxies we run sit in front: then it is the NUM_PROXIES-th
address from the right of X-Forwarded-For (each proxy appends the address it saw, so what the client wrote itself
sits further left and is ignored). This is Django REST framework's NUM_PROXIES rule; the API's throttles and the
certificate page both use it (README: NUM_PROXIES).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))]


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/minute' (DRF's syntax: N/s|sec|second|m|min|minute|h|hour|d|day) as (requests, seconds)."""
    count, period = rate.split("/")
    return int(count), _SECONDS[period[0]]


def rate_limit_hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one request of `ident` in `scope`; None while within `rate`, else the seconds until the window
    ends. Fixed windows (two cache operations a request): a client may send up to twice the rate across a
    window boundary, which is enough against scraping and costs far less than a sliding log."""
    limit, seconds = parse_rate(rate)
    now = time.time()
    window = int(now // seconds)
    key = f"rate:{scope}:{ident[:100]}:{window}"
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, int((window + 1) * seconds - now + 0.999))
