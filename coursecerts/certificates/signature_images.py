"""What a signature image must be before it is stored: a PNG, JPEG, GIF or WebP image of at most 2 MiB, stored
under a name made from its content (signatures/<sha256>.<ext>), so the same image is stored once. The REST API
(data URIs, coursecerts/api/v1/images.py) and the console's upload both check images here."""

from __future__ import annotations

import hashlib
import io

from PIL import Image, UnidentifiedImageError

from coursecerts.common.errors import ApplicationError

MAX_IMAGE_BYTES = 2 * 1024 * 1024
FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class SignatureImageError(ApplicationError):
    """extra["code"]: not_image or too_large."""


def signature_image_name(content: bytes) -> str:
    """The storage name of a valid signature image; SignatureImageError when it is not one."""
    if len(content) > MAX_IMAGE_BYTES:
        raise SignatureImageError(
            f"The image is larger than {MAX_IMAGE_BYTES // 1024} KiB.", extra={"code": "too_large"}
        )
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        image_format = None
    if image_format not in FORMATS:
        raise SignatureImageError(
            "The file is not a PNG, JPEG, GIF or WebP image.", extra={"code": "not_image"}
        )
    return f"signatures/{hashlib.sha256(content).hexdigest()[:32]}.{FORMATS[image_format]}"
