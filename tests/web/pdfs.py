"""Helpers that read PDFs with poppler-utils (pdftotext, pdftoppm, pdffonts) and decode QR codes (zxing-cpp)."""

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_fonts(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def pdf_pages(pdf: bytes) -> int:
    from io import BytesIO

    from pypdf import PdfReader

    return len(PdfReader(BytesIO(pdf)).pages)


def pdf_to_png(pdf: bytes, tmp_path: Path, dpi: int = 150) -> Path:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(path), str(tmp_path / "page")], check=True
    )
    return tmp_path / "page.png"


def qr_texts(png: Path) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(png))]
