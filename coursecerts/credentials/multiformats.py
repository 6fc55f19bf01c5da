"""Multibase base58btc (`z...`) and base64url (`u...`), and Ed25519 public keys as Multikey (`z6Mk...`)."""

from __future__ import annotations

import base64

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIV_HEADER = b"\x80\x26"  # multicodec ed25519-priv, varint-encoded


class MultibaseError(ValueError):
    pass


_CHUNK = 58**10  # ten base58 digits per big-integer division: the slow part is dividing a 512-bit number


def b58encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, chunk = divmod(number, _CHUNK)
        for _ in range(10):
            chunk, rest = divmod(chunk, 58)
            digits.append(_ALPHABET[rest])
    while digits and digits[-1] == "1":  # the leading zeros of the last chunk are padding
        digits.pop()
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"not base58btc: {char!r}")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_b58(data: bytes) -> str:
    return "z" + b58encode(data)


def from_multibase_b58(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultibaseError("not multibase base58btc (no 'z' prefix)")
    return b58decode(text[1:])


def multibase_b64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_multibase_b64url(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise MultibaseError("not multibase base64url (no 'u' prefix)")
    body = text[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def multikey_public(raw: bytes) -> str:
    """An Ed25519 public key (32 bytes) as Multikey publicKeyMultibase: z + base58btc(0xed01 || key)."""
    return multibase_b58(ED25519_PUB_HEADER + raw)


def multikey_public_raw(text: str) -> bytes:
    data = from_multibase_b58(text)
    if not data.startswith(ED25519_PUB_HEADER) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey public key")
    return data[2:]


def multikey_private_raw(text: str) -> bytes:
    data = from_multibase_b58(text)
    if not data.startswith(ED25519_PRIV_HEADER) or len(data) != 34:
        raise MultibaseError("not an Ed25519 Multikey secret key")
    return data[2:]
