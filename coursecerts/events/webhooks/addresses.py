"""SSRF guard: a webhook URL may only lead to a public address (ADR "Signed webhooks").

The URL is checked when an endpoint is registered or changed, and again at every delivery, where the address
that was checked is the one connected to (delivery.py): a hostname that resolved to a public address at
registration and to 127.0.0.1 later (DNS rebinding) is refused then. WEBHOOKS_ALLOW_PRIVATE_ADDRESSES=true
lifts the guard (a receiver on the same host or network, tests).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = {"http": 80, "https": 443}


class UnsafeUrl(Exception):
    """The URL may not receive webhooks; the message says why and names it."""


@dataclass(frozen=True)
class Target:
    """Where a URL leads: its scheme, hostname (for the Host header and TLS), port, and the checked addresses."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


def url_parts(url: str) -> tuple[str, str, int]:
    """(scheme, hostname, port) of an http(s) URL, or UnsafeUrl."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeUrl(f"{url} is not a valid URL ({exc}).") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeUrl(f"{url}: only http and https URLs can receive webhooks.")
    if not parts.hostname:
        raise UnsafeUrl(f"{url} has no host.")
    return scheme, parts.hostname, port or SCHEMES[scheme]


def address_is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address `host` resolves to (an IP literal resolves to itself), or UnsafeUrl."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise UnsafeUrl(f"The host of the URL, {host}, does not resolve ({exc}).") from None
    return tuple(dict.fromkeys(info[4][0] for info in infos))


def target_check(url: str) -> Target:
    """Resolve the URL's host and check every address it has (one private address is enough to refuse: the
    connection could go there). Raises UnsafeUrl naming the URL."""
    scheme, host, port = url_parts(url)
    addresses = resolve(host, port)
    if not settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        refused = [address for address in addresses if not address_is_public(address)]
        if refused:
            raise UnsafeUrl(
                f"{url} leads to a loopback, private, link-local, multicast or reserved address "
                f"({', '.join(refused)}); webhooks go to public addresses only "
                "(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES)."
            )
    return Target(scheme=scheme, host=host, port=port, addresses=addresses)
