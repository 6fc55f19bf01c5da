"""The baseline of bench/page.py: how other open-source certificate generators make PDFs. The static design
(page, frame, title, fixed sentences) is drawn once into a template PDF with ReportLab; each certificate is a
ReportLab overlay (name, course, date, signatures and signatories, QR code, URL and id) merged onto a copy of the
template with pypdf. Same page size, fonts (Noto Serif and Noto Sans, embedded), images and QR code as the
typst design. Latin names only: ReportLab does not shape Arabic without rlbidi, which is not on PyPI."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.conf import settings
from pypdf import PdfReader, PdfWriter
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from coursecerts.certificates.rendering.fonts import find_font_files

INK, GOLD, MUTED = HexColor("#1b2a41"), HexColor("#b08d57"), HexColor("#5b6576")
WIDTH, HEIGHT = landscape(A4)
U = WIDTH * 0.0155


class Overlay:
    def __init__(self):
        fonts, _ = find_font_files()
        for name, file in [
            ("Serif", "NotoSerif-Regular.ttf"),
            ("Serif-Bold", "NotoSerif-Bold.ttf"),
            ("Serif-Italic", "NotoSerif-Italic.ttf"),
            ("Sans", "NotoSans-Regular.ttf"),
        ]:
            pdfmetrics.registerFont(TTFont(name, str(fonts[file])))
        self.template = self._template()
        self.images: dict[str, ImageReader] = {}

    def _template(self) -> bytes:
        buffer = io.BytesIO()
        c = canvas.Canvas(buffer, pagesize=(WIDTH, HEIGHT))
        c.setFillColor(HexColor("#fffdf8"))
        c.rect(0, 0, WIDTH, HEIGHT, fill=1, stroke=0)
        m = 2.2 * U
        c.setStrokeColor(INK)
        c.setLineWidth(0.08 * U)
        c.rect(m - 0.55 * U, m - 0.55 * U, WIDTH - 2 * m + 1.1 * U, HEIGHT - 2 * m + 1.1 * U)
        c.setStrokeColor(GOLD)
        c.setLineWidth(0.09 * U)
        c.rect(m, m, WIDTH - 2 * m, HEIGHT - 2 * m)
        c.rect(m + 0.19 * U, m + 0.19 * U, WIDTH - 2 * m - 0.38 * U, HEIGHT - 2 * m - 0.38 * U)
        c.setFillColor(INK)
        c.setFont("Serif-Bold", 2.25 * U)
        c.drawCentredString(WIDTH / 2, HEIGHT - 9 * U, "Verified Certificate of Achievement")
        c.setStrokeColor(GOLD)
        c.setLineWidth(0.12 * U)
        c.line(WIDTH / 2 - 4.5 * U, HEIGHT - 10.2 * U, WIDTH / 2 + 4.5 * U, HEIGHT - 10.2 * U)
        c.setFillColor(MUTED)
        c.setFont("Serif-Italic", U)
        c.drawCentredString(WIDTH / 2, HEIGHT - 12 * U, "This is to certify that")
        c.drawCentredString(WIDTH / 2, HEIGHT - 17.5 * U, "has successfully completed")
        c.save()
        return buffer.getvalue()

    def _image(self, name: str) -> ImageReader | None:
        if name and name not in self.images:
            self.images[name] = ImageReader(str(Path(settings.MEDIA_ROOT) / name))
        return self.images.get(name)

    def _overlay(self, ctx) -> bytes:
        buffer = io.BytesIO()
        c = canvas.Canvas(buffer, pagesize=(WIDTH, HEIGHT))
        c.setFillColor(INK)
        c.setFont("Serif-Bold", 2.7 * U)
        c.drawCentredString(WIDTH / 2, HEIGHT - 15 * U, ctx.learner_name)
        c.setFont("Serif-Bold", 1.55 * U)
        c.drawCentredString(WIDTH / 2, HEIGHT - 19.8 * U, ctx.course_title)
        c.setFont("Serif", U)
        c.setFillColor(MUTED)
        c.drawCentredString(
            WIDTH / 2, HEIGHT - 21.4 * U, f"a course of study offered by {ctx.organization_name}"
        )
        c.setFillColor(INK)
        c.setFont("Sans", 0.95 * U)
        c.drawCentredString(WIDTH / 2, HEIGHT - 23 * U, f"Issued {ctx.issued_date:%B %d, %Y}")
        logo = self._image(ctx.organization_logo_name)
        if logo:
            c.drawImage(logo, 5.4 * U, HEIGHT - 7.6 * U, height=3.2 * U, width=9.6 * U, mask="auto")
        for i, s in enumerate(ctx.signatories):
            x = WIDTH / 2 + (i - (len(ctx.signatories) - 1) / 2) * 16.5 * U
            image = self._image(s.image_name)
            if image:
                c.drawImage(image, x - 5 * U, 11.5 * U, width=10 * U, height=3.3 * U, mask="auto")
            c.line(x - 6.5 * U, 11.3 * U, x + 6.5 * U, 11.3 * U)
            c.setFont("Serif-Bold", 0.95 * U)
            c.drawCentredString(x, 10 * U, s.name)
            c.setFont("Sans", 0.75 * U)
            c.drawCentredString(x, 9 * U, s.title)
        self._qr(c, ctx.verify_url, 5.4 * U, 4 * U, 4.6 * U)
        c.setFont("Sans", 0.72 * U)
        c.drawString(11 * U, 6.6 * U, f"Verify this certificate at {ctx.verify_url}")
        c.drawString(11 * U, 5.6 * U, f"Certificate ID {ctx.certificate_id}")
        c.save()
        return buffer.getvalue()

    @staticmethod
    def _qr(c, url: str, x: float, y: float, size: float) -> None:
        matrix = segno.make(url, error="m", mask=0).matrix
        cell = size / len(matrix)
        path = c.beginPath()
        for row, bits in enumerate(matrix):
            for col, bit in enumerate(bits):
                if bit:
                    path.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell)
        c.drawPath(path, stroke=0, fill=1)

    def render(self, ctx) -> bytes:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(self.template)))
        writer.pages[0].merge_page(PdfReader(io.BytesIO(self._overlay(ctx))).pages[0])
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
