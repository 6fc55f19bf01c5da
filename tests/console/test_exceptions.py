"""Exceptions from the console: the allowlist, invalidations and date overrides, each through the service the
API calls, confirmed first when it can change certificates, with the service's refusal shown as a message."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateDateOverride,
    CertificateInvalidation,
    GeneratedCertificate,
)
from tests.factories import AllowlistFactory, UserFactory

pytestmark = pytest.mark.django_db


def _post(client, run, action, confirmed=True, **fields):
    data = {"action": action, **{f"{action}-{k}": v for k, v in fields.items()}}
    if confirmed:
        data["confirmed"] = "yes"
    return client.post(reverse("console:exceptions", args=[run.id]), data, follow=True)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_adding_to_the_allowlist_asks_first_then_adds_with_the_notes(client, run, instructor, learners):
    client.force_login(instructor)
    ask = _post(client, run, "allowlist_add", confirmed=False, learner="cy", notes="medical leave")
    assert "Put cy on the allowlist? A certificate may be issued." in ask.content.decode()
    assert not CertificateAllowlist.objects.exists()
    done = _post(client, run, "allowlist_add", learner="cy@example.com", notes="medical leave")
    assert _messages(done) == ["cy is on the allowlist."]
    assert CertificateAllowlist.objects.get(user=learners["cy"]).notes == "medical leave"
    assert "medical leave" in done.content.decode()


def test_the_services_refusal_is_shown_as_a_message(client, run, instructor, learners):
    outsider = UserFactory(username="walter")  # not enrolled
    client.force_login(instructor)
    response = _post(client, run, "allowlist_add", learner=outsider.username, notes="")
    assert response.status_code == 200
    errors = response.context["forms"]["allowlist_add"].non_field_errors()
    assert len(errors) == 1 and "walter" in errors[0]
    response = _post(client, run, "allowlist_add", learner="ghost", notes="")
    assert (
        "ghost does not exist in the LMS. Please check your spelling and retry." in response.content.decode()
    )


def test_removing_from_the_allowlist(client, run, instructor, learners):
    AllowlistFactory(user=learners["cy"], course=run)
    client.force_login(instructor)
    assert (
        "Take cy off the allowlist?"
        in _post(client, run, "allowlist_remove", False, learner="cy").content.decode()
    )
    assert _messages(_post(client, run, "allowlist_remove", learner="cy")) == ["cy is off the allowlist."]
    assert not CertificateAllowlist.objects.filter(allowlist=True).exists()


def test_a_csv_is_answered_row_by_row(client, run, instructor, learners):
    client.force_login(instructor)
    upload = SimpleUploadedFile("list.csv", b"cy,retake\nghost,x\nbad row\n", content_type="text/csv")
    response = client.post(
        reverse("console:exceptions", args=[run.id]),
        {"action": "allowlist_csv", "allowlist_csv-students_list": upload},
    )
    result = response.context["csv_result"]
    assert result["success"] == ['user "cy" in row# 1']
    assert result["row_errors"]["user_not_exist"] == ['user "ghost" in row# 2']
    assert result["row_errors"]["data_format_error"] == ['user "bad row" in row# 3']
    page = response.content.decode()
    assert "Unknown learners:" in page and "1 learner added:" in page
    not_csv = SimpleUploadedFile("list.txt", b"cy,retake\n")
    response = client.post(
        reverse("console:exceptions", args=[run.id]),
        {"action": "allowlist_csv", "allowlist_csv-students_list": not_csv},
    )
    assert response.context["csv_result"]["general_errors"] == [
        "Make sure that the file you upload is in CSV format with no extraneous characters or rows."
    ]


def test_invalidate_then_revalidate(client, run, instructor, learners):
    client.force_login(instructor)
    assert (
        "Invalidate ada"
        in _post(client, run, "invalidation_add", False, learner="ada", notes="x").content.decode()
    )
    done = _post(client, run, "invalidation_add", learner="ada", notes="plagiarism")
    assert _messages(done) == ["ada's certificate is invalidated."]
    certificate = GeneratedCertificate.objects.get(user=learners["ada"])
    assert certificate.status == "unavailable"
    assert CertificateInvalidation.objects.get(active=True).notes == "plagiarism"
    done = _post(client, run, "invalidation_remove", learner="ada")
    assert _messages(done) == ["ada's certificate is re-validated: downloadable (Passed the course)."]
    assert not CertificateInvalidation.objects.filter(active=True).exists()


def test_invalidating_a_learner_without_a_certificate_says_so(client, run, instructor, learners):
    client.force_login(instructor)
    response = _post(client, run, "invalidation_add", learner="bob", notes="")
    assert "bob has no certificate in this run." in response.content.decode()


def test_date_overrides(client, run, instructor, learners):
    client.force_login(instructor)
    done = _post(client, run, "override_set", learner="ada", date="2026-06-15", reason="ceremony day")
    assert _messages(done) == ["ada's certificate now shows the date 2026-06-15."]
    override = CertificateDateOverride.objects.get()
    assert override.date == dt.datetime(2026, 6, 15, tzinfo=dt.UTC) and override.overridden_by == instructor
    done = _post(client, run, "override_remove", learner="ada")
    assert _messages(done) == ["ada's certificate shows its own date again."]
    assert not CertificateDateOverride.objects.exists()


def test_course_staff_read_the_lists_but_cannot_act(client, run, course_staff, learners):
    AllowlistFactory(user=learners["cy"], course=run, notes="visible")
    client.force_login(course_staff)
    page = client.get(reverse("console:exceptions", args=[run.id])).content.decode()
    assert "visible" in page and 'id="allowlist-add"' not in page and "Remove…" not in page
    assert _post(client, run, "invalidation_add", learner="ada", notes="").status_code == 403
    assert not CertificateInvalidation.objects.exists()


def test_no_role_nothing(client, run, nobody, learners):
    client.force_login(nobody)
    assert client.get(reverse("console:exceptions", args=[run.id])).status_code == 404
    assert _post(client, run, "invalidation_add", learner="ada", notes="").status_code == 404
    assert not CertificateInvalidation.objects.exists()
