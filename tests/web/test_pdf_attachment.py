"""The PDF can carry a file: both engines (typst for the built-in design, WeasyPrint for operator templates)
embed it as an associated file of a PDF/A-3b document, byte for byte; without one the PDF stays PDF/A-2b."""

import io
import json
import re

import pytest
from django.utils import translation
from pypdf import PdfReader

from coursecerts.certificates.rendering.pdf import PdfAttachment, render_default_pdf, render_html_pdf
from coursecerts.certificates.rendering.selectors import certificate_render_context
from tests.web.conftest import ARABIC_NAME

pytestmark = pytest.mark.django_db

CREDENTIAL = json.dumps({"name": ARABIC_NAME, "type": ["VerifiableCredential"]}, ensure_ascii=False).encode()
ATTACHMENT = PdfAttachment(
    name="credential.json",
    data=CREDENTIAL,
    mime_type="application/ld+json",
    description="Open Badges 3.0 credential",
)


def _pdfa_part(pdf: bytes) -> str:
    """The PDF/A part the XMP metadata declares (an element or an attribute, as engines write either)."""
    xmp = PdfReader(io.BytesIO(pdf)).xmp_metadata.stream.get_data().decode()
    return re.search(r"pdfaid:part(?:>|=\")(\d)", xmp).group(1)


def _attachments(pdf: bytes) -> dict[str, list[bytes]]:
    return dict(PdfReader(io.BytesIO(pdf)).attachments)


def _associated_files(pdf: bytes) -> list[str]:
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return sorted({str(spec.get_object()["/AFRelationship"]) for spec in root.get("/AF", [])})


def test_the_built_in_design_carries_the_file_as_pdf_a_3b(certificate):
    with translation.override("en"):
        pdf = render_default_pdf(
            certificate_render_context(certificate, language="en"), attachment=ATTACHMENT
        )
    assert _attachments(pdf) == {"credential.json": [CREDENTIAL]}
    assert _associated_files(pdf) == ["/Alternative"]
    assert _pdfa_part(pdf) == "3"


def test_without_a_file_the_built_in_design_stays_pdf_a_2b(certificate):
    with translation.override("en"):
        pdf = render_default_pdf(certificate_render_context(certificate, language="en"))
    assert _attachments(pdf) == {}
    assert _pdfa_part(pdf) == "2"


def test_an_operator_template_carries_the_file_as_pdf_a_3b():
    pdf = render_html_pdf("<p>Certificate</p>", attachment=ATTACHMENT)
    assert _attachments(pdf) == {"credential.json": [CREDENTIAL]}
    assert _associated_files(pdf) == ["/Alternative"]
    assert _pdfa_part(pdf) == "3"
