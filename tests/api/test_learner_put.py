"""PUT /api/v1/learners/{username} — email, name, active flag."""

import pytest
from django.contrib.auth import get_user_model

from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/learners/bob"


def test_it_creates_then_updates(staff_api):
    created = staff_api.put(URL, {"email": "bob@example.org", "name": "Bob B"}, format="json")
    assert created.status_code == 201
    assert created.json() == {
        "username": "bob",
        "email": "bob@example.org",
        "name": "Bob B",
        "is_active": True,
    }
    user = get_user_model().objects.get(username="bob")
    assert not user.has_usable_password()
    updated = staff_api.put(
        URL, {"email": "bob@example.org", "name": "Robert B", "is_active": False}, format="json"
    )
    assert updated.status_code == 200
    assert updated.json()["name"] == "Robert B"
    assert updated.json()["is_active"] is False


def test_bad_fields_are_named(staff_api):
    body = assert_error(
        staff_api.put(URL, {"email": "nope", "is_active": "maybe"}, format="json"), 400, "invalid_input"
    )
    assert set(body["errors"]) == {"email", "is_active"}
    assert not get_user_model().objects.filter(username="bob").exists()


def test_a_bad_username_is_named(staff_api):
    body = assert_error(staff_api.put("/api/v1/learners/b%20o%20b", {}, format="json"), 400, "invalid_input")
    assert "username" in body["errors"]


def test_only_global_staff(alice_api, anonymous):
    assert alice_api.put(URL, {}, format="json").status_code == 403
    assert anonymous.put(URL, {}, format="json").status_code == 401
