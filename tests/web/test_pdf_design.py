"""The built-in PDF design as a reader sees it (README "Web certificates", PDF): the signatories' names stand
clear of the signature line, and the platform name is printed only when an operator set PLATFORM_NAME."""

import re
import subprocess

import pytest
from PIL import Image

from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render, pdf_storage
from tests.web.pdfs import pdf_text, pdf_to_png

pytestmark = pytest.mark.django_db

DPI = 150
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def rendered(certificate) -> bytes:
    stored = certificate_pdf_get_or_render(certificate=certificate, language="en")
    return pdf_storage().open(stored.name).read()


def word_box(pdf: bytes, tmp_path, word: str) -> tuple[float, ...]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    )
    return next(tuple(map(float, m[:4])) for m in _WORD.findall(listing.stdout) if m[4] == word)


def gap_above_mm(pdf: bytes, tmp_path, word: str) -> float:
    """The white space between the ink of `word` and the rule drawn above it, in mm (the page at 150 dpi)."""
    x0, _, x1, y1 = (value * DPI / 72 for value in word_box(pdf, tmp_path, word))
    image = Image.open(pdf_to_png(pdf, tmp_path, dpi=DPI)).convert("L")
    columns = range(int(x0), int(x1))

    def ink(row: int) -> float:
        return sum(image.getpixel((x, row)) < 128 for x in columns) / len(columns)

    row = int(y1)
    while ink(row) < 0.9:  # up from the word's baseline to the rule, which crosses the whole word
        row -= 1
    rule = row
    row += 1
    while ink(row) == 0:  # down from the rule to the top of the word's ink
        row += 1
    return (row - rule - 1) / DPI * 25.4


def test_signatory_names_stand_clear_of_the_signature_line(certificate, tmp_path):
    pdf = rendered(certificate)
    for name in ("Ada", "Alan"):
        assert gap_above_mm(pdf, tmp_path, name) >= 1.2, name  # was 0: the name touched the line


def test_no_platform_name_unless_an_operator_set_one(settings, course_run, tmp_path):
    from tests.web.conftest import issue

    settings.PLATFORM_NAME = ""
    assert "COURSECERTS" not in pdf_text(rendered(issue(course_run, name="Ann Lee")), tmp_path)
    settings.PLATFORM_NAME = "Campus X"
    assert "CAMPUS X" in pdf_text(rendered(issue(course_run, name="Bo Chen")), tmp_path)
