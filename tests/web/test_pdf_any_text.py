"""A PDF is drawn whatever text it holds: emoji and symbols with Noto Color Emoji and Noto Sans Symbols 2, and a
character that no certificate font has as U+FFFD (PDF/A forbids an empty box, and typst refuses one), with a
warning logged, in the built-in design (typst) and in an operator's HTML template (WeasyPrint)."""

import pytest

from coursecerts.certificates.models import Signatory
from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory
from tests.web.conftest import issue
from tests.web.pdfs import pdf_fonts, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]


def download(client, certificate) -> bytes:
    response = client.get(f"/certificates/{certificate.verify_uuid}/pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    return b"".join(response.streaming_content)


def test_an_emoji_in_a_learner_name_is_drawn(client, course_run, tmp_path):
    body = download(client, issue(course_run, name="Jane 🎓 Doe"))
    text = pdf_text(body, tmp_path)
    assert "Jane" in text and "🎓 Doe" in text
    assert "Type 3" in pdf_fonts(body, tmp_path)  # the emoji's colour bitmap, embedded


def test_an_emoji_in_a_signatory_name_is_drawn_on_every_certificate(client, course_run, tmp_path):
    Signatory.objects.filter(name="Ada Lovelace").update(name="Ada 🎓 Lovelace")
    for name in ("Jane Doe", "John Roe"):
        text = pdf_text(download(client, issue(course_run, name=name)), tmp_path)
        assert name in text and "Ada" in text and "Lovelace" in text


def test_an_emoji_in_a_course_title_is_drawn(client, course_run, tmp_path):
    course_run.display_name = "Data Science 🎓 101"
    course_run.save()
    text = pdf_text(download(client, issue(course_run)), tmp_path)
    assert "Data Science" in text and "101" in text and "Jane Doe" in text


@pytest.mark.parametrize("text", ["✓ ★ ☎ ⚖", "❤️ 👩‍🎓 🇫🇷"], ids=["symbols", "emoji-sequences"])
def test_symbols_and_emoji_sequences_are_drawn(client, course_run, tmp_path, text):
    assert "Jane" in pdf_text(download(client, issue(course_run, name=f"Jane {text} Doe")), tmp_path)


def test_a_character_no_font_has_is_drawn_as_a_replacement_character(client, course_run, tmp_path, caplog):
    certificate = issue(course_run, name="Jane \ue000\U0010fffd Doe")
    text = pdf_text(download(client, certificate), tmp_path)
    assert "Jane \ufffd\ufffd Doe" in text
    [warning] = [r for r in caplog.records if "drawn as U+FFFD" in r.getMessage()]
    assert warning.levelname == "WARNING" and certificate.verify_uuid in warning.getMessage()


def test_an_operator_template_draws_emoji_and_unknown_characters(client, course_run, tmp_path):
    template = CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        template="<h1>Custom {{ accomplishment_copy_name }} 🎓</h1>",
    )
    template_version_publish(version=template_version_create(template=template))
    certificate = issue(course_run, name="Jane \ue000 🎓 Doe")
    text = pdf_text(download(client, certificate), tmp_path)
    assert "Custom Jane" in text and "Doe" in text
