"""The language of a certificate page (README "Web certificates", Languages): a custom template written in one
language is shown in the course's language; otherwise `?lang`, then the visitor's language (cookie,
Accept-Language, as Django's LocaleMiddleware found it), then LANGUAGE_CODE, among the languages the page is
translated into (CERTIFICATE_LANGUAGES)."""

from __future__ import annotations

from django.conf import settings

from coursecerts.certificates.models import CertificateTemplateVersion
from coursecerts.courses.models import CourseRun


def closest_language(code: str | None) -> str | None:
    """The translated language closest to `code`, or None: itself, else its language without the region ('ar-EG'
    -> 'ar'), else the first translated variant of that language (a course's 'pt' or 'pt_PT' -> 'pt-br', 'zh' or
    'zh-CN' -> 'zh-hans')."""
    if not code:
        return None
    code = code.lower().replace("_", "-")
    supported = settings.CERTIFICATE_LANGUAGES
    if code in supported:
        return code
    generic = code.split("-")[0]
    if generic in supported:
        return generic
    return next((language for language in supported if language.startswith(generic + "-")), None)


def page_language(
    *,
    requested: str | None,
    visitor: str | None,
    course_run: CourseRun | None,
    version: CertificateTemplateVersion | None,
) -> str:
    if version is not None and course_run is not None and version.template.language:
        course_language = closest_language(course_run.language)
        if course_language:
            return course_language
    for candidate in (requested, visitor, settings.LANGUAGE_CODE):
        language = closest_language(candidate)
        if language:
            return language
    return settings.CERTIFICATE_LANGUAGES[0]
