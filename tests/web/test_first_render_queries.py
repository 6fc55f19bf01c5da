"""A certificate's first visit (issue 20): its QR codes and its page are stored with the certificate
(CertificateRenderData, rendering.stored), so a page no worker has shown yet costs a fixed, small number of
queries and no render while nothing it was rendered from has changed; anything that changes the page renders it
again, at once."""

import datetime as dt

import pytest
from django.utils import timezone

from coursecerts.certificates.models import (
    CertificateDateOverride,
    CertificateHtmlViewConfiguration,
    CertificateRenderData,
    GeneratedCertificate,
)
from coursecerts.certificates.services import certificate_invalidation_create
from coursecerts.certificates.web import page_cache
from coursecerts.certificates.web.selectors import _certificate_with_render_data
from coursecerts.courses.models import CertificatesDisplayBehaviors
from tests.factories import UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def first_visit(client, certificate, **params):
    """A visit in a worker that has shown no page yet (its page cache empty)."""
    page_cache.clear()
    return client.get(f"/certificates/{certificate.verify_uuid}", params)


def visit_in_a_worker_that_knows_the_run(client, certificate):
    """A first visit of this certificate in a worker that has shown another page of its run."""
    page_cache._pages.clear()
    return client.get(f"/certificates/{certificate.verify_uuid}")


def stored(certificate) -> CertificateRenderData | None:
    return CertificateRenderData.objects.filter(certificate=certificate).first()


def test_a_first_render_stores_the_page_and_its_qr_codes(client, certificate):
    assert stored(certificate) is None  # issued before anything was stored: rendered on its first visit
    body = first_visit(client, certificate).content.decode()
    data = stored(certificate)
    assert data.page_html == body and data.page_language == "en" and len(data.page_digest) == 64
    url = f"http://testserver/certificates/{certificate.verify_uuid}"
    assert data.qr_codes[url].startswith("<svg") and data.qr_codes[url] in body
    assert data.qr_codes[f"{url}/credential.json"] in body  # the Open Badge block's code


def test_a_first_render_costs_a_fixed_number_of_queries(client, course_run, django_assert_num_queries):
    certificate, other = issue(course_run, name="Jane Doe"), issue(course_run, name="John Roe")
    # The freshness key comes in the certificate's own query (web.selectors.certificate_page_get_with_key): a page
    # the worker keeps nothing of costs one query for both (it cost two before).
    with django_assert_num_queries(
        5
    ):  # certificate with its key, run, signatories, web-view configuration, store
        first_visit(client, certificate)
    with django_assert_num_queries(2):  # certificate (with its key and what is stored), store
        visit_in_a_worker_that_knows_the_run(client, other)


def test_a_stored_page_is_the_page_rendered(client, course_run, monkeypatch, django_assert_num_queries):
    certificate, other = issue(course_run, name="Jane Doe"), issue(course_run, name="John Roe")
    rendered = first_visit(client, certificate).content
    first_visit(client, other)
    monkeypatch.setattr("coursecerts.certificates.web.stored_pages.render_certificate_html", _fail)
    monkeypatch.setattr("segno.make", _fail)
    assert first_visit(client, certificate).content == rendered
    with django_assert_num_queries(1):  # the certificate with its key and its stored page
        response = visit_in_a_worker_that_knows_the_run(client, certificate)
    assert response.content == rendered


def _fail(*args, **kwargs):
    raise AssertionError("rendered")


def test_a_rerender_reuses_the_stored_qr_codes(client, certificate, settings, monkeypatch):
    first_visit(client, certificate)
    settings.PLATFORM_NAME = "Open Learning"  # any setting renders every page again
    monkeypatch.setattr("segno.make", _fail)
    assert b"Open Learning" in first_visit(client, certificate).content


def test_a_new_site_url_draws_new_qr_codes(client, certificate, settings):
    first_visit(client, certificate)
    settings.SITE_URL = "https://certificates.example.org"
    body = first_visit(client, certificate).content.decode()
    codes = stored(certificate).qr_codes
    assert set(codes) == {
        f"https://certificates.example.org/certificates/{certificate.verify_uuid}",
        f"https://certificates.example.org/certificates/{certificate.verify_uuid}/credential.json",
    }
    assert all(code in body for code in codes.values())


def _reissue_with_another_name(certificate, course_run):
    issue(course_run, name="Jane Q. Doe", username=certificate.user.username)
    return "Jane Q. Doe"


def _date_override(certificate, course_run):
    CertificateDateOverride.objects.create(
        generated_certificate=certificate,
        date=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        reason="x",
        overridden_by=UserFactory(username="prof"),
    )
    return "January 2, 2026"


def _signatory_renamed(certificate, course_run):
    signatory = course_run.certificate_configuration.signatories.first()
    signatory.name = "Grace Hopper"
    signatory.save()
    return "Grace Hopper"


def _organisation_renamed(certificate, course_run):
    course_run.organization.name = "Renamed Institute"
    course_run.organization.save()
    return "Renamed Institute"


def _web_view_configuration(certificate, course_run):
    CertificateHtmlViewConfiguration.objects.create(
        enabled=True, configuration='{"verified": {"certificate_title": "New Title"}}'
    )
    return "New Title"


def _available_date_passed(certificate, course_run, settings=None):
    course_run.self_paced = False
    course_run.certificates_display_behavior = CertificatesDisplayBehaviors.END_WITH_DATE
    course_run.certificate_available_date = timezone.now() - dt.timedelta(days=1)
    course_run.save()
    return course_run.certificate_available_date.strftime("%B %-d, %Y")


@pytest.mark.parametrize(
    "change",
    [
        _reissue_with_another_name,
        _date_override,
        _signatory_renamed,
        _organisation_renamed,
        _web_view_configuration,
        _available_date_passed,
    ],
)
def test_what_changes_the_page_renders_it_again(client, course_run, certificate, change, settings):
    settings.AUTO_CERTIFICATE_GENERATION = True
    first_visit(client, certificate)
    text = change(certificate, course_run)
    body = first_visit(client, certificate).content.decode()
    assert text in body
    assert stored(certificate).page_html == body


def test_an_invalidated_certificate_is_not_served_from_what_is_stored(client, certificate):
    first_visit(client, certificate)
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))
    assert first_visit(client, certificate).status_code == 410


def test_a_page_in_another_language_is_rendered_and_stored(client, certificate):
    first_visit(client, certificate)
    assert 'dir="rtl"' in first_visit(client, certificate, lang="ar").content.decode()
    assert stored(certificate).page_language == "ar"
    assert 'dir="ltr"' in first_visit(client, certificate).content.decode()


def test_the_compiled_certificate_query_loads_what_the_queryset_does(client, course_run, certificate):
    CertificateDateOverride.objects.create(
        generated_certificate=certificate,
        date=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        reason="x",
        overridden_by=UserFactory(username="prof"),
    )
    first_visit(client, certificate)
    expected = (
        GeneratedCertificate.objects.select_related(
            "template_version__template", "date_override", "render_data"
        )
        .filter(verify_uuid=certificate.verify_uuid)
        .get()
    )
    loaded = _certificate_with_render_data.get(certificate.verify_uuid)
    assert _values(loaded) == _values(expected)
    assert _values(loaded.date_override) == _values(expected.date_override)
    assert _values(loaded.render_data) == _values(expected.render_data)
    assert loaded.template_version is None
    assert _certificate_with_render_data.get("0" * 32) is None


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def render_certificate_pages(*args) -> str:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("render_certificate_pages", *args, stdout=out)
    return out.getvalue()


def test_pages_rendered_ahead_serve_the_first_visit(client, course_run, monkeypatch):
    certificate, other = issue(course_run, name="Jane Doe"), issue(course_run, name="John Roe")
    invalidated = issue(course_run, name="Max Muster")
    certificate_invalidation_create(certificate=invalidated, invalidated_by=UserFactory(username="prof"))
    assert render_certificate_pages().startswith("2 pages rendered and stored, 2 certificates looked at")
    assert stored(invalidated) is None
    assert render_certificate_pages().startswith("0 pages rendered and stored, 0 certificates looked at")
    monkeypatch.setattr("coursecerts.certificates.web.stored_pages.render_certificate_html", _fail)
    monkeypatch.setattr("segno.make", _fail)
    body = first_visit(client, certificate).content.decode()
    assert "Jane Doe" in body and body == stored(certificate).page_html
    assert "John Roe" in first_visit(client, other).content.decode()


def test_all_renders_again_only_pages_out_of_date(client, course_run, certificate):
    render_certificate_pages()
    assert render_certificate_pages("--all").startswith("0 pages rendered and stored, 1 certificates")
    course_run.organization.name = "Renamed Institute"
    course_run.organization.save()
    assert render_certificate_pages("--all").startswith("1 pages rendered and stored, 1 certificates")
    assert "Renamed Institute" in stored(certificate).page_html


def test_the_key_read_with_the_certificate_is_the_key_read_alone(client, course_run, certificate):
    """A first visit keeps its page under the key read in the certificate's own query; a repeat visit reads the
    key alone: the two must be equal, or no repeat visit would find the page kept."""
    from coursecerts.certificates.web.selectors import PageKind, certificate_page_get_with_key

    CertificateDateOverride.objects.create(
        generated_certificate=certificate,
        date=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        reason="x",
        overridden_by=UserFactory(username="prof"),
    )
    CertificateHtmlViewConfiguration.objects.create(enabled=True, configuration="{}")
    page, key = certificate_page_get_with_key(certificate.verify_uuid, now=timezone.now())
    assert key == page_cache.freshness_key(certificate.verify_uuid)
    assert key.override_date is not None and key.course.signatory_count == 2
    assert page.certificate.pk == certificate.pk and not hasattr(page.certificate, "_key0")
    page, key = certificate_page_get_with_key("0" * 32, now=timezone.now())
    assert page.kind is PageKind.NOT_FOUND and key is None is page_cache.freshness_key("0" * 32)
