"""POST /api/v1/courses/{course_key}/import takes its values by the JSON API's rules (ADR 0009), and its triggers
decide as the per-learner ones do (coursecerts.certificates.triggers)."""

import json

import pytest

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.enrollments.services import enrollment_upsert
from coursecerts.grades.services import course_grade_update
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import AllowlistFactory, EnrollmentFactory, GradeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = f"/api/v1/courses/{COURSE_KEY}/import"


def post(client, text, content_type="text/csv"):
    return client.generic("POST", URL, text.encode(), content_type=content_type)


@pytest.mark.parametrize("word", ["yes", "no", "1", "0", "on", "maybe"])
def test_a_csv_boolean_is_true_or_false_only(staff_api, physics, word):
    body = assert_error(post(staff_api, f"username,mode,is_active\nbob,audit,{word}\n"), 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 2, "errors": {"is_active": ["Must be true or false."]}}]


def test_a_csv_boolean_may_be_written_as_a_spreadsheet_writes_it(staff_api, physics):
    response = post(staff_api, "username,mode,is_active,percent,passed\nbob,audit,FALSE, 0.5 ,True\n")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("value", ['"true"', "1"])
def test_a_json_line_boolean_is_json_true_or_false(staff_api, physics, value):
    text = f'{{"username": "bob", "mode": "audit", "percent": 0.5, "passed": {value}}}\n'
    body = assert_error(post(staff_api, text, "application/x-ndjson"), 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 1, "errors": {"passed": ["Must be true or false."]}}]


def test_a_json_line_null_leaves_the_column_out(staff_api, physics):
    line = {"username": "bob", "mode": "audit", "email": None, "percent": None, "passed": None}
    assert post(staff_api, json.dumps(line), "application/x-ndjson").status_code == 200


# --- the same learner, by PUT and by file: the same outcome ----------------------------------------------------

CASES = [
    # (mode before, mode after, passed before, passed after, allowlisted, certificate before)
    ("verified", "verified", False, True, False, None),
    ("verified", "verified", False, True, False, "downloadable"),
    ("audit", "verified", True, True, False, None),
    ("verified", "audit", True, True, False, "downloadable"),
    ("verified", "verified", True, False, False, "downloadable"),
    ("verified", "verified", True, False, True, "downloadable"),
    ("audit", "audit", True, False, False, "downloadable"),
    ("verified", "verified", True, False, False, "notpassing"),
]


def learner(course, username, mode, passed, allowlisted, status):
    user = UserFactory(username=username)
    EnrollmentFactory(user=user, course=course, mode=mode)
    GradeFactory(user=user, course=course, percent_grade=0.9 if passed else 0.2, passed=passed)
    if allowlisted:
        AllowlistFactory(user=user, course=course)
    if status:
        GeneratedCertificate.objects.create(user=user, course=course, status=status, mode=mode)
    return user


def status_of(user, course):
    certificate = GeneratedCertificate.objects.filter(user=user, course=course).first()
    return certificate and (certificate.status, certificate.mode)


@pytest.mark.parametrize("case", CASES, ids=[str(n) for n in range(len(CASES))])
def test_the_import_and_the_per_learner_services_agree(staff_api, physics, captured_on_commit, case):
    before_mode, after_mode, before_passed, after_passed, allowlisted, status = case
    by_put = learner(physics, "by-put", before_mode, before_passed, allowlisted, status)
    by_file = learner(physics, "by-file", before_mode, before_passed, allowlisted, status)
    percent = 0.9 if after_passed else 0.2
    with captured_on_commit(execute=True):
        enrollment_upsert(user=by_put, course_run=physics, mode=after_mode)
        course_grade_update(user=by_put, course_run=physics, percent_grade=percent, passed=after_passed)
    text = f"username,mode,percent,passed\nby-file,{after_mode},{percent},{str(after_passed).lower()}\n"
    with captured_on_commit(execute=True):
        assert post(staff_api, text).status_code == 200
    assert status_of(by_file, physics) == status_of(by_put, physics)
