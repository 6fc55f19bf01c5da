"""POST /api/v1/courses/{course_key}/import — a run's learners from CSV or JSON lines: the whole file is
validated first, then written in one transaction, and the triggers' effects are decided in bulk."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.enrollments.models import CourseEnrollment
from coursecerts.events.models import OutboxEntry
from coursecerts.grades.models import PersistentCourseGrade
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import AllowlistFactory, EnrollmentFactory, GradeFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = f"/api/v1/courses/{COURSE_KEY}/import"
CSV = (
    "username,email,name,mode,is_active,percent,passed\n"
    "bob,bob@example.org,Bob B,verified,true,0.9,true\n"
    "cy,cy@example.org,Cy C,audit,true,,\n"
    "alice,alice@example.com,Alice Example,verified,true,0.85,true\n"
)


def post(client, text, content_type="text/csv"):
    return client.generic("POST", URL, text.encode(), content_type=content_type)


def test_csv_rows_are_written_and_counted_and_passing_learners_get_certificates(
    staff_api, physics, alice, captured_on_commit
):
    with captured_on_commit(execute=True):
        response = post(staff_api, CSV)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "learners_created": 2,
        "generation_queued": 1,
        "certificates_marked_notpassing": 0,
    }
    bob = get_user_model().objects.get(username="bob")
    assert (bob.email, bob.profile.name, bob.has_usable_password()) == ("bob@example.org", "Bob B", False)
    assert PersistentCourseGrade.objects.get(user=bob).percent_grade == 0.9
    assert not PersistentCourseGrade.objects.filter(user__username="cy").exists()
    assert GeneratedCertificate.objects.get(user=bob).status == "downloadable"
    with captured_on_commit(execute=True):
        again = post(staff_api, CSV).json()
    assert (again["created"], again["updated"], again["unchanged"], again["generation_queued"]) == (
        0,
        0,
        3,
        0,
    )


def test_json_lines_work_too_and_failing_grades_revoke_unless_allowlisted(
    staff_api, physics, alice, captured_on_commit
):
    dee = UserFactory(username="dee")
    EnrollmentFactory(user=dee, course=physics)
    GradeFactory(user=dee, course=physics)
    GeneratedCertificate.objects.create(user=dee, course=physics, status="downloadable", mode="verified")
    AllowlistFactory(user=dee, course=physics)
    lines = [
        {"username": "alice", "mode": "verified", "percent": 0.2, "passed": False, "name": "Alice Example"},
        {"username": "dee", "mode": "verified", "percent": 0.2, "passed": False},
    ]
    with captured_on_commit(execute=True):
        response = post(staff_api, "\n".join(json.dumps(line) for line in lines), "application/x-ndjson")
    assert response.status_code == 200, response.content
    assert response.json()["certificates_marked_notpassing"] == 1
    assert alice.certificates.get().status == "notpassing"
    assert GeneratedCertificate.objects.get(user=dee).status == "downloadable"


def test_an_upgrade_to_an_eligible_mode_queues_generation(staff_api, physics, captured_on_commit):
    bob = UserFactory(username="bob")
    EnrollmentFactory(user=bob, course=physics, mode="audit")
    GradeFactory(user=bob, course=physics)
    with captured_on_commit(execute=True):
        body = post(staff_api, "username,mode\nbob,verified\n").json()
    assert (body["updated"], body["generation_queued"]) == (1, 1)
    assert GeneratedCertificate.objects.get(user=bob).status == "downloadable"


@override_settings(AUTO_CERTIFICATE_GENERATION=False)
def test_with_automatic_generation_off_a_passing_grade_queues_nothing(staff_api, physics):
    assert post(staff_api, CSV).json()["generation_queued"] == 0


def test_every_bad_row_is_listed_and_nothing_is_written(staff_api, physics):
    text = (
        "username,email,mode,percent,passed\n"
        "bob,bob@example.org,verified,0.9,true\n"
        "bad name!,x,gold,2,maybe\n"
        "cy,,audit,0.5,\n"
        "bob,,audit,,\n"
        "dee,,audit\n"
    )
    body = assert_error(post(staff_api, text), 400, "invalid_rows")
    rows = {row["row"]: row["errors"] for row in body["errors"]["rows"]}
    assert set(rows) == {3, 4, 5, 6}
    assert set(rows[3]) == {"username", "email", "mode", "percent", "passed"}
    assert set(rows[4]) == {"passed"}
    assert rows[5] == {"username": ["bob is also on row 2."]}
    assert rows[6] == {"row": ["Expected 5 columns, found 3."]}
    assert body["detail"] == "4 rows are invalid; nothing was imported."
    assert not get_user_model().objects.filter(username="bob").exists()
    assert not CourseEnrollment.objects.exists()


@pytest.mark.parametrize(
    ("text", "content_type", "message"),
    [
        ("name,email\nx,y\n", "text/csv", "The header must name columns"),
        ("username,mode\n", "text/csv", "The file has no rows."),
        ("[1,2]\n", "application/x-ndjson", None),
    ],
)
def test_file_level_problems(staff_api, physics, text, content_type, message):
    body = assert_error(post(staff_api, text, content_type), 400, "invalid_rows")
    if message:
        assert body["errors"]["file"][0].startswith(message)
    else:
        assert body["errors"]["rows"] == [{"row": 1, "errors": {"row": ["Not a JSON object."]}}]


def test_a_multipart_file_works(staff_api, physics):
    upload = SimpleUploadedFile("roster.csv", CSV.encode(), content_type="text/csv")
    response = staff_api.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 200
    assert response.json()["rows"] == 3


def test_other_bodies_are_refused(staff_api, physics):
    assert staff_api.post(URL, {"a": 1}, format="json").status_code == 415
    assert "file" in assert_error(staff_api.post(URL, {}, format="multipart"), 400, "invalid_input")["errors"]
    not_utf8 = staff_api.generic("POST", URL, b"username,mode\n\xff\xfe,audit\n", content_type="text/csv")
    assert "file" in assert_error(not_utf8, 400, "invalid_input")["errors"]


@override_settings(API_IMPORT_MAX_BYTES=10)
def test_a_file_over_the_limit_is_413(staff_api, physics):
    assert_error(post(staff_api, CSV), 413, "file_too_large")


def test_permissions_and_unknown_course(instructor_api, anonymous, staff_api, physics):
    assert instructor_api.generic("POST", URL, CSV, content_type="text/csv").status_code == 403
    assert anonymous.generic("POST", URL, CSV, content_type="text/csv").status_code == 401
    response = staff_api.generic(
        "POST", "/api/v1/courses/course-v1:a+b+c/import", CSV, content_type="text/csv"
    )
    assert_error(response, 404, "course_not_found")


def roster(count: int, *, passed: str) -> str:
    rows = [
        f"u{n},u{n}@example.org,U {n},verified,true,0.{5 + (passed == 'true') * 4},{passed}"
        for n in range(count)
    ]
    return "username,email,name,mode,is_active,percent,passed\n" + "\n".join(rows) + "\n"


@pytest.mark.parametrize("count", [20, 60])
def test_the_query_count_does_not_grow_with_rows(staff_api, physics, count, django_assert_num_queries):
    """Bulk queries: creating, then updating, N learners costs the same number of queries for any N."""
    post(staff_api, "username,mode\nwarmup,audit\n")  # the token's first use writes last_used_at
    # token, run, then per table (users, profiles, enrollments, grades) a read and a bulk write, the new users'
    # ids, and the transaction's savepoint
    with django_assert_num_queries(13):
        assert post(staff_api, roster(count, passed="false")).json()["created"] == count
    # the same reads, bulk upserts where rows changed, the passing certificates (for the grade trigger), and
    # the one outbox entry recording the generation owed
    with django_assert_num_queries(11):
        body = post(staff_api, roster(count, passed="true")).json()
    assert (body["updated"], body["generation_queued"]) == (count, count)


# --- a process that dies after the commit (ADR 0013) ----------------------------------------------------------------


def issued_once(course) -> bool:
    """Every certificate of the run is downloadable and has exactly one history row (it was issued once)."""
    certificates = GeneratedCertificate.objects.filter(course=course)
    return all(
        c.status == "downloadable" and CertificateHistory.objects.filter(certificate=c).count() == 1
        for c in certificates
    )


def test_a_generation_lost_after_the_commit_is_issued_by_the_next_import_of_the_same_file(
    staff_api, physics, captured_on_commit
):
    """The import commits, then its process dies before the work after the commit runs (the callbacks are
    captured and never run). The platform sends the same file again: the learners' grades are unchanged, so no
    trigger fires, yet the eligible learners who have no certificate get one, issued once."""
    with captured_on_commit(execute=False):  # the process dies right after the commit
        assert post(staff_api, roster(5, passed="true")).json()["generation_queued"] == 5
    assert not GeneratedCertificate.objects.exists()
    with captured_on_commit(execute=True):
        again = post(staff_api, roster(5, passed="true")).json()
    assert (again["unchanged"], again["generation_queued"]) == (5, 5)
    assert GeneratedCertificate.objects.filter(course=physics, status="downloadable").count() == 5
    assert issued_once(physics)
    with captured_on_commit(execute=True):  # a third time: everyone has theirs, nothing is owed or written
        third = post(staff_api, roster(5, passed="true")).json()
    assert third["generation_queued"] == 0
    assert CertificateHistory.objects.filter(certificate__course=physics).count() == 5


def test_the_generation_owed_is_recorded_with_the_import_and_drained_after_commit(
    staff_api, physics, captured_on_commit
):
    """One outbox entry for the whole file, in the import's transaction; the drain marks it done."""
    with captured_on_commit(execute=False):
        post(staff_api, roster(3, passed="true"))
    entry = OutboxEntry.objects.get()
    assert (entry.kind, entry.course_id, entry.done_at) == ("certificates.generate", physics.id, None)
    assert len(entry.payload["sources"]["grade_passed"]) == 3
    with captured_on_commit(execute=True):  # any next import drains what an earlier one left
        post(staff_api, "username,mode\nsomeone,audit\n")
    entry.refresh_from_db()
    assert entry.done_at is not None
    assert entry.result["outcomes"] == {"downloadable": 3}
    assert issued_once(physics)


def test_an_import_that_does_not_commit_owes_nothing(staff_api, physics):
    assert_error(post(staff_api, "username,mode\nbob,gold\n"), 400, "invalid_rows")
    assert not OutboxEntry.objects.exists()


def test_a_reimport_checks_only_passing_learners_in_an_eligible_mode_without_a_certificate(
    staff_api, physics, alice, captured_on_commit
):
    """alice already holds hers; an audit learner's passing grade earns none: neither is queued again."""
    text = "username,mode,percent,passed\nalice,verified,0.85,true\ned,audit,0.9,true\n"
    with captured_on_commit(execute=True):
        assert post(staff_api, text).json()["generation_queued"] == 1  # ed's grade became passing
        assert post(staff_api, text).json()["generation_queued"] == 0
    assert not GeneratedCertificate.objects.filter(user__username="ed").exists()
