"""The page's language (README "Web certificates", Languages) and its Arabic translation, mirrored."""

import pytest

from coursecerts.certificates.models import CertificateGenerationCourseSetting
from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def get(client, certificate, headers=None, **params):
    return client.get(f"/certificates/{certificate.verify_uuid}", params, headers=headers or {})


def test_english_by_default(client, certificate):
    response = get(client, certificate)
    assert response["Content-Language"] == "en"
    assert b'<html lang="en" dir="ltr">' in response.content


def test_lang_parameter_gives_arabic_right_to_left(client, certificate):
    response = get(client, certificate, lang="ar")
    body = response.content.decode()
    assert response["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in body
    assert "نشهد بأنّ" in body and "شهادة إنجاز موثّقة" in body and "تنزيل ملف PDF" in body
    assert "Jane Doe" in body  # the stored name, as written


def test_accept_language_is_followed(client, certificate):
    response = get(client, certificate, headers={"Accept-Language": "ar-EG,ar;q=0.9"})
    assert response["Content-Language"] == "ar"


def test_an_untranslated_language_falls_back_to_english(client, certificate):
    response = get(client, certificate, headers={"Accept-Language": "de"}, lang="xx")
    assert response["Content-Language"] == "en"


def test_the_lang_parameter_wins_over_accept_language(client, certificate):
    assert get(client, certificate, headers={"Accept-Language": "ar"}, lang="en")["Content-Language"] == "en"


def test_a_template_written_in_one_language_shows_in_the_course_language(client, course_run):
    """A custom template with a language renders in the course's language, whatever the visitor's."""
    course_run.language = "ar"
    course_run.save()
    CertificateGenerationCourseSetting.objects.create(
        course_key=course_run.id, language_specific_templates_enabled=True
    )
    template = CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        language="ar",
        template='{% load i18n %}<p id="lang">{% get_current_language as L %}{{ L }}</p>',
    )
    template_version_publish(version=template_version_create(template=template))
    certificate = issue(course_run)
    response = get(client, certificate, lang="en")
    assert b'<p id="lang">ar</p>' in response.content


def test_the_invalid_page_is_translated_too(client):
    response = client.get("/certificates/" + "a" * 32, {"lang": "ar"})
    assert response.status_code == 404
    assert "تعذّر العثور على الشهادة" in response.content.decode()
