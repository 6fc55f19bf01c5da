"""POST /api/v1/courses/{course_key}/certificates/generate and .../regenerate, and GET /api/v1/tasks/{id}."""

import pytest

from coursecerts.certificates.models import CertificateGenerationJob, CertificateHistory, GeneratedCertificate
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db

GENERATE = f"/api/v1/courses/{COURSE_KEY}/certificates/generate"
REGENERATE = f"/api/v1/courses/{COURSE_KEY}/certificates/regenerate"


@pytest.fixture
def learners(physics):
    return [
        learner_in_course(physics, username="pass1"),
        learner_in_course(physics, username="fail1", percent=0.2, passed=False),
        learner_in_course(physics, username="audit1", mode="audit"),
    ]


def test_a_dry_run_answers_what_would_happen_and_writes_nothing(instructor_api, learners):
    response = instructor_api.post(GENERATE, {"dry_run": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["dry_run"], body["total"], body["changed"]) == (True, 3, 0)
    assert body["outcomes"] == {"downloadable": 1, "no_certificate": 2}
    assert body["reasons"] == {"not_passing": 1, "mode_ineligible": 1}
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_a_dry_run_lists_each_learner_when_asked(instructor_api, learners):
    body = instructor_api.post(GENERATE, {"dry_run": True, "learners": True}, format="json").json()
    assert body["learners"] == [
        {"username": "pass1", "certificate_status": None, "outcome": "downloadable", "reason": "eligible",
         "reason_message": "Passed the course"},
        {"username": "fail1", "certificate_status": None, "outcome": "no_certificate", "reason": "not_passing",
         "reason_message": "Grade below the passing mark"},
        {"username": "audit1", "certificate_status": None, "outcome": "no_certificate",
         "reason": "mode_ineligible", "reason_message": body["learners"][2]["reason_message"]},
    ]  # fmt: skip
    assert "learners" not in instructor_api.post(GENERATE, {"dry_run": True}, format="json").json()
    regenerate = instructor_api.post(
        REGENERATE, {"statuses": ["notpassing"], "dry_run": True, "learners": True}, format="json"
    ).json()
    assert (regenerate["total"], regenerate["learners"]) == (0, [])


def test_generate_answers_202_with_a_task_whose_progress_can_be_read(
    instructor_api, course_staff_api, instructor, learners, captured_on_commit
):
    with captured_on_commit(execute=True):
        response = instructor_api.post(GENERATE, {}, format="json")
    assert response.status_code == 202, response.content
    task_id = response.json()["id"]
    task = course_staff_api.get(f"/api/v1/tasks/{task_id}").json()
    assert (task["state"], task["done"], task["total"], task["course_id"]) == ("succeeded", 3, 3, COURSE_KEY)
    assert task["result"]["outcomes"] == {"downloadable": 1, "no_certificate": 2}
    assert GeneratedCertificate.objects.get().user.username == "pass1"
    assert CertificateHistory.objects.get().actor == instructor


def test_generate_for_named_learners(instructor_api, learners, captured_on_commit):
    with captured_on_commit(execute=True):
        response = instructor_api.post(GENERATE, {"scope": "learners", "usernames": ["fail1"]}, format="json")
    assert response.status_code == 202 and response.json()["total"] == 1
    assert not GeneratedCertificate.objects.exists()


def test_usernames_without_a_scope_mean_those_learners(instructor_api, learners, captured_on_commit):
    with captured_on_commit(execute=True):
        response = instructor_api.post(GENERATE, {"usernames": ["fail1"]}, format="json")
    assert response.status_code == 202 and response.json()["total"] == 1
    assert not GeneratedCertificate.objects.exists()  # pass1 passes, but was not named


@pytest.mark.parametrize("body, field", [
    ({"scope": "all", "usernames": ["pass1"]}, "usernames"),
    ({"scope": "allowlist", "usernames": ["pass1"]}, "usernames"),
    ({"scope": "everyone"}, "scope"),
    ({"scope": "learners"}, "usernames"),
    ({"scope": "learners", "usernames": []}, "usernames"),
    ({"dry_run": "perhaps"}, "dry_run"),
])  # fmt: skip
def test_bad_input_names_the_field(instructor_api, learners, body, field):
    body = assert_error(instructor_api.post(GENERATE, body, format="json"), 400, "invalid_input")
    assert field in body["errors"]
    assert not CertificateGenerationJob.objects.exists()


def test_unknown_learners_are_named(instructor_api, learners):
    body = assert_error(
        instructor_api.post(GENERATE, {"scope": "learners", "usernames": ["ghost"]}, format="json"),
        400,
        "invalid_input",
    )
    assert "ghost" in body["detail"]


def test_regenerate_by_status(instructor_api, physics, learners, captured_on_commit):
    GeneratedCertificateFactory(user=learners[0], course=physics, status="notpassing")
    with captured_on_commit(execute=True):
        response = instructor_api.post(REGENERATE, {"statuses": ["notpassing"]}, format="json")
    assert response.status_code == 202
    assert GeneratedCertificate.objects.get().status == "downloadable"
    assert CertificateGenerationJob.objects.get().history.is_regeneration


@pytest.mark.parametrize("statuses", [[], ["unavailable"], ["downloadable", "bogus"]])
def test_regenerate_accepts_only_the_open_edx_statuses(instructor_api, learners, statuses):
    body = assert_error(
        instructor_api.post(REGENERATE, {"statuses": statuses}, format="json"), 400, "invalid_input"
    )
    assert "statuses" in body["errors"]


def test_permissions(course_staff_api, outsider_api, anonymous, staff_api, learners):
    assert course_staff_api.post(GENERATE, {"dry_run": True}, format="json").status_code == 403
    assert outsider_api.post(GENERATE, {}, format="json").status_code == 403
    assert anonymous.post(GENERATE, {}, format="json").status_code == 401
    assert staff_api.post(GENERATE, {"dry_run": True}, format="json").status_code == 200
    assert_error(
        staff_api.post("/api/v1/courses/course-v1:a+b+c/certificates/generate", {}), 404, "course_not_found"
    )


def test_task_permissions_and_unknown_ids(instructor_api, outsider_api, anonymous, staff_api, learners):
    task_id = instructor_api.post(GENERATE, {}, format="json").json()["id"]
    unknown = "00000000-0000-0000-0000-000000000000"
    existing, missing = (
        outsider_api.get(f"/api/v1/tasks/{task_id}"),
        outsider_api.get(f"/api/v1/tasks/{unknown}"),
    )
    assert_error(existing, 404, "task_not_found")  # as an unknown id: no existence oracle
    assert missing.json() == {**existing.json(), "detail": f"No task {unknown}."}
    assert anonymous.get(f"/api/v1/tasks/{task_id}").status_code == 401
    assert_error(staff_api.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000"), 404, "task_not_found")
    assert_error(staff_api.get("/api/v1/tasks/not-a-uuid"), 404, "task_not_found")


def test_generation_history_shows_runs_started_by_a_command(staff_api, physics, learners):
    from django.core.management import call_command

    call_command("generate_course_certificates", COURSE_KEY, stdout=None, stderr=None)
    body = staff_api.get(f"/api/v1/courses/{COURSE_KEY}/generation-history").json()
    assert body["results"][0]["generated_by"] is None


def test_a_failed_run_shows_its_error_and_posting_again_retries_it(
    instructor_api, learners, captured_on_commit, monkeypatch
):
    from coursecerts.certificates import selectors

    original = selectors.course_learner_facts

    def down(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(selectors, "course_learner_facts", down)
    with captured_on_commit(execute=True):
        response = instructor_api.post(GENERATE, {}, format="json")
    assert response.status_code == 202, response.content
    task = instructor_api.get(f"/api/v1/tasks/{response.json()['id']}").json()
    assert (task["state"], task["done"], task["total"]) == ("failed", 0, 3)
    assert task["error"] == "1 chunk(s) failed; chunk 0: RuntimeError: database went away"
    monkeypatch.setattr(selectors, "course_learner_facts", original)
    with captured_on_commit(execute=True):
        joined = instructor_api.post(GENERATE, {}, format="json").json()
    again = instructor_api.get(f"/api/v1/tasks/{joined['id']}").json()
    assert (again["id"], again["state"], again["done"], again["error"]) == (task["id"], "succeeded", 3, None)
    assert GeneratedCertificate.objects.get().user.username == "pass1"
