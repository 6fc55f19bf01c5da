"""The admin as a course team uses it: a certificate links to its public page and PDF, a run shows its
certificates by status and previews each mode, the index puts daily work first, a new template starts from a
working design, and a retired learner's certificate says so."""

import pytest
from django.utils import timezone

from coursecerts.certificates.admin.configuration import starter_template
from coursecerts.certificates.models import (
    CertificateStatuses,
    CertificateTemplate,
    GeneratedCertificate,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
)
from coursecerts.certificates.rendering.engine import compile_template
from coursecerts.courses.models import CourseMode, CourseRun
from coursecerts.learners.models import LearnerProfile
from tests.admin.helpers import admin_url
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db


def test_a_certificate_links_to_its_public_page_and_pdf(staff_client, certificate):
    page = staff_client.get(admin_url(GeneratedCertificate, "change", certificate))

    html = page.content.decode()
    assert f'href="/certificates/{certificate.verify_uuid}" class="viewsitelink"' in html  # "View on site"
    assert f'<a href="/certificates/{certificate.verify_uuid}">page</a>' in html
    assert f'<a href="/certificates/{certificate.verify_uuid}/pdf">PDF</a>' in html
    assert "(valid: shown to anyone with the link)" in html


def test_an_invalidated_certificate_says_its_page_answers_gone(staff_client, certificate):
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(status=CertificateStatuses.UNAVAILABLE)

    html = staff_client.get(admin_url(GeneratedCertificate, "change", certificate)).content.decode()

    assert "invalidated: the page answers 410 Gone" in html


def test_a_retired_learner_s_certificate_says_so(staff_client, certificate, passing_learner):
    LearnerProfile.objects.filter(user=passing_learner).update(name="", retired_at=timezone.now())
    GeneratedCertificate.objects.filter(pk=certificate.pk).update(name="")

    change = staff_client.get(admin_url(GeneratedCertificate, "change", certificate)).content.decode()
    listing = staff_client.get(admin_url(GeneratedCertificate)).content.decode()

    assert "the learner is retired (name and email blanked): the page answers 410 Gone" in change
    assert "(retired learner)" in listing


def test_the_certificates_list_shows_the_name_in_few_columns(staff_client, certificate):
    """Six columns (user, name, course, mode, status, modified) fit a 1366 px screen with the filters."""
    listing = staff_client.get(admin_url(GeneratedCertificate))

    columns = [header for header in listing.context["cl"].list_display if header != "action_checkbox"]
    assert columns == ["user", "learner_name", "course", "mode", "status", "modified_date"]
    assert (
        certificate.name
        and f'<td class="field-learner_name">{certificate.name}</td>' in listing.content.decode()
    )


def test_the_course_run_page_previews_each_mode_and_counts_certificates_by_status(
    staff_client, physics, certificate
):
    for mode in ("honor", "verified"):
        CourseMode.objects.get_or_create(course=physics, mode_slug=mode)
    failing = learner_in_course(physics, username="bob", percent=0.2, passed=False)
    GeneratedCertificate.objects.create(user=failing, course=physics, status=CertificateStatuses.NOTPASSING)

    html = staff_client.get(admin_url(CourseRun, "change", physics)).content.decode()

    preview = f"/certificates/course/{physics.id}?preview="
    assert f'<a href="{preview}honor">honor</a> · <a href="{preview}verified">verified</a>' in html
    changelist = admin_url(GeneratedCertificate)
    key = str(physics.id).replace(":", "%3A").replace("+", "%2B")
    assert (
        f'<a href="{changelist}?course__id__exact={key}&amp;status__exact=downloadable">downloadable 1</a>'
        in html
    )
    assert 'status__exact=notpassing">notpassing 1</a>' in html
    filtered = staff_client.get(f"{changelist}?course__id__exact={key}&status__exact=notpassing")
    assert filtered.context["cl"].result_count == 1


def test_the_index_puts_daily_work_apart_from_configuration(staff_client):
    app_list = staff_client.get("/admin/").context["app_list"]
    groups = {app["name"]: [model["object_name"] for model in app["models"]] for app in app_list}

    assert [app["name"] for app in app_list][:3] == [
        "Certificates",
        "Certificate configuration",
        "Certificate command configurations",
    ]
    assert groups["Certificates"] == [
        "GeneratedCertificate",
        "CertificateAllowlist",
        "CertificateInvalidation",
        "CertificateDateOverride",
        "CertificateGenerationJob",
        "CertificateGenerationHistory",
    ]
    assert {"CertificateConfiguration", "CertificateTemplate", "CertificateHtmlViewConfiguration"} <= set(
        groups["Certificate configuration"]
    )
    assert sorted(groups["Certificate command configurations"]) == [
        "CertificateGenerationCommandConfiguration",
        "ModifiedCertificateTemplateCommandConfiguration",
        "PurgeReferencestoPDFCertificatesCommandConfiguration",
    ]
    assert staff_client.get("/admin/certificates/").status_code == 200


def test_the_purge_command_configuration_is_spelled_right(staff_client):
    html = staff_client.get("/admin/").content.decode()
    assert "Purge references to PDF certificates command configurations" in html
    assert "referencesto pdf" not in html.lower()  # the text; the URL keeps the model's name
    listing = staff_client.get(admin_url(PurgeReferencestoPDFCertificatesCommandConfiguration))
    assert "referencesto pdf" not in listing.content.decode().lower()
    assert "purge references to PDF certificates command configuration" in listing.content.decode()


def test_a_new_template_starts_from_the_built_in_design_with_a_link_to_the_docs(staff_client):
    page = staff_client.get(admin_url(CertificateTemplate, "add"))

    assert page.context["adminform"].form.initial["template"] == starter_template()
    assert "docs/web-certificates.md" in page.content.decode()


def test_the_starter_template_compiles_in_the_sandbox_and_prints_the_certificate(staff_client, physics):
    staff_client.post(
        admin_url(CertificateTemplate, "add"),
        {"name": "Starter", "description": "", "template": starter_template(), "mode": "verified", "language": "",
         "is_active": "on", "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"},
    )  # fmt: skip
    template = CertificateTemplate.objects.get(name="Starter")
    version = template.versions.get()

    preview = staff_client.get(
        f"/certificates/course/{physics.id}?preview=verified&template_version={version.pk}"
    )

    compile_template(starter_template())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "This is to certify that" in html and "Physics" in html
