"""GET /api/v1/courses/{course_key}/certificates — a run's certificates, paginated and filtered."""

import pytest

from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import GeneratedCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = f"/api/v1/courses/{COURSE_KEY}/certificates"


@pytest.fixture
def many(physics, certificate):
    for n in range(4):
        GeneratedCertificateFactory(
            user=UserFactory(username=f"l{n}"), course=physics, status="notpassing", mode="audit"
        )


def test_course_staff_list_with_filters(course_staff_api, many, certificate):
    response = course_staff_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    first = body["results"][0]
    assert first["username"] == "alice"
    assert first["verify_uuid"] == certificate.verify_uuid
    assert first["certificate_url"].endswith(f"/certificates/{certificate.verify_uuid}")
    assert course_staff_api.get(URL, {"status": "notpassing"}).json()["count"] == 4
    assert course_staff_api.get(URL, {"mode": "verified"}).json()["count"] == 1
    assert course_staff_api.get(URL, {"username": "l2"}).json()["results"][0]["username"] == "l2"
    page = course_staff_api.get(URL, {"page_size": 2, "page": 3}).json()
    assert len(page["results"]) == 1 and page["next"] is None


def test_bad_filters_are_named(course_staff_api, physics):
    body = assert_error(course_staff_api.get(URL, {"status": "golden", "mode": "x"}), 400, "invalid_input")
    assert set(body["errors"]) == {"status", "mode"}


def test_the_query_count_does_not_grow_with_rows(staff_api, many, django_assert_num_queries):
    staff_api.get(URL)
    # token, run, count, page (certificates with users and runs)
    with django_assert_num_queries(4):
        assert staff_api.get(URL).json()["count"] == 5


def test_permissions(outsider_api, alice_api, anonymous, instructor_api, staff_api, physics):
    assert instructor_api.get(URL).status_code == 200
    assert_error(outsider_api.get(URL), 403, "permission_denied")
    assert alice_api.get(URL).status_code == 403
    assert anonymous.get(URL).status_code == 401
    assert_error(staff_api.get("/api/v1/courses/course-v1:no+such+run/certificates"), 404, "course_not_found")
    assert_error(staff_api.get("/api/v1/courses/garbage/certificates"), 404, "course_not_found")
