"""QR codes of certificate URLs, as inline SVG (for the page) and SVG text (for the typst PDF)."""

from __future__ import annotations

from functools import lru_cache

import segno


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> str:
    """An SVG QR code of `url`, black on transparent, sized by its viewBox. The mask is fixed (mask 0): segno's
    search for the best mask costs 4 ms a code; any mask decodes the same."""
    code = segno.make(url, error="m", mask=0, micro=False)
    return code.svg_inline(border=0, scale=4, dark="#1b2a41")
