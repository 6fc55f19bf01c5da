"""A retired learner's certificate: the public page, its PDF and the verification endpoint answer 410 Gone
with no personal data; other learners' certificates are served as before."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.retirement import learner_retire
from tests.retirement.conftest import make_learner

pytestmark = pytest.mark.django_db


@pytest.fixture
def learners(run, local_stores):
    cache.clear()  # verification rate limits
    return make_learner(run, "alice", "Alicia Zephyrine"), make_learner(run, "bob", "Roberto Quillfeather")


def _uuid(user) -> str:
    return GeneratedCertificate.objects.get(user=user).verify_uuid


def test_the_page_answers_410_without_personal_data(client, learners):
    alice, bob = learners
    page = f"/certificates/{_uuid(alice)}"
    before = client.get(page)
    assert before.status_code == 200 and "Alicia Zephyrine" in before.content.decode()

    learner_retire(user=alice, actor=None)

    after = client.get(page)
    assert after.status_code == 410
    body = after.content.decode()
    assert "Alicia" not in body and "Zephyrine" not in body and "alice" not in body
    assert client.get(f"/certificates/{_uuid(bob)}").status_code == 200


def test_the_pdf_answers_410(client, learners):
    alice, _ = learners
    learner_retire(user=alice, actor=None)
    response = client.get(f"/certificates/{_uuid(alice)}/pdf")
    assert response.status_code == 410


def test_verification_answers_410_without_personal_data(client, learners):
    alice, bob = learners
    url = f"/api/v1/certificates/{_uuid(alice)}"
    assert client.get(url).json()["learner_name"] == "Alicia Zephyrine"

    learner_retire(user=alice, actor=None)

    response = client.get(url)
    assert response.status_code == 410
    assert response.json()["error_code"] == "certificate_gone"
    assert "Alicia" not in response.content.decode()
    assert client.get(f"/api/v1/certificates/{_uuid(bob)}").status_code == 200


def test_the_410_page_is_translated(client, learners):
    alice, _ = learners
    learner_retire(user=alice, source="test")
    cache.clear()
    response = client.get(f"/certificates/{_uuid(alice)}?lang=ar")
    assert response.status_code == 410
    assert "لم تعد هذه الشهادة متاحة" in response.text and "تم إغلاق حساب صاحب الشهادة." in response.text
