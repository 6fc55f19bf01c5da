"""The template cascade (README "Web certificates", Templates): organisation + mode + course, organisation + mode,
organisation, mode, then the built-in default; the course language when the course asks for language-specific
templates."""

import pytest

from coursecerts.certificates.models import CertificateGenerationCourseSetting
from coursecerts.certificates.rendering.cascade import (
    certificate_template_get,
    published_version_for_course,
    published_versions_for_course,
)
from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory, CourseRunFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

KEY = "course-v1:OLI+C1+2026"


@pytest.fixture
def org():
    return OrganizationFactory(short_name="OLI")


@pytest.fixture
def other_org():
    return OrganizationFactory(short_name="Other")


def template(*, publish=True, **fields):
    fields.setdefault("course_key", None)
    fields.setdefault("organization", None)
    made = CertificateTemplateFactory(**fields)
    if publish:
        template_version_publish(version=template_version_create(template=made))
    return made


def pick(org, mode="verified", language=None, course_key=KEY):
    return certificate_template_get(
        organization_id=org.pk if org else None, course_key=course_key, mode=mode, language=language
    )


def test_nothing_matches_gives_the_default(org):
    assert pick(org) is None


def test_the_levels_from_most_to_least_specific(org, other_org):
    mode_only = template(mode="verified")
    assert pick(org) == mode_only
    org_only = template(organization=org, mode=None)
    assert pick(org) == org_only
    org_mode = template(organization=org, mode="verified")
    assert pick(org) == org_mode
    org_mode_course = template(organization=org, mode="verified", course_key=KEY)
    assert pick(org) == org_mode_course
    template(organization=other_org, mode="verified", course_key=KEY, name="other org")
    assert pick(org) == org_mode_course


def test_other_modes_and_courses_do_not_match(org):
    template(organization=org, mode="honor", course_key=KEY)
    template(organization=org, mode="verified", course_key="course-v1:OLI+Other+2026")
    template(mode="honor")
    assert pick(org) is None


def test_inactive_templates_and_unpublished_ones_do_not_count(org):
    template(organization=org, mode="verified", is_active=False)
    template(organization=org, mode=None, publish=False)
    assert pick(org) is None


def test_with_a_course_language_the_language_template_wins(org):
    template(organization=org, mode="verified", language=None, name="unset")
    all_languages = template(organization=org, mode="verified", language="", name="all")
    spanish = template(organization=org, mode="verified", language="es", name="es")
    template(organization=org, mode="verified", language="fr", name="fr")
    assert pick(org, language="es") == spanish
    assert pick(org, language="de") == all_languages


def test_without_a_course_language_an_unset_language_wins_over_all_languages(org):
    template(organization=org, mode="verified", language="", name="all")
    unset = template(organization=org, mode="verified", language=None, name="unset")
    template(organization=org, mode="verified", language="es", name="es")
    assert pick(org) == unset


def test_a_language_template_never_matches_another_language(org):
    template(organization=org, mode="verified", language="fr")
    assert pick(org, language="es") is None
    assert pick(org) is None


def test_the_course_language_counts_only_when_the_course_setting_asks(org):
    run = CourseRunFactory(id=KEY, organization=org, language="es-419")
    spanish = template(organization=org, mode="verified", language="es")
    generic = template(organization=org, mode="verified", language=None, name="generic")
    assert published_version_for_course(run, "verified").template == generic
    CertificateGenerationCourseSetting.objects.create(
        course_key=run.id, language_specific_templates_enabled=True
    )
    run = type(run).objects.get(pk=run.pk)
    assert published_version_for_course(run, "verified").template == spanish


def test_all_modes_at_once_pick_what_each_mode_picks_alone(org, other_org):
    """Course-wide generation resolves every mode in one read; each must get the per-mode cascade's answer."""
    run = CourseRunFactory(id=KEY, organization=org, language="es")
    CertificateGenerationCourseSetting.objects.create(
        course_key=run.id, language_specific_templates_enabled=True
    )
    template(mode="honor", name="honor, any org")
    template(mode="professional", language="es", name="professional, Spanish")
    template(mode="professional", language="fr", name="professional, French")
    template(organization=org, mode="verified", course_key=KEY, name="this course, verified")
    template(organization=org, mode="masters", name="this org, masters")
    template(organization=other_org, mode="audit", name="another org, audit")
    template(mode="credit", publish=False, name="never published")
    modes = ["honor", "professional", "verified", "masters", "audit", "credit", "no-id-professional"]
    together = published_versions_for_course(type(run).objects.get(pk=run.pk), modes)
    alone = {mode: published_version_for_course(type(run).objects.get(pk=run.pk), mode) for mode in modes}
    assert together == alone
    assert {m: v.template.name for m, v in together.items() if v} == {
        "honor": "honor, any org",
        "professional": "professional, Spanish",
        "verified": "this course, verified",
        "masters": "this org, masters",
    }
