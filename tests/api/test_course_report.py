"""GET /api/v1/courses/{course_key}/report — one row per enrolled learner, eligibility with its reason."""

import csv
import io

import pytest

from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import AllowlistFactory, InvalidationFactory, learner_in_course

pytestmark = pytest.mark.django_db

URL = f"/api/v1/courses/{COURSE_KEY}/report"


@pytest.fixture
def roster(physics, certificate):
    learner_in_course(physics, username="bob", percent=0.3, passed=False)
    learner_in_course(physics, username="carl", mode="audit")
    dee = learner_in_course(physics, username="dee", grade=False)
    AllowlistFactory(user=dee, course=physics)


def test_json_rows_explain_who_is_eligible(course_staff_api, roster, certificate):
    response = course_staff_api.get(URL)
    assert response.status_code == 200
    rows = {row["username"]: row for row in response.json()}
    assert rows["alice"] == {
        "username": "alice",
        "email": "alice@example.com",
        "mode": "verified",
        "grade": 0.85,
        "passed": True,
        "allowlisted": False,
        "invalidated": False,
        "certificate_status": "downloadable",
        "eligible": True,
        "reason": "",
        "reason_message": "",
        "certificate_url": f"http://127.0.0.1:8000/certificates/{certificate.verify_uuid}",
    }
    assert (rows["bob"]["eligible"], rows["bob"]["reason"]) == (False, "not_passing")
    assert rows["bob"]["reason_message"] == "Grade below the passing mark"
    assert (rows["carl"]["eligible"], rows["carl"]["reason"]) == (False, "mode_ineligible")
    assert (rows["dee"]["eligible"], rows["dee"]["allowlisted"], rows["dee"]["passed"]) == (True, True, None)


def test_an_invalidated_learner_is_not_eligible(course_staff_api, certificate):
    InvalidationFactory(generated_certificate=certificate)
    [row] = course_staff_api.get(URL).json()
    assert (row["invalidated"], row["eligible"], row["reason"]) == (True, False, "invalidated")


def test_csv_has_the_same_rows(course_staff_api, roster):
    response = course_staff_api.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["username"] for row in rows] == ["alice", "bob", "carl", "dee"]
    assert rows[1]["eligible"] == "False" and rows[1]["certificate_url"] == ""


def test_the_query_count_does_not_grow_with_learners(staff_api, roster, physics, django_assert_num_queries):
    staff_api.get(URL)
    # token; run; enrollments with users and profiles; certificates; grades; allowlist; beta testers; IDV;
    # invalidations
    with django_assert_num_queries(9):
        assert len(staff_api.get(URL).json()) == 4
    for n in range(10):
        learner_in_course(physics, username=f"extra{n}")
    with django_assert_num_queries(9):
        assert len(staff_api.get(URL).json()) == 14


def test_errors_and_permissions(course_staff_api, outsider_api, anonymous, staff_api, physics):
    assert (
        "format" in assert_error(course_staff_api.get(URL, {"format": "xml"}), 400, "invalid_input")["errors"]
    )
    assert outsider_api.get(URL).status_code == 403
    assert anonymous.get(URL).status_code == 401
    assert_error(staff_api.get("/api/v1/courses/course-v1:a+b+c/report"), 404, "course_not_found")


FORMULA_LEARNERS = [  # (username, email): each cell starts like a spreadsheet formula
    ("+1+2", "=1+2@example.com"),
    ("-2+3", "+cmd@example.com"),
    ("@SUM(A1)", "-1@example.com"),
    ("formula", "@cmd@example.com"),
]


def test_csv_cells_that_start_like_formulas_are_written_as_text(course_staff_api, physics):
    """OWASP CSV injection: a text cell starting with =, +, -, @, tab or CR gets a leading quote, so a spreadsheet
    shows it instead of running it; numbers and booleans are left as they are."""
    for username, email in FORMULA_LEARNERS:
        learner_in_course(physics, username=username, email=email, percent=0.3, passed=False)
    response = course_staff_api.get(URL, {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["username"], row["email"]) for row in rows] == [
        ("'" + username, "'" + email) if username != "formula" else (username, "'" + email)
        for username, email in FORMULA_LEARNERS
    ]
    assert {row["grade"] for row in rows} == {"0.3"}


def test_json_rows_keep_formula_like_text_as_it_is(course_staff_api, physics):
    for username, email in FORMULA_LEARNERS:
        learner_in_course(physics, username=username, email=email)
    rows = course_staff_api.get(URL).json()
    assert [(row["username"], row["email"]) for row in rows] == FORMULA_LEARNERS
