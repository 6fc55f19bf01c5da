"""Course runs and learner data: validated on the way in, with errors that name what is wrong."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun
from coursecerts.courses.services import course_run_upsert
from coursecerts.grades.services import course_grade_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
KEY = "course-v1:OLI+DS101+2026_T1"


@pytest.mark.parametrize(
    "bad", ["", "not a key", "course-v1:Org+Only", "course-v1:a b+c+d", "ccx-v1:edX+A+B+ccx@1"]
)
def test_a_malformed_course_key_is_a_clear_error_and_nothing_is_stored(bad):
    with pytest.raises(InvalidCourseKey, match="is not a valid course key"):
        course_run_upsert(course_key=bad, display_name="x")
    assert not CourseRun.objects.exists()


def test_old_style_keys_are_accepted():
    assert str(parse_course_key("MITx/6.002x/2012_Fall")) == "MITx/6.002x/2012_Fall"


def test_a_run_is_created_with_its_organisation_and_modes():
    run, created = course_run_upsert(course_key=KEY, display_name="Data Science", modes=["audit", "verified"])
    assert created and run.organization.short_name == "OLI"
    assert sorted(run.modes.values_list("mode_slug", flat=True)) == ["audit", "verified"]
    run, created = course_run_upsert(course_key=KEY, display_name="Data Science", modes=["verified"])
    assert not created and list(run.modes.values_list("mode_slug", flat=True)) == ["verified"]


@pytest.mark.parametrize(
    "fields",
    [
        {"certificates_display_behavior": "end", "certificate_available_date": timezone.now()},
        {"certificates_display_behavior": "end_with_date", "certificate_available_date": None},
        {
            "certificates_display_behavior": "end_with_date",
            "certificate_available_date": timezone.now(),
            "self_paced": True,
        },
        {"certificates_display_behavior": "early_with_info"},
        {"start": timezone.now(), "end": timezone.now() - dt.timedelta(days=1)},
    ],
)
def test_inconsistent_display_settings_are_refused(fields):
    with pytest.raises(ValidationError):
        course_run_upsert(course_key=KEY, display_name="x", **fields)
    assert not CourseRun.objects.exists()


def test_the_available_date_rule_message_names_the_fields():
    with pytest.raises(ValidationError, match="certificate_available_date is required"):
        course_run_upsert(course_key=KEY, display_name="x", certificates_display_behavior="end_with_date")


@pytest.mark.parametrize("percent", [-0.1, 1.5])
def test_a_grade_outside_0_and_1_is_refused(percent):
    run, _ = course_run_upsert(course_key=KEY, display_name="x")
    with pytest.raises(ValidationError):
        course_grade_update(user=UserFactory(), course_run=run, percent_grade=percent, passed=True)
    assert not run.grades.exists()


def test_a_run_without_an_organisation_named_keeps_the_existing_organisations_name():
    from coursecerts.courses.models import Organization

    Organization.objects.create(short_name="OLI", name="Open Learning Institute")
    run, _ = course_run_upsert(course_key=KEY, display_name="x")
    assert run.organization.name == "Open Learning Institute"
    assert Organization.objects.get(short_name="OLI").name == "Open Learning Institute"
