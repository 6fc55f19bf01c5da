"""GET /api/v1/courses/{course_key}/generation-history — course-wide generations, newest first."""

import pytest

from coursecerts.certificates.models import CertificateGenerationHistory
from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = pytest.mark.django_db

URL = f"/api/v1/courses/{COURSE_KEY}/generation-history"


def test_it_lists_runs_with_the_dashboard_wording(course_staff_api, physics, staff):
    CertificateGenerationHistory.objects.create(course=physics, generated_by=staff, task_id="t1")
    CertificateGenerationHistory.objects.create(
        course=physics,
        generated_by=staff,
        task_id="t2",
        is_regeneration=True,
        task_input={"statuses_to_regenerate": ["downloadable", "notpassing"]},
    )
    body = course_staff_api.get(URL).json()
    assert body["count"] == 2
    newest, oldest = body["results"]
    assert (newest["task_id"], newest["task_name"], newest["candidates"]) == (
        "t2",
        "regenerated",
        "already received, didn't receive",
    )
    assert (oldest["task_name"], oldest["candidates"], oldest["generated_by"]) == (
        "generated",
        "All Learners",
        "staff",
    )


def test_permissions(outsider_api, anonymous, staff_api, physics):
    assert outsider_api.get(URL).status_code == 403
    assert anonymous.get(URL).status_code == 401
    assert_error(staff_api.get("/api/v1/courses/course-v1:a+b+c/generation-history"), 404, "course_not_found")
