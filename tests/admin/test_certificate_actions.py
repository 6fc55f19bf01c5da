"""The list's actions are the only way the admin changes a certificate's status. Each calls a service, which
records the change with the admin as actor; a refusal is an error message on its row and changes nothing."""

import pytest
from django.contrib.auth.models import Permission

from coursecerts.certificates.models import CertificateInvalidation, GeneratedCertificate
from coursecerts.certificates.services import certificate_invalidation_create
from tests.admin.helpers import admin_url, messages_of
from tests.factories import AllowlistFactory, GeneratedCertificateFactory, UserFactory, learner_in_course

DORA_REGENERATED = (
    "dora in course-v1:edX+Physics+2026: regeneration attempted; now downloadable (Passed the course)."
)


def run_action(client, action: str, *certificates, **data):
    selected = [certificate.pk for certificate in certificates]
    return client.post(
        admin_url(GeneratedCertificate), {"action": action, "_selected_action": selected, **data}, follow=True
    )


def last_history(certificate):
    return certificate.history.order_by("-pk").first()


class TestInvalidate:
    def test_it_asks_for_notes_first_and_changes_nothing_yet(self, staff_client, certificate):
        response = run_action(staff_client, "invalidate", certificate)
        assert response.templates[0].name.endswith("invalidate_confirmation.html")
        assert 'name="notes"' in response.content.decode()
        certificate.refresh_from_db()
        assert certificate.status == "downloadable"

    def test_confirming_without_notes_asks_again(self, staff_client, certificate):
        response = run_action(staff_client, "invalidate", certificate, confirm="yes", notes="")
        assert "This field is required" in response.content.decode()
        assert not CertificateInvalidation.objects.exists()

    def test_it_invalidates_through_the_service(self, staff_client, staff, certificate):
        response = run_action(staff_client, "invalidate", certificate, confirm="yes", notes="copied an essay")
        certificate.refresh_from_db()
        assert certificate.status == "unavailable"
        invalidation = CertificateInvalidation.objects.get(generated_certificate=certificate)
        assert (invalidation.invalidated_by, invalidation.notes, invalidation.active) == (
            staff,
            "copied an essay",
            True,
        )
        history = last_history(certificate)
        assert (history.actor, history.status_before, history.status_after) == (
            staff,
            "downloadable",
            "unavailable",
        )
        assert history.note == "copied an essay"
        assert messages_of(response) == ["alice in course-v1:edX+Physics+2026: invalidated."]

    def test_an_allowlisted_learner_keeps_the_certificate_and_the_row_shows_why(
        self, staff_client, certificate
    ):
        AllowlistFactory(user=certificate.user, course=certificate.course)
        response = run_action(staff_client, "invalidate", certificate, confirm="yes", notes="copied")
        assert response.status_code == 200
        [message] = messages_of(response)
        assert message.startswith(
            "alice in course-v1:edX+Physics+2026: The student alice appears to be on the "
            "Certificate Exception list"
        )
        certificate.refresh_from_db()
        assert certificate.status == "downloadable"
        assert not CertificateInvalidation.objects.exists()
        assert certificate.history.count() == 1

    def test_one_refusal_does_not_stop_the_other_rows(self, staff_client, certificate, physics):
        refused = GeneratedCertificateFactory(
            user=UserFactory(username="bob"), course=physics, status="notpassing"
        )
        response = run_action(staff_client, "invalidate", certificate, refused, confirm="yes", notes="copied")
        certificate.refresh_from_db()
        assert certificate.status == "unavailable"
        assert any("bob" in message and "already invalid" in message for message in messages_of(response))


class TestRevalidate:
    def test_it_lifts_the_invalidation_and_generates_again(self, staff_client, staff, certificate):
        instructor = UserFactory(username="instructor", is_staff=True)
        certificate_invalidation_create(certificate=certificate, invalidated_by=instructor, notes="mistake")
        response = run_action(staff_client, "revalidate", certificate)
        certificate.refresh_from_db()
        assert certificate.status == "downloadable"
        assert not CertificateInvalidation.objects.filter(active=True).exists()
        history = last_history(certificate)
        assert (history.source, history.actor, history.status_before, history.status_after) == (
            "certificate_revalidation",
            staff,
            "unavailable",
            "downloadable",
        )
        assert messages_of(response) == [
            "alice in course-v1:edX+Physics+2026: re-validated; now downloadable (Passed the course)."
        ]

    def test_a_certificate_that_is_not_invalidated_is_an_error_on_its_row(self, staff_client, certificate):
        response = run_action(staff_client, "revalidate", certificate)
        assert messages_of(response) == [
            "alice in course-v1:edX+Physics+2026: Certificate of alice is not invalidated."
        ]
        assert certificate.history.count() == 1


class TestRegenerate:
    @pytest.fixture
    def notpassing(self, physics):
        """A stored notpassing certificate whose learner's grade now passes."""
        user = learner_in_course(physics, username="dora", percent=0.9, passed=True)
        return GeneratedCertificateFactory(user=user, course=physics, status="notpassing", grade="0.4")

    def test_it_generates_through_the_service(self, staff_client, staff, notpassing):
        response = run_action(staff_client, "regenerate", notpassing)
        notpassing.refresh_from_db()
        assert (notpassing.status, notpassing.grade) == ("downloadable", "0.9")
        history = last_history(notpassing)
        assert (history.source, history.actor, history.status_before, history.status_after) == (
            "admin_regenerate",
            staff,
            "notpassing",
            "downloadable",
        )
        assert messages_of(response) == [DORA_REGENERATED]

    def test_each_row_reports_its_outcome_and_reason(self, staff_client, notpassing, certificate):
        response = run_action(staff_client, "regenerate", notpassing, certificate)
        assert sorted(messages_of(response)) == [
            "alice in course-v1:edX+Physics+2026: regeneration attempted; now downloadable "
            "(Already holds a downloadable certificate).",
            DORA_REGENERATED,
        ]
        assert certificate.history.count() == 1


def test_staff_who_may_only_view_certificates_get_no_actions(client, certificate):
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_generatedcertificate"))
    client.force_login(viewer)
    response = run_action(client, "invalidate", certificate, confirm="yes", notes="copied")
    certificate.refresh_from_db()
    assert certificate.status == "downloadable"
    assert response.context["action_form"] is None
