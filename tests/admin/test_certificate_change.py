"""A certificate's change page shows the record and its history, and nothing on it changes the certificate."""

import datetime as dt

from django.contrib.auth.models import Permission

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services import certificate_invalidation_create, date_override_set
from tests.admin.helpers import admin_url
from tests.factories import UserFactory


def test_the_status_is_shown_but_not_editable(staff_client, certificate):
    response = staff_client.get(admin_url(GeneratedCertificate, "change", certificate))
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()
    assert "downloadable" in response.content.decode()


def test_posting_a_different_status_changes_nothing(staff_client, certificate):
    response = staff_client.post(
        admin_url(GeneratedCertificate, "change", certificate),
        {"status": "notpassing", "grade": "0.1", "name": "Mallory"},
    )
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert (certificate.status, certificate.grade, certificate.name) == (
        "downloadable",
        "0.85",
        "Alice Example",
    )
    assert certificate.history.count() == 1


def test_the_change_page_shows_history_date_override_and_invalidations(staff_client, certificate, staff):
    date_override_set(
        certificate=certificate,
        date=dt.datetime(2026, 1, 15, tzinfo=dt.UTC),
        reason="late grade",
        actor=staff,
    )
    certificate_invalidation_create(certificate=certificate, invalidated_by=staff, notes="copied an essay")
    page = staff_client.get(admin_url(GeneratedCertificate, "change", certificate)).content.decode()
    assert "History of changes" in page
    assert "grade_passed" in page and "certificate_invalidation_list" in page
    assert "downloadable → unavailable" in page
    assert "date override set to 2026-01-15: late grade" in page
    assert "copied an essay" in page


def test_only_superusers_may_delete(client, certificate):
    operator = UserFactory(username="operator", is_staff=True)
    operator.user_permissions.add(*_permissions("view", "change", "delete"))
    client.force_login(operator)
    assert client.get(admin_url(GeneratedCertificate, "delete", certificate)).status_code == 403


def test_a_superuser_may_delete(staff_client, certificate):
    response = staff_client.post(admin_url(GeneratedCertificate, "delete", certificate), {"post": "yes"})
    assert response.status_code == 302
    assert not GeneratedCertificate.objects.filter(pk=certificate.pk).exists()


def _permissions(*actions):
    codenames = [f"{action}_generatedcertificate" for action in actions]
    return Permission.objects.filter(content_type__app_label="certificates", codename__in=codenames)


def test_certificates_cannot_be_added_by_hand(staff_client, certificate):
    response = staff_client.post(
        admin_url(GeneratedCertificate, "add"),
        {"user": certificate.user.pk, "course": str(certificate.course_id)},
    )
    assert response.status_code == 403
    assert GeneratedCertificate.objects.count() == 1
