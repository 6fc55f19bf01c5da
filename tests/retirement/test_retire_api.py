"""POST /api/v1/learners/{username}/retire: global staff only; answers the run's summary."""

from __future__ import annotations

import pytest

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.learners.models import LearnerProfile, RetirementRecord
from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.retirement.conftest import make_learner

pytestmark = pytest.mark.django_db

URL = "/api/v1/learners/{}/retire"


@pytest.fixture
def alice(run, local_stores):
    return make_learner(run, "alice", "Alicia Zephyrine")


def test_global_staff_retires_a_learner(alice, staff):
    response = client_for(staff).post(URL.format("alice"), {}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    record = RetirementRecord.objects.get()
    assert body["record_id"] == record.pk and body["complete"] is True and body["dry_run"] is False
    assert body["certificates_changed"] == 1 and len(body["files_deleted"]) == 4
    assert "Alicia" not in response.content.decode() and "alice@" not in response.content.decode()
    assert record.retired_by == staff and record.source == "api"


def test_a_dry_run_answers_the_plan_and_changes_nothing(alice, staff):
    response = client_for(staff).post(URL.format("alice"), {"dry_run": True}, format="json")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True and len(response.json()["files_deleted"]) == 4
    assert GeneratedCertificate.objects.get(user=alice).name == "Alicia Zephyrine"
    assert not RetirementRecord.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "learner"])
def test_others_may_not_retire(alice, who):
    client = client_for(None if who == "anonymous" else UserFactory(username="mallory"))
    response = client.post(URL.format("alice"), {}, format="json")
    assert response.status_code in (401, 403)
    assert LearnerProfile.objects.get(user=alice).retired_at is None


def test_an_unknown_username_is_404(staff, db):
    response = client_for(staff).post(URL.format("ghost"), {}, format="json")
    assert response.status_code == 404


def test_a_bad_dry_run_flag_is_400(alice, staff):
    response = client_for(staff).post(URL.format("alice"), {"dry_run": "maybe"}, format="json")
    assert response.status_code == 400
    assert LearnerProfile.objects.get(user=alice).retired_at is None
