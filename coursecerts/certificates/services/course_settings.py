"""A run's certificate settings (self-generation, language-specific templates), as the course team sets them.
Open edX keeps every version of them: the newest row of a course wins (CertificateGenerationCourseSetting.get),
so a change adds a row and the earlier ones stay as history."""

from __future__ import annotations

from django.db import transaction

from coursecerts.certificates.models import CertificateGenerationCourseSetting
from coursecerts.courses.models import CourseRun


@transaction.atomic
def certificate_course_setting_put(
    *, course_run: CourseRun, self_generation_enabled: bool, language_specific_templates_enabled: bool
) -> CertificateGenerationCourseSetting:
    """The run's settings with these two values (other fields carried over); nothing is written when unchanged."""
    current = CertificateGenerationCourseSetting.get(course_run.id)
    wanted = {
        "self_generation_enabled": self_generation_enabled,
        "language_specific_templates_enabled": language_specific_templates_enabled,
    }
    if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
        return current
    setting = CertificateGenerationCourseSetting(
        course_key=course_run.id,
        include_hours_of_effort=current.include_hours_of_effort if current else None,
        **wanted,
    )
    setting.full_clean()
    setting.save()
    return setting
