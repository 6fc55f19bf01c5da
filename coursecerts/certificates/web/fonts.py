"""The fonts certificates are drawn with, found on disk (Debian's fonts-noto-core and fonts-noto-cjk by
default). Rendering a PDF without them fails loudly, and the system check certificates.E001 names what is
missing, because a PDF with missing glyphs (tofu boxes for an Arabic or Chinese name) must never be issued."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# Family -> files. Latin, Greek and Cyrillic: Noto Serif (and Noto Sans for small print); Arabic script: Noto
# Naskh Arabic; Hebrew: Noto Serif Hebrew; Chinese, Japanese, Korean: Noto Serif CJK.
REQUIRED_FONTS: dict[str, tuple[str, ...]] = {
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "Noto Naskh Arabic": ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"),
    "Noto Serif Hebrew": ("NotoSerifHebrew-Regular.ttf", "NotoSerifHebrew-Bold.ttf"),
    "Noto Serif CJK": ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"),
}
DEBIAN_PACKAGES = "fonts-noto-core fonts-noto-cjk"


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
