"""The key-encryption key (KEK) that keeps issuer private keys encrypted at rest (Fernet: AES-128-CBC with
HMAC-SHA256). CREDENTIALS_KEY_ENCRYPTION_KEY (or _FILE) holds one or more Fernet keys separated by commas: the
first encrypts, all decrypt (rotate the KEK by putting a new key first, then `rotate_issuer_key --rewrap`).
Unset, the embedded default keeps a generated key in var/credentials_kek, as it does the secret key."""

from __future__ import annotations

import contextlib
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEK_FILE_NAME = "credentials_kek"


def kek_from_var() -> bool:
    return not settings.CREDENTIALS_KEY_ENCRYPTION_KEY


def _keys() -> list[str]:
    configured = settings.CREDENTIALS_KEY_ENCRYPTION_KEY
    if configured:
        return [key.strip() for key in configured.split(",") if key.strip()]
    path = settings.VAR_DIR / KEK_FILE_NAME
    try:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: of two processes starting at once, one writes the key and both read that one
            with contextlib.suppress(FileExistsError):
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as file:
                    file.write(Fernet.generate_key().decode("ascii"))
        return [path.read_text().strip()]
    except OSError as exc:
        raise ImproperlyConfigured(
            f"CREDENTIALS_KEY_ENCRYPTION_KEY is not set and {path} cannot be written ({exc.strerror})"
        ) from exc


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "CREDENTIALS_KEY_ENCRYPTION_KEY must be Fernet keys (32 bytes, url-safe base64), comma-separated"
        ) from exc


def encrypt(secret: bytes) -> bytes:
    return _fernet().encrypt(secret)


def decrypt(token: bytes) -> bytes:
    try:
        return _fernet().decrypt(bytes(token))
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "an issuer key cannot be decrypted with CREDENTIALS_KEY_ENCRYPTION_KEY: is it the key it was "
            "encrypted with (or listed after the new one while rotating)?"
        ) from exc


def rewrap(token: bytes) -> bytes:
    """The token re-encrypted under the first KEK (after a KEK rotation)."""
    return _fernet().rotate(bytes(token))
