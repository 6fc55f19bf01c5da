"""Pages rendered ahead (issue 20): after a generation commits, a Celery task renders and stores the pages of the
valid certificates it wrote (ops.handlers, ops.tasks), so that a verifier's first visit reads the page instead of
rendering it; a later change still shows at once. Off with CERTIFICATE_PAGES_RENDER_AHEAD false (the default
without a broker: eager tasks would make the generation wait for the renders)."""

from io import StringIO

import pytest
from django.core.management import call_command

from coursecerts.certificates.models import CertificateRenderData, GeneratedCertificate
from coursecerts.certificates.web import page_cache
from tests.factories import learner_in_course
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db(transaction=True)  # the tasks are queued after the generation's commit


def generate(course_run) -> list[GeneratedCertificate]:
    call_command("generate_course_certificates", str(course_run.id), stdout=StringIO())
    return list(GeneratedCertificate.objects.filter(course=course_run).order_by("pk"))


def learners(course_run):
    learner_in_course(course_run, username="ada", profile__name="Ada Example")
    learner_in_course(course_run, username="bob", profile__name="Bob Example")
    learner_in_course(course_run, username="cy", percent=0.2, passed=False)  # no certificate


def first_visit(client, certificate) -> str:
    page_cache.clear()
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 200
    return response.content.decode()


def _fail(*args, **kwargs):
    raise AssertionError("rendered on the visit")


def test_a_course_wide_run_leaves_the_pages_of_its_valid_certificates_stored(
    client, course_run, settings, monkeypatch
):
    settings.CERTIFICATE_PAGES_RENDER_AHEAD = True
    learners(course_run)
    certificates = generate(course_run)
    valid = [c for c in certificates if c.status == "downloadable"]
    assert len(valid) == 2
    stored = {d.certificate_id: d for d in CertificateRenderData.objects.all()}
    assert set(stored) == {c.pk for c in valid}
    monkeypatch.setattr("coursecerts.certificates.web.stored_pages.render_certificate_html", _fail)
    monkeypatch.setattr("segno.make", _fail)
    settings.CERTIFICATE_PAGES_RENDER_AHEAD = False  # a setting no page shows: the stored pages stay fresh
    for certificate in valid:
        body = first_visit(client, certificate)
        assert body == stored[certificate.pk].page_html
        assert certificate.name in body


def test_a_change_after_the_run_makes_the_stored_page_stale_and_the_page_shows_it(
    client, course_run, settings
):
    settings.CERTIFICATE_PAGES_RENDER_AHEAD = True
    learners(course_run)
    certificate = next(c for c in generate(course_run) if c.status == "downloadable")
    before = CertificateRenderData.objects.get(certificate=certificate).page_digest
    course_run.organization.name = "Renamed Institute"
    course_run.organization.save()
    body = first_visit(client, certificate)
    assert "Renamed Institute" in body
    data = CertificateRenderData.objects.get(certificate=certificate)
    assert data.page_digest != before and data.page_html == body


def test_a_learner_issued_alone_gets_the_page_stored_too(course_run, settings):
    settings.CERTIFICATE_PAGES_RENDER_AHEAD = True
    certificate = issue(course_run, name="Jane Doe")
    assert "Jane Doe" in CertificateRenderData.objects.get(certificate=certificate).page_html


def test_nothing_is_rendered_ahead_when_it_is_off(client, course_run, settings):
    settings.CERTIFICATE_PAGES_RENDER_AHEAD = False
    learners(course_run)
    certificates = generate(course_run)
    assert not CertificateRenderData.objects.exists()
    assert "Ada Example" in first_visit(client, certificates[0])  # rendered and stored by the visit
    assert CertificateRenderData.objects.filter(certificate=certificates[0]).exists()
