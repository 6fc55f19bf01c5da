"""Date overrides, the allowlist and invalidations are written through their services in the admin."""

import datetime as dt

import pytest

from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateDateOverride,
    CertificateGenerationHistory,
    CertificateInvalidation,
    GeneratedCertificate,
)
from coursecerts.certificates.services import date_override_set
from tests.admin.helpers import admin_url, form_errors
from tests.factories import AllowlistFactory, EnrollmentFactory, UserFactory

JAN_15 = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)


class TestDateOverride:
    def post_override(self, client, certificate, **data):
        fields = {
            "generated_certificate": certificate.pk,
            "date_0": "2026-01-15",
            "date_1": "00:00:00",
            "reason": "grade fixed late",
            **data,
        }
        return client.post(admin_url(CertificateDateOverride, "add"), fields)

    def test_saving_records_the_admin_and_a_history_note(self, staff_client, staff, certificate):
        other = UserFactory(username="other", is_staff=True)
        response = self.post_override(staff_client, certificate, overridden_by=other.pk)
        assert response.status_code == 302
        override = CertificateDateOverride.objects.get(generated_certificate=certificate)
        assert (override.date, override.reason, override.overridden_by) == (JAN_15, "grade fixed late", staff)
        note = certificate.history.get(source="date_override")
        assert (note.actor, note.note) == (staff, "date override set to 2026-01-15: grade fixed late")
        assert (note.status_before, note.status_after) == ("downloadable", "downloadable")

    def test_changing_it_records_the_admin_who_changed_it(self, staff_client, staff, certificate):
        first = UserFactory(username="first", is_staff=True)
        override = date_override_set(certificate=certificate, date=JAN_15, reason="first", actor=first)
        response = staff_client.post(
            admin_url(CertificateDateOverride, "change", override),
            {"date_0": "2026-02-01", "date_1": "00:00:00", "reason": "second"},
        )
        assert response.status_code == 302
        override.refresh_from_db()
        assert (override.date.date(), override.reason, override.overridden_by) == (
            dt.date(2026, 2, 1),
            "second",
            staff,
        )
        assert certificate.history.filter(source="date_override").count() == 2

    def test_a_blank_reason_is_a_form_error(self, staff_client, certificate):
        response = self.post_override(staff_client, certificate, reason="   ")
        assert response.status_code == 200
        assert "This field is required" in form_errors(response)
        assert not CertificateDateOverride.objects.exists()

    @pytest.mark.parametrize("bulk", [False, True], ids=["delete page", "delete action"])
    def test_deleting_goes_through_the_service(self, staff_client, staff, certificate, bulk):
        override = date_override_set(certificate=certificate, date=JAN_15, reason="late", actor=staff)
        if bulk:
            staff_client.post(
                admin_url(CertificateDateOverride),
                {"action": "delete_selected", "_selected_action": [override.pk], "post": "yes"},
            )
        else:
            staff_client.post(admin_url(CertificateDateOverride, "delete", override), {"post": "yes"})
        assert not CertificateDateOverride.objects.exists()
        assert certificate.history.filter(
            source="date_override", note="date override removed", actor=staff
        ).exists()


class TestAllowlist:
    def post_entry(self, client, user, course):
        return client.post(
            admin_url(CertificateAllowlist, "add"),
            {"user": user.pk, "course": str(course.id), "notes": "medical leave"},
        )

    def test_a_learner_who_is_not_enrolled_is_a_form_error(self, staff_client, physics):
        outsider = UserFactory(username="outsider")
        response = self.post_entry(staff_client, outsider, physics)
        assert response.status_code == 200
        assert "outsider is not enrolled in this course" in form_errors(response)
        assert not CertificateAllowlist.objects.exists()

    def test_an_enrolled_learner_is_added_and_gets_a_certificate(
        self, staff_client, physics, captured_on_commit
    ):
        learner = UserFactory(username="erin")
        EnrollmentFactory(user=learner, course=physics, mode="verified")
        with captured_on_commit(execute=True):
            response = self.post_entry(staff_client, learner, physics)
        assert response.status_code == 302
        entry = CertificateAllowlist.objects.get()
        assert (entry.user, entry.allowlist, entry.notes) == (learner, True, "medical leave")
        assert GeneratedCertificate.objects.get(user=learner).status == "downloadable"

    def test_an_invalidated_learner_is_a_form_error(self, staff_client, staff, certificate):
        CertificateInvalidation.objects.create(generated_certificate=certificate, invalidated_by=staff)
        response = self.post_entry(staff_client, certificate.user, certificate.course)
        assert "already on the certificate invalidation list" in form_errors(response)
        assert not CertificateAllowlist.objects.exists()

    def test_removing_an_entry_invalidates_the_certificate(self, staff_client, staff, certificate):
        entry = AllowlistFactory(user=certificate.user, course=certificate.course)
        staff_client.post(admin_url(CertificateAllowlist, "delete", entry), {"post": "yes"})
        assert not CertificateAllowlist.objects.exists()
        certificate.refresh_from_db()
        assert certificate.status == "unavailable"
        assert certificate.history.filter(source="allowlist_removal", actor=staff).exists()


class TestInvalidation:
    def test_adding_invalidates_the_certificate_through_the_service(self, staff_client, staff, certificate):
        response = staff_client.post(
            admin_url(CertificateInvalidation, "add"),
            {"generated_certificate": certificate.pk, "notes": "copied"},
        )
        assert response.status_code == 302
        invalidation = CertificateInvalidation.objects.get()
        assert (invalidation.invalidated_by, invalidation.notes, invalidation.active) == (
            staff,
            "copied",
            True,
        )
        certificate.refresh_from_db()
        assert certificate.status == "unavailable"
        assert certificate.history.filter(source="certificate_invalidation_list", actor=staff).exists()

    def test_an_allowlisted_learner_is_a_form_error(self, staff_client, certificate):
        AllowlistFactory(user=certificate.user, course=certificate.course)
        response = staff_client.post(
            admin_url(CertificateInvalidation, "add"),
            {"generated_certificate": certificate.pk, "notes": "copied"},
        )
        assert "appears to be on the Certificate Exception list" in form_errors(response)
        assert not CertificateInvalidation.objects.exists()
        certificate.refresh_from_db()
        assert certificate.status == "downloadable"

    def test_invalidations_cannot_be_deleted(self, staff_client, staff, certificate):
        invalidation = CertificateInvalidation.objects.create(
            generated_certificate=certificate, invalidated_by=staff
        )
        assert (
            staff_client.post(
                admin_url(CertificateInvalidation, "delete", invalidation), {"post": "yes"}
            ).status_code
            == 403
        )
        assert CertificateInvalidation.objects.filter(pk=invalidation.pk).exists()


def test_generation_history_lists_task_and_candidates(staff_client, staff, physics):
    """Read-only: who ran which generation, for whom."""
    CertificateGenerationHistory.objects.create(course=physics, generated_by=staff, is_regeneration=True)
    CertificateGenerationHistory.objects.create(
        course=physics, generated_by=staff, task_input={"students": [1]}
    )
    page = staff_client.get(admin_url(CertificateGenerationHistory)).content.decode()
    for cell in (
        'task_name">regenerated',
        'task_name">generated',
        'candidates">All Learners',
        'candidates">Granted Exceptions',
        'generated_by nowrap">staff',
    ):
        assert f'<td class="field-{cell}</td>' in page
    assert staff_client.get(admin_url(CertificateGenerationHistory, "add")).status_code == 403
