"""QR codes of certificate URLs, as inline SVG (for the page) and SVG text (for the typst PDF)."""

from __future__ import annotations

from functools import lru_cache

import segno

MODULE = 4  # SVG user units per module: the printed size comes from CSS or typst, not from here


@lru_cache(maxsize=4096)
def qr_svg(url: str) -> str:
    """An SVG QR code of `url`: one path of dark runs, sized by its viewBox. The mask is fixed (mask 0): segno's
    search for the best mask costs 4 ms a code, and any mask decodes the same; writing the path here is 5x
    faster than segno's SVG writer."""
    matrix = segno.make(url, error="m", mask=0, micro=False).matrix
    size = len(matrix) * MODULE
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(
                    f"M{start * MODULE} {y * MODULE}h{(x - start) * MODULE}v{MODULE}h-{(x - start) * MODULE}z"
                )
            else:
                x += 1
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f'<path fill="#1b2a41" d="{"".join(runs)}"/></svg>'
    )


@lru_cache(maxsize=256)
def qr_png_img(url: str) -> str:
    """The QR code as an <img> of a PNG data: URL, for WeasyPrint: it draws a PNG far faster than an SVG path of
    hundreds of runs (bench/page.py), and the printed code is as sharp at its printed size."""
    code = segno.make(url, error="m", mask=0, micro=False)
    uri = code.png_data_uri(scale=8, border=0, dark="#1b2a41")
    return f'<img class="qr-image" alt="" src="{uri}">'
