"""The certificate PDF: same design as the page (typst for the built-in one), fonts embedded for every script,
the QR code decodes to the page URL, rendered once, stored, replaced on reissue (ADR 0005)."""

import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from coursecerts.certificates.rendering import fonts, pdf
from coursecerts.certificates.rendering.fonts import FontsMissing
from coursecerts.certificates.services.pdf import PDF_FOLDER, certificate_pdf_get_or_render, pdf_storage
from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory, UserFactory
from tests.web.conftest import ARABIC_NAME, CHINESE_NAME, HEBREW_NAME, issue
from tests.web.pdfs import pdf_fonts, pdf_pages, pdf_text, pdf_to_png, qr_texts

pytestmark = pytest.mark.django_db


def download(client, certificate, suffix="/pdf", **params):
    return client.get(f"/certificates/{certificate.verify_uuid}{suffix}", params)


def stored_files(certificate):
    try:
        return sorted(pdf_storage().listdir(f"{PDF_FOLDER}/{certificate.verify_uuid}")[1])
    except FileNotFoundError:
        return []


def test_it_downloads_as_a_pdf_with_a_good_filename(client, certificate):
    response = download(client, certificate)
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Data Science 101 - Jane Doe - certificate.pdf"'
    )
    assert body.startswith(b"%PDF-") and pdf_pages(body) == 1


def test_the_dot_pdf_url_works_too(client, certificate):
    assert download(client, certificate, suffix=".pdf").status_code == 200


def test_the_pdf_has_the_certificate_and_its_qr_code_decodes_to_the_page(client, certificate, tmp_path):
    body = b"".join(download(client, certificate).streaming_content)
    text = pdf_text(body, tmp_path)
    for expected in (
        "Jane Doe",
        "Data Science 101",
        "Verified Certificate of Achievement",
        "Ada Lovelace",
        "Open Learning Institute",
        certificate.verify_uuid,
    ):
        assert expected in text, expected
    assert qr_texts(pdf_to_png(body, tmp_path)) == [
        f"http://testserver/certificates/{certificate.verify_uuid}"
    ]


@pytest.mark.parametrize(
    ("name", "font"),
    [(ARABIC_NAME, "NotoNaskhArabic"), (HEBREW_NAME, "NotoSerifHebrew"), (CHINESE_NAME, "NotoSerifCJK")],
    ids=["arabic", "hebrew", "chinese"],
)
def test_names_in_every_script_are_drawn_with_embedded_fonts(course_run, tmp_path, name, font):
    certificate = issue(course_run, name=name)
    stored = certificate_pdf_get_or_render(certificate=certificate, language="en")
    body = pdf_storage().open(stored.name).read()
    assert name in pdf_text(body, tmp_path).replace("\u202b", "").replace("\u202c", "")
    listing = pdf_fonts(body, tmp_path)
    assert font in listing
    for line in listing.splitlines()[2:]:
        assert " yes yes " in line, f"font not embedded and subset: {line}"
    assert "Libertinus" not in listing  # typst's own fallback font would mean a missing glyph


def test_the_arabic_pdf_is_translated(certificate, tmp_path):
    stored = certificate_pdf_get_or_render(certificate=certificate, language="ar")
    text = pdf_text(pdf_storage().open(stored.name).read(), tmp_path)
    assert "قد أتمّ بنجاح" in text or "بنجاح" in text
    assert stored.name.endswith(".pdf") and "/ar-" in stored.name


def test_it_is_rendered_once_and_then_served_from_storage(certificate, monkeypatch):
    first = certificate_pdf_get_or_render(certificate=certificate, language="en")
    assert first.rendered
    assert first.name.startswith(f"certificates/pdf/{certificate.verify_uuid}/en-")
    monkeypatch.setattr(pdf, "render_default_pdf", lambda context: pytest.fail("rendered twice"))
    second = certificate_pdf_get_or_render(certificate=certificate, language="en")
    assert (second.name, second.rendered) == (first.name, False)


def test_a_reissue_replaces_the_stored_pdf(client, course_run, certificate, tmp_path):
    first = certificate_pdf_get_or_render(certificate=certificate, language="en")
    certificate.user.profile.name = "Jane Q. Doe"
    certificate.user.profile.save()
    issue(course_run, name="Jane Q. Doe", username=certificate.user.username)
    body = b"".join(download(client, certificate, lang="en").streaming_content)
    assert "Jane Q. Doe" in pdf_text(body, tmp_path)
    (name,) = stored_files(certificate)
    assert f"{PDF_FOLDER}/{certificate.verify_uuid}/{name}" != first.name
    assert not pdf_storage().exists(first.name)


def test_languages_are_stored_side_by_side(certificate):
    certificate_pdf_get_or_render(certificate=certificate, language="en")
    certificate_pdf_get_or_render(certificate=certificate, language="ar")
    assert [name[:3] for name in stored_files(certificate)] == ["ar-", "en-"]


def test_no_pdf_for_an_invalidated_or_unknown_certificate(client, certificate):
    from coursecerts.certificates.services import certificate_invalidation_create

    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))
    assert download(client, certificate).status_code == 410
    assert client.get("/certificates/" + "a" * 32 + "/pdf").status_code == 404


def test_an_operator_template_is_printed_from_its_html(course_run, tmp_path, caplog):
    template = CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        template="<style>@page { size: A4 landscape }</style><h1>Custom {{ accomplishment_copy_name }}</h1>"
        '<img id="logo" src="{{ organization_logo }}" width="300">'
        '<img src="file:///etc/hostname"><img src="http://example.org/x.png">'
        "{% load certificate %}{% certificate_qr %}",
    )
    template_version_publish(version=template_version_create(template=template))
    certificate = issue(course_run)
    stored = certificate_pdf_get_or_render(certificate=certificate, language="en")
    body = pdf_storage().open(stored.name).read()
    assert "Custom Jane Doe" in pdf_text(body, tmp_path)
    images = subprocess.run(["pdfimages", "-list", "-"], input=body, capture_output=True).stdout.decode()
    # the logo (and its alpha mask) and the QR code; not the file or the other host
    assert len(images.splitlines()[2:]) == 3, images
    assert pdf_pages(body) == 1
    refused = [r.getMessage() for r in caplog.records if "may only use media files" in r.getMessage()]
    assert len(refused) == 2, refused
    assert qr_texts(pdf_to_png(body, tmp_path, dpi=200)) == [
        f"http://testserver/certificates/{certificate.verify_uuid}"
    ]


def test_with_pdf_on_issue_a_task_renders_it_after_commit(settings, course_run, captured_on_commit):
    settings.CERTIFICATE_PDF_ON_ISSUE = True
    with captured_on_commit(execute=True):
        certificate = issue(course_run)
    assert stored_files(certificate) != []


def test_without_pdf_on_issue_nothing_is_rendered_until_asked(course_run, captured_on_commit):
    with captured_on_commit(execute=True):
        certificate = issue(course_run)
    assert stored_files(certificate) == []


class TestFonts:
    @pytest.fixture
    def no_fonts(self, settings, tmp_path):
        settings.CERTIFICATE_FONT_DIRS = [str(tmp_path / "empty")]
        fonts.font_folder.cache_clear()
        pdf._typst.cache_clear()
        yield
        fonts.font_folder.cache_clear()
        pdf._typst.cache_clear()

    def test_rendering_fails_loudly_without_the_fonts(self, no_fonts, certificate):
        with pytest.raises(FontsMissing, match="NotoNaskhArabic-Regular.ttf.*fonts-noto-core fonts-noto-cjk"):
            certificate_pdf_get_or_render(certificate=certificate, language="en")

    def test_the_system_check_names_the_missing_fonts(self, no_fonts):
        with pytest.raises(SystemCheckError, match=r"certificates\.E001.*NotoSerifCJK-Regular.ttc"):
            call_command("check")


def test_with_pdf_on_issue_a_course_wide_run_renders_the_issued_pdfs_in_batches(
    settings, course_run, captured_on_commit
):
    from coursecerts.certificates.models import GeneratedCertificate
    from coursecerts.certificates.services.generation_jobs import course_generation_start
    from tests.factories import learner_in_course

    settings.CERTIFICATE_PDF_ON_ISSUE = True
    passing = learner_in_course(course_run, username="bulk-pass")
    learner_in_course(course_run, username="bulk-fail", percent=0.1, passed=False)
    with captured_on_commit(execute=True):
        course_generation_start(course_run=course_run, scope="all")
    certificate = GeneratedCertificate.objects.get(user=passing)
    assert stored_files(certificate) != []
    assert GeneratedCertificate.objects.count() == 1
