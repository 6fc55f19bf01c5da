"""Expiry (ADR 0025): a run's (or its organisation's) validity period fixes each certificate's expiry date at
issue; past it, the page, the PDF, the verification API and the Open Badges credential (`validUntil`) say the
certificate expired, and when."""

# ruff: noqa: F811 (the web certificate's fixtures, imported from tests/web/conftest.py, are arguments here)
import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from coursecerts.certificates.display import PublicState, certificate_record_status
from coursecerts.certificates.services.bulk_generation import learners_generate
from tests.factories import learner_in_course
from tests.web.conftest import (  # noqa: F401 (fixtures)
    _fresh_rate_limits,
    course_run,
    empty_page_cache,
    issue,
    media,
    organization,
)
from tests.web.html import Page
from tests.web.pdfs import pdf_text

pytestmark = pytest.mark.django_db


def long_date(value: dt.datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"  # CERTIFICATE_DATE_FORMAT=long in English


def test_the_expiry_date_is_fixed_at_issue_from_the_run_else_its_organisation(course_run, organization):
    organization.certificate_validity_days = 730
    organization.save()
    by_organisation = issue(course_run, name="Ann Org", username="ann")
    assert by_organisation.expires_date == by_organisation.issued_date + dt.timedelta(days=730)

    course_run.certificate_validity_days = 365
    course_run.save()
    by_run = issue(course_run, name="Ben Run", username="ben")
    assert by_run.expires_date == by_run.issued_date + dt.timedelta(days=365)

    course_run.certificate_validity_days = 0  # this run's never expire, whatever the organisation says
    course_run.save()
    assert issue(course_run, name="Cy Forever", username="cy").expires_date is None

    by_run.refresh_from_db()  # a later change of the period changes no issued certificate (frozen record)
    assert by_run.expires_date == by_run.issued_date + dt.timedelta(days=365)
    regenerated = issue(course_run, name="Ben Run", username="ben")  # still downloadable: nothing moves
    assert regenerated.expires_date == by_run.expires_date


def test_course_wide_generation_fixes_the_same_expiry_dates(course_run):
    course_run.certificate_validity_days = 100
    course_run.save()
    learners = [learner_in_course(course_run, username=f"bulk{i}") for i in range(3)]
    learners_generate(course_run=course_run, user_ids=[u.pk for u in learners], source="test")
    for learner in learners:
        certificate = learner.certificates.get()
        assert certificate.expires_date == certificate.issued_date + dt.timedelta(days=100)


def test_an_expired_certificate_says_so_with_its_date_everywhere(client, course_run, tmp_path):
    course_run.certificate_validity_days = 30
    course_run.save()
    certificate = issue(course_run, name="Jane Doe", username="jane")
    uuid = certificate.verify_uuid
    expires = certificate.expires_date
    credential = json.loads(client.get(f"/certificates/{uuid}/credential.json").content)
    assert credential["validUntil"] == expires.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    page = Page(client.get(f"/certificates/{uuid}"))
    assert page.text("#expiry-date") == f"Valid until {long_date(expires)}"
    answer = client.get(f"/api/v1/certificates/{uuid}").json()
    assert (answer["valid"], answer["status"], answer["expires_on"]) == (
        True,
        "valid",
        expires.date().isoformat(),
    )
    assert "Valid until" in pdf_text(
        b"".join(client.get(f"/certificates/{uuid}/pdf").streaming_content), tmp_path
    )

    with time_machine.travel(expires + dt.timedelta(days=1), tick=False):
        assert certificate_record_status(certificate).state is PublicState.EXPIRED
        response = client.get(f"/certificates/{uuid}")
        assert response.status_code == 200
        page = Page(response)
        assert page.one("#validity-status").get("data-status") == "expired"
        assert page.text("#expiry-date") == f"Expired on {long_date(expires)}"
        assert f"It expired on {long_date(expires)}." in page.text("#validity-summary")
        assert page.text("#learner-name") == "Jane Doe"

        pdf = client.get(f"/certificates/{uuid}/pdf")
        assert pdf.status_code == 200
        text = " ".join(pdf_text(b"".join(pdf.streaming_content), tmp_path).split())
        assert f"Expired on {long_date(expires)}" in text

        answer = client.get(f"/api/v1/certificates/{uuid}")
        assert answer.status_code == 200
        body = answer.json()
        assert (body["valid"], body["status"], body["expires_on"]) == (
            False,
            "expired",
            expires.date().isoformat(),
        )
        assert body["status_message"] == f"The certificate expired on {expires.date().isoformat()}."
        assert body["learner_name"] == "Jane Doe"

        again = json.loads(client.get(f"/certificates/{uuid}/credential.json").content)
        assert again == credential  # the same signed credential: its validUntil says it
        verified = client.post(
            "/api/v1/credentials/verify", json.dumps(credential), content_type="application/json"
        ).json()
        assert verified["verified"] is False and verified["status"] == "expired"
        status = next(check for check in verified["checks"] if check["name"] == "status")
        assert status["reason"] == f"The credential expired on {expires.date().isoformat()}."


def test_a_certificate_without_a_validity_period_never_expires(client, course_run):
    certificate = issue(course_run, name="Old Timer", username="old")
    assert certificate.expires_date is None
    credential = json.loads(client.get(f"/certificates/{certificate.verify_uuid}/credential.json").content)
    assert "validUntil" not in credential
    with time_machine.travel(timezone.now() + dt.timedelta(days=3650), tick=False):
        assert certificate_record_status(certificate).state is PublicState.VALID
        assert Page(client.get(f"/certificates/{certificate.verify_uuid}")).one("#expiry-date") is None
