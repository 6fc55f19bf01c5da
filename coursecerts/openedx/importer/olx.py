"""A course's certificate configuration from its OLX export (Studio's Export, a folder or the .tar.gz): Open edX
keeps signatories and titles in the course structure, not in the LMS database. The course key comes from
course.xml, the configuration from the `certificates` section of policies/<run>/policy.json, the signature
images from static/."""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import tarfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image, UnidentifiedImageError

from coursecerts.common.errors import ApplicationError
from coursecerts.common.keys import parse_course_key
from coursecerts.common.validators import without_control_characters

MAX_IMAGE_BYTES = 2 * 1024 * 1024
_FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}


class CourseExportError(ApplicationError):
    pass


@dataclass(frozen=True)
class ExportSignatory:
    name: str
    title: str
    organization: str
    image_name: str = ""  # signatures/<sha256>.<ext>, as the API stores images
    image_content: bytes | None = None


@dataclass(frozen=True)
class ExportCertificate:
    """The run's active certificate (or, when none is active, its first), as Studio configured it."""

    course_key: str
    course_title: str
    is_active: bool
    signatories: tuple[ExportSignatory, ...]


def course_export_read(path: str | Path) -> ExportCertificate | None:
    """The certificate configuration of the export at `path`; None when the course configures none."""
    files = _ExportFiles(Path(path))
    try:
        course = ElementTree.fromstring(files.read("course.xml"))
    except ElementTree.ParseError as exc:
        raise CourseExportError(f"{path}: course.xml is not XML: {exc}") from exc
    run, org, number = course.get("url_name"), course.get("org"), course.get("course")
    if not (run and org and number):
        raise CourseExportError(f"{path}: course.xml names no url_name, org and course")
    key = str(parse_course_key(f"course-v1:{org}+{number}+{run}"))
    try:
        policy = json.loads(files.read(f"policies/{run}/policy.json"))
    except (KeyError, ValueError) as exc:
        raise CourseExportError(f"{path}: policies/{run}/policy.json is missing or not JSON") from exc
    section = (policy.get(f"course/{run}") or {}).get("certificates") or {}
    certificates = section.get("certificates") or []
    if not certificates:
        return None
    chosen = next((c for c in certificates if c.get("is_active")), certificates[0])
    return ExportCertificate(
        course_key=key,
        course_title=_text(chosen.get("course_title")),
        is_active=bool(chosen.get("is_active")),
        signatories=tuple(_signatory(files, s) for s in chosen.get("signatories") or []),
    )


def _text(value) -> str:
    return without_control_characters(str(value or "")).strip()[:255]


def _signatory(files: _ExportFiles, data: dict) -> ExportSignatory:
    content = files.asset(data.get("signature_image_path") or "")
    name = _image_name(content) if content else ""
    return ExportSignatory(
        name=_text(data.get("name")),
        title=_text(data.get("title")),
        organization=_text(data.get("organization")),
        image_name=name,
        image_content=content if name else None,
    )


def _image_name(content: bytes) -> str:
    """signatures/<digest>.<ext> for an image of an allowed format, else '' (the signature prints without it)."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return ""
    if image_format not in _FORMATS:
        return ""
    return f"signatures/{hashlib.sha256(content).hexdigest()[:32]}.{_FORMATS[image_format]}"


class _ExportFiles:
    """Files of an export folder or .tar.gz, by their path below the course folder; nothing is extracted."""

    def __init__(self, path: Path):
        self.path = path
        if path.is_dir():
            root = path / "course" if (path / "course" / "course.xml").exists() else path
            self._read = lambda name: (root / name).read_bytes()
            return
        try:
            archive = tarfile.open(path)
        except (OSError, tarfile.TarError) as exc:
            raise CourseExportError(f"{path}: neither a folder nor a readable .tar.gz export") from exc
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        prefix = next(
            (n[: -len("course.xml")] for n in sorted(members, key=len) if n.endswith("course.xml")), None
        )
        if prefix is None:
            raise CourseExportError(f"{path}: the archive holds no course.xml")

        def read(name: str) -> bytes:
            member = members.get(prefix + name)
            if member is None:
                raise KeyError(name)
            return archive.extractfile(member).read()

        self._read = read

    def read(self, name: str) -> bytes:
        try:
            return self._read(name)
        except (FileNotFoundError, IsADirectoryError) as exc:
            raise KeyError(name) from exc

    def asset(self, url: str) -> bytes | None:
        """The file of a Studio asset URL (/asset-v1:...+type@asset+block@sig.png, /c4x/Org/Num/asset/sig.png,
        /static/sig.png) from the export's static/ folder; None when absent or too large."""
        name = url.rsplit("block@", 1)[-1] if "block@" in url else posixpath.basename(url)
        if not name or name in (".", "..") or "/" in name:
            return None
        try:
            content = self.read(f"static/{name}")
        except KeyError:
            return None
        return content if len(content) <= MAX_IMAGE_BYTES else None
