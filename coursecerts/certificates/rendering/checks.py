"""System checks of the web certificate (run by every management command and at server start)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.utils.translation import to_locale

from coursecerts.certificates.rendering.fonts import find_font_files, missing_fonts_message

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@checks.register()
def check_certificate_fonts(app_configs=None, **kwargs):
    """certificates.E001: the fonts the PDFs are drawn with are missing (Arabic, Hebrew or Chinese names would
    come out as empty boxes)."""
    _, missing = find_font_files()
    if not missing:
        return []
    return [
        checks.Error(
            missing_fonts_message(missing),
            hint="Run bin/install-system-deps (Debian), or point CERTIFICATE_FONT_DIRS at the fonts.",
            id="certificates.E001",
        )
    ]


@checks.register()
def check_certificate_languages(app_configs=None, **kwargs):
    """certificates.E002: CERTIFICATE_LANGUAGES names a language the page has no translation for."""
    untranslated = [
        code
        for code in settings.CERTIFICATE_LANGUAGES
        if code != "en" and not (LOCALE_DIR / to_locale(code) / "LC_MESSAGES" / "django.mo").exists()
    ]
    if not settings.CERTIFICATE_LANGUAGES or untranslated:
        return [
            checks.Error(
                f"CERTIFICATE_LANGUAGES={','.join(settings.CERTIFICATE_LANGUAGES)!r}: no translation of the "
                f"certificate page for {', '.join(untranslated) or 'any language'}",
                hint=f'Use languages with a catalogue in {LOCALE_DIR} (README "Languages").',
                id="certificates.E002",
            )
        ]
    return []


@checks.register()
def check_certificate_pdf_root(app_configs=None, **kwargs):
    """certificates.E003: CERTIFICATE_PDF_ROOT is inside MEDIA_ROOT, so the private PDFs would be served with the
    media files by whatever serves MEDIA_ROOT."""
    if settings.STORAGES.get("certificate_pdfs", {}).get("BACKEND", "").endswith("S3Storage"):
        return []
    root, media = Path(settings.CERTIFICATE_PDF_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    if root == media or media in root.parents:
        return [
            checks.Error(
                f"CERTIFICATE_PDF_ROOT={root} is inside MEDIA_ROOT={media}: rendered PDFs would be public",
                hint="Point CERTIFICATE_PDF_ROOT at a folder outside MEDIA_ROOT (default: <var>/private).",
                id="certificates.E003",
            )
        ]
    return []
