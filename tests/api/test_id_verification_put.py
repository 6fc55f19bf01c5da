"""PUT /api/v1/learners/{username}/id-verification — status and expiry; approval fires generation."""

import pytest
from django.test import override_settings

from coursecerts.certificates.models import GeneratedCertificate
from tests.api.conftest import assert_error
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


@override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True)
def test_approval_generates_for_a_passing_verified_learner(staff_api, physics, captured_on_commit):
    learner_in_course(physics, username="bob")
    url = "/api/v1/learners/bob/id-verification"
    created = staff_api.put(url, {"status": "pending"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"username": "bob", "status": "pending", "expires_at": None}
    with captured_on_commit(execute=True):
        updated = staff_api.put(
            url, {"status": "approved", "expires_at": "2099-01-01T00:00:00Z"}, format="json"
        )
    assert updated.status_code == 200
    assert GeneratedCertificate.objects.get(user__username="bob").status == "downloadable"


def test_errors_and_permissions(staff_api, alice_api, alice):
    url = "/api/v1/learners/alice/id-verification"
    assert (
        "status"
        in assert_error(staff_api.put(url, {"status": "ok"}, format="json"), 400, "invalid_input")["errors"]
    )
    assert_error(
        staff_api.put("/api/v1/learners/nobody/id-verification", {"status": "approved"}, format="json"),
        404,
        "user_not_exist",
    )
    assert alice_api.put(url, {"status": "approved"}, format="json").status_code == 403
