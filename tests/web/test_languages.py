"""Every language the service speaks (README "Languages"): the certificate page and its PDF, the console and the
learner's emails, each translated, with dates in the language's own conventions; every catalogue complete and
its compiled .mo up to date."""

import datetime as dt
import gettext
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, translation

from coursecerts.certificates.rendering.language import closest_language
from coursecerts.certificates.services import date_override_set
from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render, pdf_storage
from coursecerts.courses.models import CourseRoles
from coursecerts.notifications.rendering import email_message
from tests.factories import CourseAccessRoleFactory, UserFactory
from tests.web.pdfs import pdf_fonts, pdf_text

APPS = Path(__file__).resolve().parents[2] / "coursecerts"
# The apps with texts for people: each has a catalogue per language (README "Languages", adding a language).
APPS_WITH_TEXTS = ("accounts", "certificates", "console", "notifications")
ON_1_DECEMBER_2026 = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)

# language -> (a sentence of the certificate, the date 1 December 2026 as CLDR's long format writes it)
CERTIFICATE = {
    "en": ("This is to certify that", "December 1, 2026"),
    "ar": ("نشهد بأنّ", "1 ديسمبر 2026"),
    "es": ("Se certifica que", "1 de diciembre de 2026"),
    "fr": ("Nous certifions que", "1 décembre 2026"),
    "pt-br": ("Certificamos que", "1 de dezembro de 2026"),
    "zh-hans": ("兹证明", "2026年12月1日"),
}
# language -> (the console's learner lookup heading, an eligibility reason)
CONSOLE = {
    "en": ("Look up a learner", "Grade below the passing mark"),
    "ar": ("البحث عن متعلّم", "الدرجة أقل من درجة النجاح"),
    "es": ("Buscar un estudiante", "Calificación inferior a la nota de aprobado"),
    "fr": ("Rechercher un apprenant", "Note inférieure au seuil de réussite"),
    "pt-br": ("Buscar um aluno", "Nota abaixo da nota mínima de aprovação"),
    "zh-hans": ("查找学员", "成绩低于及格线"),
}
# language -> the issue email's subject for the course "Data Science 101"
EMAIL_SUBJECT = {
    "en": "Your certificate for Data Science 101 is ready",
    "ar": "شهادتك في مقرر Data Science 101 جاهزة",
    "es": "Su certificado de Data Science 101 está listo",
    "fr": "Votre certificat pour Data Science 101 est prêt",
    "pt-br": "Seu certificado de Data Science 101 está pronto",
    "zh-hans": "您的 Data Science 101 证书已就绪",
}
ZERO_PADDED_DATES = ("01/12/2026", "12/01/2026", "12/1/2026")


def test_the_service_speaks_the_six_languages_and_prints_certificates_in_each():
    expected = {"en", "ar", "es", "fr", "pt-br", "zh-hans"}
    assert {code for code, _ in settings.LANGUAGES} == expected
    assert set(settings.CERTIFICATE_LANGUAGES) == expected
    assert set(CERTIFICATE) == set(CONSOLE) == set(EMAIL_SUBJECT) == expected


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("ar-EG", "ar"),
        ("fr_CA", "fr"),
        ("es-419", "es"),
        ("pt", "pt-br"),
        ("pt-BR", "pt-br"),
        ("pt_PT", "pt-br"),
        ("zh", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("de", None),
    ],
)
def test_a_course_or_visitor_language_picks_the_closest_translation(code, language):
    """A course's language as Open edX writes it ('zh', 'pt') picks the translated variant."""
    assert closest_language(code) == language


@pytest.mark.django_db
@pytest.mark.parametrize("language", CERTIFICATE)
def test_the_page_is_translated_with_the_language_s_date(client, certificate, language):
    date_override_set(certificate=certificate, date=ON_1_DECEMBER_2026, reason="test", actor=UserFactory())
    response = client.get(f"/certificates/{certificate.verify_uuid}", {"lang": language})
    body = response.content.decode()
    sentence, date = CERTIFICATE[language]
    assert response["Content-Language"] == language
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in body
    assert sentence in body
    assert date in body
    assert not any(padded in body for padded in ZERO_PADDED_DATES)
    if language != "en":
        for english in ("This is to certify that", "Download PDF", "Valid certificate", "Certificate ID"):
            assert english not in body, english


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "language"), [("fr-FR,fr;q=0.9", "fr"), ("pt-BR", "pt-br"), ("zh-CN", "zh-hans")]
)
def test_the_visitor_s_browser_language_is_followed(client, certificate, accept_language, language):
    response = client.get(
        f"/certificates/{certificate.verify_uuid}", headers={"Accept-Language": accept_language}
    )
    assert response["Content-Language"] == language


@pytest.mark.django_db
@pytest.mark.parametrize("language", CERTIFICATE)
def test_the_pdf_is_in_the_language_with_its_fonts(certificate, tmp_path, language):
    date_override_set(certificate=certificate, date=ON_1_DECEMBER_2026, reason="test", actor=UserFactory())
    stored = certificate_pdf_get_or_render(certificate=certificate, language=language)
    body = pdf_storage().open(stored.name).read()
    text = pdf_text(body, tmp_path)
    sentence, date = CERTIFICATE[language]
    if language == "ar":
        # The text layer holds Arabic in visual order, marks apart: the words, and the date's line in parts.
        sentence = "شهادة إنجاز"
        issued = next(line for line in text.splitlines() if "صدرت في" in line)
        assert {"1", "ديسمبر", "2026"} <= set(re.findall(r"\w+", issued)), issued
        date = ""
    if language == "zh-hans":
        # typst spaces Chinese from Latin letters and digits, and pdftotext keeps the spaces
        text = re.sub(r"(?<=[\d年月]) | (?=[\d年月日])", "", text)
    assert sentence in text
    assert date in text
    fonts = pdf_fonts(body, tmp_path)
    if language == "zh-hans":
        assert "NotoSerifCJKsc" in fonts  # the Simplified Chinese glyphs of Noto Serif CJK
    if language == "ar":
        assert "NotoNaskhArabic" in fonts
    assert "Libertinus" not in fonts  # typst's own fallback would mean a glyph no certificate font has


@pytest.mark.django_db
@pytest.mark.parametrize("language", CONSOLE)
def test_the_console_is_in_the_browser_s_language(client, language):
    from tests.factories import CourseRunFactory, learner_in_course

    run = CourseRunFactory(id="course-v1:edX+DS101+2026", display_name="Data Science 101")
    learner_in_course(run, username="cy", percent=0.2, passed=False)
    instructor = UserFactory(username="ines")
    CourseAccessRoleFactory(user=instructor, course=run, role=CourseRoles.INSTRUCTOR)
    client.force_login(instructor)
    page = client.get(reverse("console:learners", args=[run.id]), {"q": "cy"}, HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    heading, reason = CONSOLE[language]
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
    assert heading in html and reason in html


@pytest.mark.parametrize("language", [code for code in CONSOLE if code != "en"])
def test_the_console_s_dates_follow_the_language(language):
    """Short date-times (the console's tables) are day first and not US-style in every language but English."""
    with translation.override(language):
        text = formats.date_format(ON_1_DECEMBER_2026, "SHORT_DATETIME_FORMAT")
    assert not text.startswith("12/"), text
    assert text.replace("\u200f", "").startswith(("1/12/2026", "01/12/2026", "2026年12月1日")), text


@pytest.mark.django_db
@pytest.mark.parametrize("language", EMAIL_SUBJECT)
def test_the_issue_email_is_in_the_learner_s_language(certificate, language):
    certificate.user.email = "jane@example.org"
    certificate.user.save()
    message = email_message(kind="issued", certificate=certificate, context={"language": language})
    assert message.subject == EMAIL_SUBJECT[language]
    assert "Data Science 101" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize(("course_language", "subject_start"), [("pt", "Seu certificado"), ("zh", "您的")])
def test_a_course_in_pt_or_zh_writes_its_emails_in_pt_br_or_zh_hans(
    certificate, course_language, subject_start
):
    certificate.user.email = "jane@example.org"
    certificate.user.save()
    certificate.course.language = course_language
    certificate.course.save()
    message = email_message(kind="issued", certificate=certificate, context={})
    assert message.subject.startswith(subject_start), message.subject


def catalogues():
    for app in APPS_WITH_TEXTS:
        for code, _ in settings.LANGUAGES:
            if code != "en":
                yield pytest.param(app, code, id=f"{app}-{code}")


def read_catalogue(app: str, code: str):
    path = APPS / app / "locale" / translation.to_locale(code) / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: README 'Languages' says how to add a language"
    with path.open("rb") as file:
        return path, read_po(file)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|<[^>]+>")


@pytest.mark.parametrize(("app", "code"), list(catalogues()))
def test_every_catalogue_is_complete_and_compiled(app, code):
    """No untranslated or fuzzy text, placeholders and HTML tags kept, plural forms as the language has them,
    and the committed .mo says the same as the .po (compilemessages was run)."""
    path, catalogue = read_catalogue(app, code)
    compiled = gettext.GNUTranslations(path.with_suffix(".mo").open("rb"))
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"untranslated or fuzzy: {ids[0]!r}")
            continue
        if len(ids) == 2 and len(strings) != catalogue.num_plurals:
            problems.append(f"{len(strings)} plural forms, not {catalogue.num_plurals}: {ids[0]!r}")
        for string in strings:
            if sorted(set(PLACEHOLDER.findall(string))) != sorted(set(PLACEHOLDER.findall(ids[-1]))):
                problems.append(f"placeholders or tags differ: {ids[0]!r} -> {string!r}")
        key = f"{message.context}\x04{ids[0]}" if message.context else ids[0]
        keys = [(key, form) for form in range(len(strings))] if len(ids) == 2 else [key]
        if [compiled._catalog.get(k) for k in keys] != list(strings):
            problems.append(f"not compiled: {ids[0]!r} (run compilemessages)")
    assert problems == []


@pytest.mark.parametrize("app", APPS_WITH_TEXTS)
def test_every_text_marked_for_translation_is_in_the_catalogues(app, tmp_path, monkeypatch):
    """makemessages on a copy of the app finds no text that the catalogues lack."""
    copy = tmp_path / app
    shutil.copytree(APPS / app, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "var"))
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["fr"], extensions=["html", "txt", "py"], verbosity=0)
    with (copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as file:
        marked = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(file) if m.id}
    for code, _ in settings.LANGUAGES:
        if code != "en":
            _, catalogue = read_catalogue(app, code)
            known = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalogue if m.id}
            assert sorted(marked - known) == [], f"{app} {code}: run makemessages and translate"


def test_no_other_app_has_texts_for_translation():
    """An app that starts marking texts needs its own catalogues (and a place in APPS_WITH_TEXTS)."""
    marks = re.compile(r"\{% (trans|translate|blocktrans|blocktranslate)\b|\bgettext|\bngettext|pgettext")
    others = sorted(
        str(path.relative_to(APPS))
        for path in APPS.rglob("*")
        if path.suffix in (".py", ".html", ".txt")
        and path.relative_to(APPS).parts[0] not in APPS_WITH_TEXTS
        and marks.search(path.read_text(encoding="utf-8", errors="replace"))
    )
    assert others == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", CERTIFICATE)
def test_the_expiry_email_gives_the_date_as_the_certificate_does(certificate, language):
    certificate.user.email = "jane@example.org"
    certificate.user.save()
    certificate.expires_date = ON_1_DECEMBER_2026
    message = email_message(kind="expiry_notice", certificate=certificate, context={"language": language})
    _, date = CERTIFICATE[language]
    assert date in message.subject
    assert date in message.body and date in message.alternatives[0][0]
