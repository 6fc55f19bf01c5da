"""Malformed input anywhere in the API answers the one error shape with a 4xx that names what is wrong, and
nothing stored changes: wildcard content types, JSON nested too deeply or with duplicated keys, over-long
course keys, bodies over Django's upload limit, and writes to URLs that match no endpoint."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coursecerts.certificates.models import CertificateConfiguration
from coursecerts.courses.models import CourseRun
from coursecerts.enrollments.models import CourseEnrollment
from tests.api.conftest import COURSE_KEY, assert_error

pytestmark = [pytest.mark.django_db, pytest.mark.hostile]

IMPORT_URL = f"/api/v1/courses/{COURSE_KEY}/import"
CONFIGURATION_URL = f"/api/v1/courses/{COURSE_KEY}/certificate-configuration"
LONG_KEY = "course-v1:Org+" + "N" * 250 + "+Run"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("content_type", ["*/*", "text/*", "application/*"])
def test_an_import_with_a_wildcard_content_type_is_415(staff_api, physics, content_type):
    response = staff_api.generic("POST", IMPORT_URL, b"username,mode\nbob,audit\n", content_type=content_type)
    body = assert_error(response, 415, "unsupported_media_type")
    assert content_type in body["detail"]
    assert not get_user_model().objects.filter(username="bob").exists()


@pytest.mark.parametrize("depth", [40, 1000, 100_000])
def test_json_nested_too_deeply_is_a_400_on_any_json_endpoint(staff_api, physics, depth):
    body = '{"title": "T", "is_active": true, "signatories": ' + nested(depth) + "}"
    response = staff_api.generic("PUT", CONFIGURATION_URL, body, content_type="application/json")
    assert "nested deeper than 32 levels" in assert_error(response, 400, "parse_error")["detail"]
    response = staff_api.generic(
        "PUT", "/api/v1/learners/bob", nested(depth), content_type="application/json"
    )
    assert_error(response, 400, "parse_error")
    assert not get_user_model().objects.filter(username="bob").exists()


def test_a_json_lines_import_line_nested_too_deeply_or_with_a_duplicated_key_is_a_bad_row(staff_api, physics):
    duplicated = '{"username": "cy", "mode": "audit", "mode": "verified"}'
    text = json.dumps({"username": "bob", "mode": "audit"}) + "\n" + nested(1000) + "\n" + duplicated + "\n"
    response = staff_api.generic("POST", IMPORT_URL, text.encode(), content_type="application/x-ndjson")
    rows = assert_error(response, 400, "invalid_rows")["errors"]["rows"]
    assert [row["row"] for row in rows] == [2, 3]
    assert "nested deeper than 32 levels" in json.dumps(rows[0])
    assert "Duplicated keys: mode" in json.dumps(rows[1])
    assert not CourseEnrollment.objects.exists()


def test_duplicated_json_keys_are_a_400_naming_them(staff_api, physics):
    body = '{"title": "A", "title": "B", "is_active": true, "signatories": []}'
    response = staff_api.generic("PUT", CONFIGURATION_URL, body, content_type="application/json")
    assert assert_error(response, 400, "parse_error")["errors"] == {"title": ["Duplicated key."]}
    assert CertificateConfiguration.objects.get(course=physics).title == "Certificate in Physics"


def test_nan_is_not_json(staff_api):
    response = staff_api.generic(
        "PUT", "/api/v1/learners/bob", '{"name": NaN}', content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_a_course_key_over_255_characters_is_refused_before_any_query(staff_api):
    body = {"display_name": "Long"}
    response = staff_api.put(f"/api/v1/courses/{LONG_KEY}", body, format="json")
    assert "255" in assert_error(response, 400, "invalid_input")["errors"]["course_key"][0]
    assert not CourseRun.objects.exists()
    for url in (
        f"/api/v1/courses/{LONG_KEY}/certificates",
        f"/api/v1/courses/{LONG_KEY}/report",
        f"/api/certificates/v0/certificates/staff/courses/{LONG_KEY}/",
    ):
        with CaptureQueriesContext(connection) as queries:
            response = staff_api.get(url)
        assert not [q["sql"] for q in queries if "N" * 250 in q["sql"]], url
        assert response.status_code == 404, url
        assert response.json()["error_code"] in {"course_not_found", "course_id_not_valid"}


def test_a_body_over_the_upload_limit_is_a_json_413(staff_api, physics, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    for body_format in ("multipart", "json"):
        response = staff_api.put(CONFIGURATION_URL, {"title": "x" * 2000}, format=body_format)
        body = assert_error(response, 413, "request_too_large")
        assert "1000 bytes" in body["detail"]
    assert CertificateConfiguration.objects.get(course=physics).title == "Certificate in Physics"


def test_a_write_to_an_unknown_api_url_is_a_json_404_not_a_csrf_403(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    for method in ("PUT", "POST", "DELETE", "PATCH"):
        response = client.generic(method, "/api/v1/nothing/here", "{}", content_type="application/json")
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("key", ["library-v1:edX+Lib", "library-v1:Org+" + "L" * 300])
def test_a_library_key_is_not_a_course_run(staff_api, physics, key):
    """A `library-v1:` key parses as an opaque key but names a content library, never a course run."""
    response = staff_api.put(f"/api/v1/courses/{key}", {"display_name": "Lib"}, format="json")
    assert "not a course" in assert_error(response, 400, "invalid_input")["errors"]["course_key"][0]
    assert list(CourseRun.objects.values_list("id", flat=True)) == [physics.id]
    assert_error(staff_api.get(f"/api/v1/courses/{key}/certificates"), 404, "course_not_found")


# --- v1 inputs mean what they say (StrictInputSerializer) ---------------------------------------------------


def test_an_unknown_key_is_named_and_what_a_get_answered_may_be_sent_back(staff_api):
    response = staff_api.put("/api/v1/learners/bob", {"nmae": "Bob"}, format="json")
    assert assert_error(response, 400, "invalid_input")["errors"] == {"nmae": ["Unknown field."]}
    assert not get_user_model().objects.filter(username="bob").exists()
    echoed = staff_api.put("/api/v1/learners/bob", {"username": "bob", "name": "Bob"}, format="json")
    assert echoed.status_code == 201


@pytest.mark.parametrize(
    "url, body, named",
    [
        ("/api/v1/learners/bob", {"name": 12, "is_active": "true"}, {"name", "is_active"}),
        (f"/api/v1/courses/{COURSE_KEY}/grades/alice", {"percent": "0.5", "passed": True}, {"percent"}),
    ],
)
def test_a_value_of_the_wrong_json_type_is_named_not_coerced(staff_api, alice, url, body, named):
    assert set(assert_error(staff_api.put(url, body, format="json"), 400, "invalid_input")["errors"]) == named
    assert not get_user_model().objects.filter(username="bob").exists()


def test_list_items_have_their_json_type_too(staff_api, physics):
    url = f"/api/v1/courses/{COURSE_KEY}/certificates/generate"
    response = staff_api.post(url, {"scope": "learners", "usernames": [0]}, format="json")
    assert "usernames" in assert_error(response, 400, "invalid_input")["errors"]


def test_text_is_checked_as_sent_before_white_space_is_stripped(staff_api):
    long = staff_api.put("/api/v1/learners/bob", {"name": "Bob" + " " * 300}, format="json")
    assert "no more than 255" in assert_error(long, 400, "invalid_input")["errors"]["name"][0]
    tab = staff_api.put("/api/v1/learners/bob", {"name": "\tBob"}, format="json")
    assert "name" in assert_error(tab, 400, "invalid_input")["errors"]
    assert not get_user_model().objects.filter(username="bob").exists()


@pytest.mark.parametrize("query", ["page_size=0", "page_size=1001", "page_size=null", "username=", "status="])
def test_a_bad_or_empty_query_parameter_is_a_400_naming_it(staff_api, physics, query):
    response = staff_api.get(f"/api/v1/courses/{COURSE_KEY}/certificates?{query}")
    assert query.split("=")[0] in assert_error(response, 400, "invalid_input")["errors"]
