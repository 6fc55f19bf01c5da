"""Versioned templates (ADR 0006): drafts, publishing, rollback, and certificates frozen on their version."""

import pytest

from coursecerts.certificates.models import CertificateTemplate, CertificateTemplateVersion
from coursecerts.certificates.rendering.engine import TemplateInvalid
from coursecerts.certificates.services.template_versions import (
    template_version_create,
    template_version_publish,
)
from tests.factories import CertificateTemplateFactory, UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(course_run):
    return CertificateTemplateFactory(
        organization=course_run.organization,
        course_key=None,
        mode="verified",
        template='<h1 id="t">First design</h1><p>{{ accomplishment_copy_name }}</p>',
    )


def publish(template, text=None):
    return template_version_publish(version=template_version_create(template=template, text=text))


def page(client, certificate):
    return client.get(f"/certificates/{certificate.verify_uuid}").content.decode()


def test_a_certificate_records_the_published_version_it_was_issued_with(template, course_run):
    v1 = publish(template)
    certificate = issue(course_run)
    assert certificate.template_version == v1
    assert issue(course_run, name="Other", username="o").template_version == v1


def test_the_built_in_design_is_recorded_as_no_version(course_run):
    assert issue(course_run).template_version is None


def test_a_draft_is_not_used(client, template, course_run):
    template_version_create(template=template)
    certificate = issue(course_run)
    assert certificate.template_version is None
    assert "First design" not in page(client, certificate)


def test_publishing_a_new_version_never_changes_an_issued_certificate(client, template, course_run):
    publish(template)
    issued = issue(course_run)
    v2 = publish(template, '<h1 id="t">Second design</h1>{{ accomplishment_copy_name }}')
    assert "First design" in page(client, issued) and "Second design" not in page(client, issued)
    newer = issue(course_run, name="Newer Learner", username="newer")
    assert newer.template_version == v2
    assert "Second design" in page(client, newer)


def test_reissuing_moves_a_certificate_to_the_published_version(client, template, course_run):
    publish(template)
    certificate = issue(course_run)
    v2 = publish(template, "<h1>Second design</h1>")
    reissued = issue(course_run, username=certificate.user.username)
    assert reissued.pk == certificate.pk and reissued.template_version == v2


def test_rollback_is_publishing_an_older_version(template):
    v1 = publish(template)
    v2 = publish(template, "<h1>Bad edit</h1>")
    template_version_publish(version=v1)
    states = dict(CertificateTemplateVersion.objects.values_list("number", "state"))
    assert states == {1: "published", 2: "retired"}
    template.refresh_from_db()
    assert template.template == v1.text
    assert v2.number == 2


def test_one_published_version_at_most(template):
    publish(template)
    publish(template, "<p>2</p>")
    publish(template, "<p>3</p>")
    assert template.versions.filter(state="published").count() == 1


def test_a_template_that_does_not_compile_is_refused(template):
    with pytest.raises(TemplateInvalid, match="does not compile"):
        template_version_create(template=template, text="{{ accomplishment_copy_name|safe }}")
    assert not template.versions.exists()


def test_operator_templates_get_open_edx_context_keys_and_escape_names(client, template, course_run):
    publish(
        template,
        "{% load certificate %}<p id=n>{{ accomplishment_copy_name }}</p><p>{{ accomplishment_copy_course_name }}"
        "</p><p>{{ organization_long_name }}</p><p>{{ certificate_id_number }}</p>"
        "<p>{{ certificate_date_issued|certificate_date }}</p>{% certificate_qr %}",
    )
    certificate = issue(course_run, name="<i>Eve</i>")
    body = page(client, certificate)
    assert "<p id=n>&lt;i&gt;Eve&lt;/i&gt;</p>" in body
    assert (
        "Data Science 101" in body and "Open Learning Institute" in body and certificate.verify_uuid in body
    )
    assert "<svg" in body


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        return client

    def form(self, template, text):
        return {
            "name": template.name,
            "description": template.description or "",
            "template": text,
            "organization": template.organization_id,
            "course_key": "",
            "mode": "verified",
            "language": "",
            "is_active": "on",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        }

    def test_saving_a_changed_text_makes_a_draft(self, admin_client, template):
        url = f"/admin/certificates/certificatetemplate/{template.pk}/change/"
        response = admin_client.post(url, self.form(template, "<p>edited</p>"), follow=True)
        assert response.status_code == 200
        (draft,) = template.versions.all()
        assert (draft.number, draft.state, draft.text) == (1, "draft", "<p>edited</p>")
        assert b"saved as draft v1" in response.content

    def test_a_text_that_does_not_compile_is_a_form_error(self, admin_client, template):
        url = f"/admin/certificates/certificatetemplate/{template.pk}/change/"
        response = admin_client.post(url, self.form(template, "{% debug %}"))
        assert response.status_code == 200
        assert b"does not compile" in response.content
        assert not template.versions.exists()

    def test_the_publish_action_publishes_the_latest_draft(self, admin_client, template):
        template_version_create(template=template)
        latest = template_version_create(template=template, text="<p>latest</p>")
        admin_client.post(
            "/admin/certificates/certificatetemplate/",
            {"action": "publish_latest_draft", "_selected_action": [template.pk]},
        )
        latest.refresh_from_db()
        assert latest.state == "published"
        assert CertificateTemplate.objects.get().template == "<p>latest</p>"

    def test_rollback_from_the_versions_list(self, admin_client, template):
        v1 = publish(template)
        publish(template, "<p>v2</p>")
        admin_client.post(
            "/admin/certificates/certificatetemplateversion/",
            {"action": "publish", "_selected_action": [v1.pk]},
        )
        v1.refresh_from_db()
        assert v1.state == "published"

    def test_the_version_pages_render(self, admin_client, template):
        version = publish(template)
        assert admin_client.get("/admin/certificates/certificatetemplateversion/").status_code == 200
        assert (
            admin_client.get(
                f"/admin/certificates/certificatetemplateversion/{version.pk}/change/"
            ).status_code
            == 200
        )
        assert (
            admin_client.get(f"/admin/certificates/certificatetemplate/{template.pk}/change/").status_code
            == 200
        )


class TestPreviewOfAVersion:
    def test_global_staff_preview_a_draft_before_publishing(self, client, template, course_run):
        draft = template_version_create(
            template=template, text="<h1>Draft design</h1>{{ accomplishment_copy_name }}"
        )
        client.force_login(UserFactory(username="ops", is_staff=True))
        url = f"/certificates/course/{course_run.id}"
        response = client.get(url, {"preview": "verified", "template_version": draft.pk})
        assert b"Draft design" in response.content and b"Sample Learner" in response.content
        assert b"Draft design" not in client.get(url, {"preview": "verified"}).content
        assert client.get(url, {"preview": "verified", "template_version": "999"}).status_code == 404
        assert client.get(url, {"preview": "verified", "template_version": "x"}).status_code == 404

    def test_course_staff_cannot_choose_a_version(self, client, template, course_run):
        from tests.factories import CourseAccessRoleFactory

        draft = template_version_create(template=template)
        user = UserFactory(username="teacher")
        CourseAccessRoleFactory(user=user, course=course_run, role="instructor")
        client.force_login(user)
        url = f"/certificates/course/{course_run.id}"
        assert client.get(url, {"preview": "verified", "template_version": draft.pk}).status_code == 403


class TestCourseWideGeneration:
    """The set-based path (generate_course_certificates) records versions as the per-learner one does."""

    def test_new_and_regenerated_certificates_record_the_published_version(self, template, course_run):
        from io import StringIO

        from django.core.management import call_command

        from coursecerts.certificates.models import GeneratedCertificate
        from tests.factories import learner_in_course

        v1 = publish(template)
        learner_in_course(course_run, username="bulk1")
        call_command("generate_course_certificates", str(course_run.id), stdout=StringIO())
        (certificate,) = GeneratedCertificate.objects.filter(user__username="bulk1")
        assert certificate.template_version == v1
        v2 = publish(template, "<p>second</p>")
        call_command(
            "generate_course_certificates",
            str(course_run.id),
            "--statuses",
            "downloadable",
            stdout=StringIO(),
        )
        certificate.refresh_from_db()
        assert certificate.template_version == v1  # a downloadable certificate is final (eligibility rules)
        assert v2.state == "published"


class TestReissue:
    def test_reissue_moves_issued_certificates_to_the_published_version(self, client, template, course_run):
        from coursecerts.certificates.models import CertificateHistory
        from coursecerts.certificates.services.template_versions import certificates_reissue_with_version

        publish(template)
        first = issue(course_run)
        issue(course_run, name="B", username="b")
        v2 = publish(template, '<h1 id="t">Second design</h1>')
        assert "Second design" not in page(client, first)
        assert certificates_reissue_with_version(version=v2, actor=UserFactory(username="ops")) == 2
        first.refresh_from_db()
        assert first.template_version == v2 and "Second design" in page(client, first)
        notes = list(
            CertificateHistory.objects.filter(source="template_reissue").values_list("note", flat=True)
        )
        assert sorted(notes) == [f"Reissued with template {template.pk} v2 (was v1)"] * 2
        assert certificates_reissue_with_version(version=v2) == 0  # idempotent

    def test_only_a_published_version_can_be_reissued_with(self, template):
        from coursecerts.certificates.services.template_versions import (
            TemplateVersionNotPublished,
            certificates_reissue_with_version,
        )

        draft = template_version_create(template=template)
        with pytest.raises(TemplateVersionNotPublished, match="not published"):
            certificates_reissue_with_version(version=draft)

    def test_the_admin_action(self, client, template, course_run):
        publish(template)
        certificate = issue(course_run)
        v2 = publish(template, "<p>2</p>")
        client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
        response = client.post(
            "/admin/certificates/certificatetemplateversion/",
            {"action": "reissue", "_selected_action": [v2.pk]},
            follow=True,
        )
        assert b"1 certificates reissued" in response.content
        certificate.refresh_from_db()
        assert certificate.template_version == v2
