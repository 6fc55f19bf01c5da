"""PDF engines (ADR 0005). The built-in design is drawn by typst from pdf/certificate.typ, its mirror of the HTML
design: one compiler per process, the data passed as sys.inputs. An operator's HTML template is printed by
WeasyPrint from the same HTML the page shows, with only media files and data: URLs reachable."""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from coursecerts.certificates.rendering.context import CertificateRenderContext
from coursecerts.certificates.rendering.dates import certificate_date
from coursecerts.certificates.rendering.fonts import drawable_text, font_folder

log = logging.getLogger(__name__)

TYPST_TEMPLATE = Path(__file__).resolve().parent.parent / "pdf" / "certificate.typ"
PAPER_WIDTH_MM = {"a4": 297.0, "us-letter": 279.4}
_lock = threading.Lock()
# typst's error for a text that no font has a glyph for ("the text `"🎓"` could not be displayed with font ...").
UNDRAWABLE_TEXT = "could not be displayed with font"
IMAGE_KEYS = ("logo", "image")


class PdfRenderError(RuntimeError):
    pass


@dataclass(frozen=True)
class PdfAttachment:
    """A file the PDF carries: an associated file of the document (ISO 19005-3, PDF/A-3b), such as the
    certificate's Open Badges credential, so that one file holds both the picture and the proof. `data` must be
    UTF-8 text (typst receives it as a string); `relationship` is PDF's AFRelationship: Alternative says the file
    is another form of what the page shows (docs/web-certificates.md)."""

    name: str
    data: bytes
    mime_type: str
    description: str
    relationship: str = "Alternative"

    def text(self) -> str:
        return self.data.decode("utf-8")


def pdf_standard(attachment: PdfAttachment | None) -> str:
    """PDF/A-2b, or PDF/A-3b when the PDF carries a file (PDF/A-2 allows only PDF/A files inside)."""
    return "a-3b" if attachment is not None else "a-2b"


@lru_cache(maxsize=1)
def _typst():
    """(compiler, template bytes), made once per process."""
    import typst

    fonts = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[font_folder()])
    return typst.Compiler(font_paths=fonts, ignore_system_fonts=True), TYPST_TEMPLATE.read_bytes()


def render_default_pdf(
    context: CertificateRenderContext, *, attachment: PdfAttachment | None = None
) -> bytes:
    """The built-in design as PDF/A-2b, or PDF/A-3b carrying `attachment`. Call inside
    translation.override(context.language).

    PDF/A forbids drawing a character without a glyph, so typst refuses a text that no certificate font covers.
    Rather than fail every PDF of a run for one such character, the certificate is drawn again with those
    characters replaced by U+FFFD, and a warning is logged."""
    import typst

    root, data = _typst_data(context)
    try:
        return _typst_compile(root, data, context, attachment)
    except typst.TypstError as exc:
        if UNDRAWABLE_TEXT not in str(exc):
            raise PdfRenderError(
                f"typst could not render certificate {context.certificate_id}: {exc}"
            ) from exc
        log.warning(
            "certificate %s: %s; characters that no certificate font has are drawn as U+FFFD",
            context.certificate_id,
            exc,
        )
    try:
        return _typst_compile(root, _drawable(data), context, attachment)
    except typst.TypstError as exc:
        raise PdfRenderError(f"typst could not render certificate {context.certificate_id}: {exc}") from exc


def _typst_compile(
    root: str, data: dict, context: CertificateRenderContext, attachment: PdfAttachment | None
) -> bytes:
    compiler, template = _typst()
    inputs = {"data": json.dumps(data), "qr": context.qr_svg}
    if attachment is not None:
        inputs["attachment"] = attachment.text()
        inputs["attachment_meta"] = json.dumps(
            {
                "name": attachment.name,
                "mime_type": attachment.mime_type,
                "description": attachment.description,
                "relationship": attachment.relationship.lower(),
            }
        )
    with _lock:  # a Compiler is not shared between threads
        return compiler.compile(
            input=template, root=root, sys_inputs=inputs, pdf_standards=[pdf_standard(attachment)]
        )


def _drawable(value):
    """The typst data with every text made drawable (image paths are left alone)."""
    if isinstance(value, str):
        return drawable_text(value)
    if isinstance(value, list):
        return [_drawable(item) for item in value]
    if isinstance(value, dict):
        return {key: item if key in IMAGE_KEYS else _drawable(item) for key, item in value.items()}
    return value


def _typst_data(context: CertificateRenderContext) -> tuple[str, dict]:
    paper = settings.CERTIFICATE_PDF_PAPER
    root = _media_root()
    data = {
        "paper": paper,
        "unit_mm": round(PAPER_WIDTH_MM[paper] * 0.0155, 3),
        "lang": context.language.split("-")[0],  # typst takes ISO 639 codes: "pt-br" is "pt", "zh-hans" "zh"
        "dir": context.direction,
        "document_title": context.full_title,
        "organization_name": context.organization_name,
        "platform_name": context.platform_name,
        "certificate_title": context.certificate_title,
        "learner_name": context.learner_name,
        "course_title": context.course_title,
        "verify_url": context.verify_url,
        "certificate_id": context.certificate_id,
        "logo": _image_path(context.organization_logo_name),
        "signatories": [
            {
                "name": s.name,
                "title": s.title,
                "organization": s.organization,
                "image": _image_path(s.image_name),
            }
            for s in context.signatories
        ],
        "texts": certificate_texts(context),
    }
    return root, data


def certificate_texts(context: CertificateRenderContext) -> dict[str, str]:
    """The design's sentences, with the msgids the HTML design uses."""
    return {
        "certify": _("This is to certify that"),
        "completed": _("has successfully completed"),
        "offered": _("a course of study offered by %(org)s") % {"org": context.organization_name},
        "issued": _("Issued %(date)s") % {"date": certificate_date(context.issued_date)} + _validity(context),
        "verify_at": _("Verify this certificate at"),
        "certificate_id": _("Certificate ID"),
    }


def _validity(context: CertificateRenderContext) -> str:
    """What follows the issue date: " · Valid until <date>", " · Expired on <date>" (ADR 0025), or nothing."""
    if context.expires_date is None:
        return ""
    date = {"date": certificate_date(context.expires_date)}
    return " · " + (_("Expired on %(date)s") % date if context.expired else _("Valid until %(date)s") % date)


def _media_root() -> str:
    """typst reads images from a root folder: MEDIA_ROOT for local storage, else a local copy (see _image_path)."""
    if _is_local_storage():
        root = Path(settings.MEDIA_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        return str(root)
    return str(_asset_cache())


def _is_local_storage() -> bool:
    try:
        default_storage.path("")
    except NotImplementedError:
        return False
    return True


def _asset_cache() -> Path:
    folder = Path(settings.VAR_DIR) / "cache" / "pdf-assets"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _image_path(name: str) -> str:
    """The root-relative path of a stored image, or '' when there is none (a missing file is logged, and the
    certificate is drawn without it rather than not at all)."""
    if not name:
        return ""
    if _is_local_storage():
        if not default_storage.exists(name):
            log.warning("certificate image %s is missing from storage; drawn without it", name)
            return ""
        return "/" + name
    local = _asset_cache() / name
    if not local.exists():
        local.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored:
            local.write_bytes(stored.read())
    return "/" + name


def render_html_pdf(html: str, *, attachment: PdfAttachment | None = None) -> bytes:
    """An operator's template, printed by WeasyPrint from the page's HTML, as PDF/A-2b, or PDF/A-3b carrying
    `attachment`. Only media URLs and data: URLs are fetched (media from storage), so a template cannot make the
    server read other files or call other hosts."""
    from weasyprint import HTML, Attachment

    attachments = []
    if attachment is not None:
        attachments.append(
            Attachment(
                string=attachment.text(),
                name=attachment.name,
                description=attachment.description,
                relationship=attachment.relationship,
            )
        )
    return HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=_media_only_fetcher()).write_pdf(
        font_config=_weasyprint_fonts(),
        pdf_variant=f"pdf/{pdf_standard(attachment)}",
        attachments=attachments,
    )


@lru_cache(maxsize=1)
def _weasyprint_fonts():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()  # one per process: a new one per document costs 30 ms


def _media_only_fetcher():
    import mimetypes

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MediaOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            prefix = settings.SITE_URL + settings.MEDIA_URL
            if not url.startswith(prefix):
                raise ValueError(f"certificate templates may only use media files and data: URLs, not {url}")
            name = url[len(prefix) :].split("?")[0]
            with default_storage.open(name, "rb") as stored:
                body = stored.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type}, 200)

    return MediaOnlyFetcher(allowed_protocols=("data", "http", "https"))
