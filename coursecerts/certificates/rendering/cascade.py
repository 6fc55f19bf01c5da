"""Which operator template a certificate uses: the Open edX cascade, with languages (README "Web certificates",
Templates).

Only active templates that have a published version count (ADR 0006). Levels, most specific first:
1. organisation + mode + course key; 2. organisation + mode; 3. organisation alone; 4. mode alone. Within a
level: the template in the course's language, then the "All Languages" one (language ''), then the first
remaining (language unset); with no course language, an unset language wins over "All Languages".
None means the built-in default design.
"""

from __future__ import annotations

import logging

from django.db.models import Prefetch, Q

from coursecerts.certificates.models import (
    CertificateGenerationCourseSetting,
    CertificateTemplate,
    CertificateTemplateVersion,
    TemplateVersionStates,
)
from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)


def template_language_for_course(course_run: CourseRun) -> str | None:
    """The two-letter course language when the course asks for language-specific templates, else None."""
    setting = CertificateGenerationCourseSetting.get(course_run.id)
    if setting is None or not setting.language_specific_templates_enabled or not course_run.language:
        return None
    return course_run.language[:2].lower()


def certificate_template_get(
    *, organization_id: int | None, course_key, mode: str | None, language: str | None
) -> CertificateTemplate | None:
    """The active template the cascade picks (with `published_versions` prefetched), or None for the default."""
    return _pick(
        _candidates(organization_id, [mode] if mode else [], language),
        organization_id,
        course_key,
        mode,
        language,
    )


def _pick(candidates, organization_id, course_key, mode, language) -> CertificateTemplate | None:
    for level in _levels(organization_id, course_key, mode):
        matching = [t for t in candidates if level(t)]
        chosen = _by_language(matching, language)
        if chosen is not None:
            return chosen
    log.debug("no custom template for %s (%s, %s): built-in default", course_key, mode, language)
    return None


def published_version_get(
    *, organization_id: int | None, course_key, mode: str | None, language: str | None
) -> CertificateTemplateVersion | None:
    template = certificate_template_get(
        organization_id=organization_id, course_key=course_key, mode=mode, language=language
    )
    return template.published_versions[0] if template is not None else None


def published_version_for_course(
    course_run: CourseRun, mode: str, *, fresh: bool = False
) -> CertificateTemplateVersion | None:
    """The version a certificate in `mode` of `course_run` is issued with now (None: the built-in design).
    Unless `fresh`, remembered on the CourseRun instance, so a bulk issue over one run costs two queries per
    mode, not two per certificate; a new instance (the next chunk, request or task) reads again."""
    memo = course_run.__dict__.setdefault("_published_template_versions", {})
    if fresh or mode not in memo:
        memo[mode] = published_version_get(
            organization_id=course_run.organization_id,
            course_key=course_run.id,
            mode=mode,
            language=template_language_for_course(course_run),
        )
    return memo[mode]


def published_versions_for_course(
    course_run: CourseRun, modes
) -> dict[str, CertificateTemplateVersion | None]:
    """published_version_for_course for several modes at once, in three queries whatever their number (what a
    bulk issue over one run needs), remembered on the instance the same way."""
    memo = course_run.__dict__.setdefault("_published_template_versions", {})
    missing = [mode for mode in modes if mode not in memo]
    if missing:
        organization_id, language = course_run.organization_id, template_language_for_course(course_run)
        candidates = _candidates(organization_id, missing, language)
        for mode in missing:
            template = _pick(candidates, organization_id, course_run.id, mode, language)
            memo[mode] = template.published_versions[0] if template is not None else None
    return {mode: memo[mode] for mode in modes}


def _candidates(organization_id, modes: list[str], language) -> list[CertificateTemplate]:
    """The active templates with a published version that any level could pick for these modes (a superset:
    the levels then check organisation, mode and course exactly)."""
    published = CertificateTemplateVersion.objects.filter(state=TemplateVersionStates.PUBLISHED)
    scope = Q(organization_id=organization_id) if organization_id else Q(pk__in=[])
    if modes:
        scope |= Q(organization__isnull=True, mode__in=modes)
    languages = Q(language__isnull=True) | Q(language="")
    if language:
        languages |= Q(language=language)
    queryset = (
        CertificateTemplate.objects.filter(scope, languages, is_active=True, versions__state="published")
        .prefetch_related(Prefetch("versions", queryset=published, to_attr="published_versions"))
        .order_by("pk")
    )
    return list(queryset)


def _no_course(template) -> bool:
    return not template.course_key


def _levels(organization_id, course_key, mode):
    if organization_id and mode:
        yield (
            lambda t: (
                t.organization_id == organization_id
                and t.mode == mode
                and str(t.course_key) == str(course_key)
            )
        )
        yield lambda t: t.organization_id == organization_id and t.mode == mode and _no_course(t)
    if organization_id:
        yield lambda t: t.organization_id == organization_id and t.mode is None and _no_course(t)
    if mode:
        yield lambda t: t.organization_id is None and t.mode == mode and _no_course(t)


def _by_language(templates: list[CertificateTemplate], language: str | None) -> CertificateTemplate | None:
    preferred = [t for t in templates if t.language == language] if language else []
    preferred += [t for t in templates if t.language is None] if not language else []
    preferred += [t for t in templates if t.language == ""]
    return (preferred or templates or [None])[0]
