"""A learner's page of certificates: reached through a signed link (from the email, or minted by the platform),
private by default, public only when the learner makes it so; a bad, expired or ended link and an unknown or
private address all answer the same 404, so nothing can be enumerated."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.utils import timezone

from coursecerts.certificates.services import certificate_generate
from coursecerts.notifications.learner_page import SALT, learner_page_link
from coursecerts.notifications.models import LearnerPage
from tests.factories import CertificateConfigurationFactory, learner_in_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(course, captured_on_commit):
    CertificateConfigurationFactory(course=course)  # the run shows its certificates
    user = learner_in_course(course, username="ada")
    with captured_on_commit(execute=True):
        certificate_generate(user=user, course_run=course, mode="verified", grade="0.85", source="t")
    return user


def path(url: str) -> str:
    return urlsplit(url).path


def not_found_body(client) -> bytes:
    return client.get("/learners/page/x:y:z").content


def test_the_email_s_link_opens_the_learner_s_page_with_each_certificate_s_links(client, ada):
    (message,) = mail.outbox
    link = re.search(r"http://\S+/learners/page/\S+", message.body).group(0)
    page = client.get(path(link))

    assert page.status_code == 200
    html = page.content.decode()
    cert = ada.certificates.get()
    assert f"/certificates/{cert.verify_uuid}" in html
    assert f"/certificates/{cert.verify_uuid}/pdf" in html
    assert f"/certificates/{cert.verify_uuid}/credential.json" in html
    assert "https://www.linkedin.com/profile/add?" in html
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex">' in html


def test_only_the_learner_s_own_valid_certificates_are_listed(client, course, ada, captured_on_commit):
    other = learner_in_course(course)
    with captured_on_commit(execute=True):
        theirs = certificate_generate(
            user=other, course_run=course, mode="verified", grade="0.85", source="t"
        )
    html = client.get(path(learner_page_link(ada).url)).content.decode()
    assert theirs.verify_uuid not in html
    assert ada.certificates.get().verify_uuid in html


def test_a_tampered_foreign_or_expired_link_is_the_same_404_as_nonsense(client, ada):
    link = path(learner_page_link(ada).url)
    slug = LearnerPage.objects.get(user=ada).slug
    tampered = link[:-2] + ("AA" if not link.endswith("AA") else "BB")
    foreign = "/learners/page/" + signing.TimestampSigner(salt="another.purpose").sign(slug)
    nonsense = not_found_body(client)

    for url in (tampered, foreign):
        answer = client.get(url)
        assert (answer.status_code, answer.content) == (404, nonsense)
    with time_machine.travel(
        timezone.now() + timedelta(days=settings.LEARNER_PAGE_LINK_MAX_AGE_DAYS, hours=1)
    ):
        expired = client.get(link)
    assert (expired.status_code, expired.content) == (404, nonsense)
    assert client.get(link).status_code == 200  # still valid today


def test_the_page_is_private_until_the_learner_makes_it_public_and_private_again(client, ada):
    link = path(learner_page_link(ada).url)
    page = LearnerPage.objects.get(user=ada)
    public = f"/learners/{page.slug}"
    assert client.get(public).status_code == 404
    assert client.get(public).content == not_found_body(client)

    client.post(link, {"action": "public"})
    shown = client.get(public)
    assert shown.status_code == 200
    assert ada.certificates.get().verify_uuid in shown.content.decode()
    assert 'id="controls"' not in shown.content.decode()  # only the link's holder changes it
    assert client.post(public, {"action": "private"}).status_code == 405

    client.post(link, {"action": "private"})
    assert client.get(public).status_code == 404


def test_ending_the_links_ends_the_signed_links_and_the_public_address(client, ada):
    link = path(learner_page_link(ada).url)
    client.post(link, {"action": "public"})
    old_public = f"/learners/{LearnerPage.objects.get(user=ada).slug}"

    ended = client.post(link, {"action": "end-links"})
    assert ended.status_code == 200
    assert client.get(link).status_code == 404
    assert client.get(old_public).status_code == 404
    assert client.get(path(learner_page_link(ada).url)).status_code == 200  # a new link works


def test_no_enumeration_by_user_id_username_or_a_signature_of_a_guessed_slug(client, ada):
    slug = LearnerPage.objects.get_or_create(user=ada)[0].slug
    assert len(slug) >= 20
    for guess in (f"/learners/{ada.pk}", "/learners/ada", f"/learners/page/{ada.pk}:abc:def"):
        assert client.get(guess).status_code == 404
    unsigned = signing.TimestampSigner(salt=SALT, key="not-the-secret-key").sign(slug)
    assert client.get(f"/learners/page/{unsigned}").status_code == 404


def test_each_certificate_shows_the_date_its_own_page_prints(client, ada, staff):
    from datetime import UTC, datetime

    from coursecerts.certificates.services.date_override import date_override_set

    cert = ada.certificates.get()
    date_override_set(certificate=cert, date=datetime(2026, 3, 14, tzinfo=UTC), reason="t", actor=staff)
    html = client.get(path(learner_page_link(ada).url)).content.decode()
    assert "March 14, 2026" in html
