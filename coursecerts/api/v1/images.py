"""Signature images given as data URIs, or as the URL of an image this service already stores (what GET and
PUT answers show, so a client can send back what it read). Other URLs are refused, not fetched: the service
makes no outbound requests on a client's word (ADR 0009)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coursecerts.certificates.signature_images import (
    MAX_IMAGE_BYTES,
    SignatureImageError,
    signature_image_name,
)

_DATA_URI = re.compile(r"^data:(?P<type>image/[\w.+-]+)?(;[\w=.+-]+)*;base64,(?P<data>.*)$", re.DOTALL)


@dataclass(frozen=True)
class ImageInput:
    name: str  # where it is (or will be) stored
    content: bytes | None  # None: already stored


def image_url(name: str) -> str | None:
    """The absolute URL of a stored image, or None."""
    if not name:
        return None
    url = default_storage.url(name)
    return f"{settings.SITE_URL}{url}" if url.startswith("/") else url


@extend_schema_field({"type": "string", "nullable": True})
class SignatureImageField(serializers.Field):
    default_error_messages = {
        "invalid": "Must be a data URI (data:image/png;base64,...) or the URL of an image this service stores; "
        "other URLs are not fetched.",
        "not_image": "The data URI is not a PNG, JPEG, GIF or WebP image.",
        "too_large": f"The image is larger than {MAX_IMAGE_BYTES // 1024} KiB.",
    }

    def to_internal_value(self, data) -> ImageInput | None:
        if data in ("", None):
            return None
        if not isinstance(data, str):
            self.fail("invalid")
        match = _DATA_URI.match(data.strip())
        if match:
            return self._decode(match.group("data"))
        return self._stored(data.strip())

    def to_representation(self, value):
        return image_url(value)

    def _decode(self, encoded: str) -> ImageInput:
        try:
            content = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            self.fail("not_image")
        try:
            return ImageInput(name=signature_image_name(content), content=content)
        except SignatureImageError as exc:
            self.fail(exc.extra["code"])

    def _stored(self, url: str) -> ImageInput:
        for prefix in (image_url("x")[:-1], default_storage.url("x")[:-1]):
            if url.startswith(prefix):
                name = url[len(prefix) :]
                if name and ".." not in name and _exists(name):
                    return ImageInput(name=name, content=None)
        self.fail("invalid")


def _exists(name: str) -> bool:
    try:
        return default_storage.exists(name)
    except (SuspiciousFileOperation, ValueError, OSError):
        return False
