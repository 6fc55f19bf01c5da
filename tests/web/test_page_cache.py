"""The page cache (web/page_cache.py): a repeat visit costs one query, and any change the page shows is seen at
once."""

import datetime as dt

import pytest

from coursecerts.certificates.models import CertificateDateOverride, CertificateHtmlViewConfiguration
from coursecerts.certificates.services import certificate_invalidation_create
from tests.factories import UserFactory
from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def visit(client, certificate, **params):
    return client.get(f"/certificates/{certificate.verify_uuid}", params)


def test_a_repeat_visit_costs_one_query(client, certificate, django_assert_num_queries):
    visit(client, certificate)
    with django_assert_num_queries(1):
        response = visit(client, certificate)
    assert b"Jane Doe" in response.content


def test_languages_are_cached_apart(client, certificate):
    visit(client, certificate)
    assert 'dir="rtl"' in visit(client, certificate, lang="ar").content.decode()
    assert 'dir="ltr"' in visit(client, certificate).content.decode()


def test_an_invalidation_is_seen_at_once(client, certificate):
    visit(client, certificate)
    certificate_invalidation_create(certificate=certificate, invalidated_by=UserFactory(username="prof"))
    assert visit(client, certificate).status_code == 410


def test_a_reissue_is_seen_at_once(client, course_run, certificate):
    visit(client, certificate)
    issue(course_run, name="Jane Q. Doe", username=certificate.user.username)
    assert b"Jane Q. Doe" in visit(client, certificate).content


def test_a_date_override_is_seen_at_once(client, certificate):
    visit(client, certificate)
    CertificateDateOverride.objects.create(
        generated_certificate=certificate,
        date=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        reason="x",
        overridden_by=UserFactory(username="prof"),
    )
    assert b"Issued January 2, 2026" in visit(client, certificate).content


def test_signatory_organisation_and_configuration_changes_are_seen_at_once(client, course_run, certificate):
    visit(client, certificate)
    signatory = course_run.certificate_configuration.signatories.first()
    signatory.name = "Grace Hopper"
    signatory.save()
    assert b"Grace Hopper" in visit(client, certificate).content
    signatory.delete()
    assert b"Grace Hopper" not in visit(client, certificate).content
    course_run.organization.name = "Renamed Institute"
    course_run.organization.save()
    assert b"Renamed Institute" in visit(client, certificate).content
    CertificateHtmlViewConfiguration.objects.create(
        enabled=True, configuration='{"verified": {"certificate_title": "New Title"}}'
    )
    assert b"New Title" in visit(client, certificate).content


def test_entries_expire(client, settings, certificate, django_assert_num_queries):
    visit(client, certificate)
    settings.CERTIFICATE_PAGE_CACHE_SECONDS = -1
    with django_assert_num_queries(2):  # key, certificate (its run and the configuration are cached)
        visit(client, certificate)


def test_the_cache_can_be_switched_off(client, settings, certificate, django_assert_num_queries):
    settings.CERTIFICATE_PAGE_CACHE_SIZE = 0
    visit(client, certificate)
    with django_assert_num_queries(
        1
    ):  # no page kept: the certificate with its key (and stored page), no render
        visit(client, certificate)


def test_every_visit_is_still_tracked(client, certificate, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="coursecerts.tracking")
    visit(client, certificate)
    visit(client, certificate)
    assert sum("evidence_visited" in r.getMessage() for r in caplog.records) == 2


def test_unknown_languages_share_one_entry(client, certificate):
    from coursecerts.certificates.web import page_cache

    for lang in ("xx", "yy", "zz", "en"):
        visit(client, certificate, lang=lang)
    assert len(page_cache._pages) == 2  # ("en", None) and (None, None)


def test_a_retirement_is_seen_at_once_even_when_the_printed_name_was_blank(client, course_run):
    """Retiring blanks the printed name; a name that was already blank changes nothing else the page shows,
    so the learner's retirement itself is part of what a cached page is checked against."""
    from coursecerts.certificates.services.retirement import learner_retire

    certificate = issue(course_run, name="")
    assert visit(client, certificate).status_code == 200
    learner_retire(user=certificate.user, actor=None)
    assert visit(client, certificate).status_code == 410
