"""PUT / DELETE /api/v1/courses/{course_key}/allowlist/{username} — the dashboard's certificate exceptions."""

import pytest

from coursecerts.certificates.models import CertificateAllowlist, GeneratedCertificate
from tests.api.conftest import COURSE_KEY, assert_error
from tests.factories import InvalidationFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db


def url(username="bob"):
    return f"/api/v1/courses/{COURSE_KEY}/allowlist/{username}"


def test_put_allowlists_and_generates_then_replaces_notes(instructor_api, physics, captured_on_commit):
    bob = learner_in_course(physics, username="bob", percent=0.2, passed=False)
    with captured_on_commit(execute=True):
        created = instructor_api.put(url(), {"notes": "medical"}, format="json")
    assert created.status_code == 201
    assert created.json()["notes"] == "medical"
    assert GeneratedCertificate.objects.get(user=bob).status == "downloadable"
    updated = instructor_api.put(url(), {"notes": "medical leave"}, format="json")
    assert updated.status_code == 200
    assert updated.json()["certificate_generated"] is not None
    assert CertificateAllowlist.objects.get(user=bob).notes == "medical leave"


def test_the_dashboard_preconditions(instructor_api, physics, certificate):
    UserFactory(username="stranger")
    assert_error(instructor_api.put(url("nobody"), {}, format="json"), 404, "user_not_exist")
    body = assert_error(instructor_api.put(url("stranger"), {}, format="json"), 409, "user_not_enrolled")
    assert "is not enrolled in this course" in body["detail"]
    InvalidationFactory(generated_certificate=certificate)
    body = assert_error(
        instructor_api.put(url("alice"), {}, format="json"), 409, "user_on_certificate_invalidation_list"
    )
    assert "certificate invalidation list" in body["detail"]


def test_delete_invalidates_the_certificate_and_removes_the_entry(
    instructor_api, physics, captured_on_commit
):
    bob = learner_in_course(physics, username="bob", percent=0.2, passed=False)
    with captured_on_commit(execute=True):
        instructor_api.put(url(), {}, format="json")
    assert instructor_api.delete(url()).status_code == 204
    assert GeneratedCertificate.objects.get(user=bob).status == "unavailable"
    assert not CertificateAllowlist.objects.filter(user=bob).exists()
    assert_error(instructor_api.delete(url()), 404, "allowlist_entry_not_found")


def test_permissions(course_staff_api, alice_api, anonymous, physics, alice):
    assert_error(course_staff_api.put(url("alice"), {}, format="json"), 403, "permission_denied")
    assert alice_api.delete(url("alice")).status_code == 403
    assert anonymous.put(url("alice"), {}, format="json").status_code == 401
