"""The page of a valid certificate says so, and what was checked, outside the certificate itself (README "Web
certificates"): in agreement with the verification API, which answers from the same public status (ADR 0011)."""

import datetime as dt
import html

import pytest
import time_machine

from coursecerts.certificates.services import certificate_invalidation_create
from tests.factories import UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def block(body: str) -> str:
    start = body.index('<section class="validity"')
    return html.unescape(body[start : body.index("</section>", start)])


def test_a_valid_certificate_shows_what_was_checked(client, course_run):
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
        certificate = issue(course_run)
    body = client.get(f"/certificates/{certificate.verify_uuid}").content.decode()
    shown = block(body)
    assert "Valid certificate" in shown
    assert "Issued to Jane Doe on December 1, 2026 for Data Science 101 by Open Learning Institute." in shown
    assert "has not been invalidated or revoked" in shown
    assert 'data-status="valid"' in shown and certificate.verify_uuid in shown
    assert f'href="/api/v1/certificates/{certificate.verify_uuid}"' in shown


def test_it_agrees_with_the_verification_api(client, certificate):
    api = client.get(f"/api/v1/certificates/{certificate.verify_uuid}").json()
    shown = block(client.get(f"/certificates/{certificate.verify_uuid}").content.decode())
    assert api["status"] == "valid"
    assert f'data-status="{api["status"]}"' in shown
    for key in ("learner_name", "course_title", "organization"):
        assert api[key] in shown, key


def test_a_withdrawn_certificate_has_no_validity_block(client, certificate):
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 410 and b'class="validity"' not in response.content


def test_the_preview_does_not_claim_validity(client, course_run):
    client.force_login(UserFactory(username="staff", is_staff=True))
    body = client.get(f"/certificates/course/{course_run.id}?preview=verified").content.decode()
    assert 'class="validity"' not in body and "Valid certificate" not in body


def test_the_validity_block_is_in_arabic(client, certificate):
    shown = block(client.get(f"/certificates/{certificate.verify_uuid}", {"lang": "ar"}).content.decode())
    assert "شهادة صالحة" in shown
