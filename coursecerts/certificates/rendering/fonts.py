"""The fonts certificates are drawn with, found on disk (Debian's fonts-noto-core, fonts-noto-cjk and
fonts-noto-color-emoji by default). Rendering a PDF without them fails loudly, and the system check
certificates.E001 names what is missing, because a PDF with missing glyphs (tofu boxes for an Arabic or Chinese
name) must never be issued. A character that no font has at all (a private-use character, say) is drawn as U+FFFD:
see drawable_text."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# Family -> files. Latin, Greek and Cyrillic: Noto Serif (and Noto Sans for small print); Arabic script: Noto
# Naskh Arabic; Hebrew: Noto Serif Hebrew; Chinese, Japanese, Korean: Noto Serif CJK; symbols and emoji (a 🎓
# in a name or a course title): Noto Sans Symbols 2, then Noto Color Emoji.
REQUIRED_FONTS: dict[str, tuple[str, ...]] = {
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "Noto Naskh Arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "Noto Serif Hebrew": ("NotoSerifHebrew-Regular.ttf", "NotoSerifHebrew-Bold.ttf"),
    "Noto Serif CJK": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"),
    "Noto Sans Symbols 2": ("NotoSansSymbols2-Regular.ttf",),
    "Noto Color Emoji": ("NotoColorEmoji.ttf",),
}
DEBIAN_PACKAGES = "fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji"


class FontsMissing(RuntimeError):
    pass


def font_dirs() -> list[Path]:
    return [Path(d) for d in settings.CERTIFICATE_FONT_DIRS]


def find_font_files() -> tuple[dict[str, Path], list[str]]:
    """(file name -> path) of the required fonts found in CERTIFICATE_FONT_DIRS, and the names not found."""
    wanted = {name for files in REQUIRED_FONTS.values() for name in files}
    found: dict[str, Path] = {}
    for directory in font_dirs():
        if directory.is_dir():
            for path in directory.rglob("*"):
                if path.name in wanted and path.name not in found:
                    found[path.name] = path
    return found, sorted(wanted - found.keys())


def missing_fonts_message(missing: list[str]) -> str:
    dirs = ", ".join(str(d) for d in font_dirs())
    return (
        f"Certificate fonts not found in {dirs}: {', '.join(missing)}. Install Debian's {DEBIAN_PACKAGES} "
        "(bin/install-system-deps does), or set CERTIFICATE_FONT_DIRS to folders holding these files."
    )


REPLACEMENT_CHARACTER = "\ufffd"


@lru_cache(maxsize=1)
def drawable_code_points() -> frozenset[int]:
    """Every character that some certificate font has a glyph for, read once per process from the fonts' character
    maps (2 s with the CJK fonts, paid only when a certificate needs it: see drawable_text)."""
    from fontTools.ttLib import TTCollection, TTFont

    code_points: set[int] = set()
    for path in find_font_files()[0].values():
        fonts = TTCollection(path, lazy=True).fonts if path.suffix == ".ttc" else [TTFont(path, lazy=True)]
        for font in fonts:
            code_points.update(font.getBestCmap() or {})
    return frozenset(code_points)


def drawable_text(text: str) -> str:
    """`text` with each character that no certificate font draws replaced by U+FFFD (variation selectors, which
    choose a glyph rather than draw one, are kept)."""
    drawable = drawable_code_points()
    return "".join(
        char if ord(char) in drawable or _is_variation_selector(char) else REPLACEMENT_CHARACTER
        for char in text
    )


def _is_variation_selector(char: str) -> bool:
    return "\ufe00" <= char <= "\ufe0f" or "\U000e0100" <= char <= "\U000e01ef"


@lru_cache(maxsize=1)
def font_folder() -> str:
    """One folder holding exactly the required fonts (symlinks), for typst, whose font_paths takes folders:
    rendering is deterministic whatever else is installed. Raises FontsMissing."""
    found, missing = find_font_files()
    if missing:
        raise FontsMissing(missing_fonts_message(missing))
    folder = Path(tempfile.mkdtemp(prefix="coursecerts-fonts-"))
    for name, path in found.items():
        (folder / name).symlink_to(path.resolve())
    return str(folder)
