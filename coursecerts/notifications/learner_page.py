"""A learner's page of certificates: every certificate of theirs that its own page shows, with links to the page,
the PDF and the credential. Private by default: it opens through a signed link (django.core.signing, valid for
LEARNER_PAGE_LINK_MAX_AGE_DAYS) from the learner's emails or minted by the platform through the API; public at
/learners/<slug> only when the learner makes it so. A bad, foreign or expired signature and an unknown or private
slug all answer the same 404 (nothing tells a guesser whether a learner exists)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coursecerts.certificates.display import PublicState, certificate_public_status
from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.notifications.models import LearnerPage, new_page_slug

SALT = "coursecerts.notifications.learner-page"


class LearnerPageLink(NamedTuple):
    url: str
    expires: datetime


def learner_page_get_or_create(user: User) -> LearnerPage:
    page, _ = LearnerPage.objects.get_or_create(user=user)
    return page


def learner_page_link(user: User) -> LearnerPageLink:
    """A signed link to the learner's page, and when it stops working."""
    page = learner_page_get_or_create(user)
    token = signing.TimestampSigner(salt=SALT).sign(page.slug)
    expires = timezone.now() + timedelta(days=settings.LEARNER_PAGE_LINK_MAX_AGE_DAYS)
    return LearnerPageLink(settings.SITE_URL + reverse("learner_page:signed", args=[token]), expires)


def learner_page_for_token(token: str) -> LearnerPage | None:
    """The page a signed link opens, or None (bad or expired signature, or a page whose links were ended)."""
    try:
        slug = signing.TimestampSigner(salt=SALT).unsign(
            token, max_age=timedelta(days=settings.LEARNER_PAGE_LINK_MAX_AGE_DAYS)
        )
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return LearnerPage.objects.select_related("user").filter(slug=slug).first()


def learner_page_public(slug: str) -> LearnerPage | None:
    """The page at its public address, or None when there is none or it is private."""
    return LearnerPage.objects.select_related("user").filter(slug=slug, public=True).first()


@transaction.atomic
def learner_page_set_public(*, page: LearnerPage, public: bool) -> LearnerPage:
    LearnerPage.objects.filter(pk=page.pk).update(public=public, modified=timezone.now())
    page.public = public
    return page


@transaction.atomic
def learner_page_end_links(*, page: LearnerPage) -> LearnerPage:
    """A new slug: every signed link and the public address stop working (the page goes private)."""
    page.slug, page.public = new_page_slug(), False
    page.save(update_fields=["slug", "public", "modified"])
    return page


def learner_certificates(user: User) -> list[GeneratedCertificate]:
    """The learner's certificates that their own pages show (valid now), newest first."""
    certificates = (
        GeneratedCertificate.objects.filter(user=user, status=CertificateStatuses.DOWNLOADABLE)
        .select_related("course__organization", "user__profile")
        .order_by("-issued_date", "-pk")
    )
    return [c for c in certificates if certificate_public_status(c).state is PublicState.VALID]


def learner_page_urls(user_ids: set[int]) -> dict[int, str]:
    """A signed link to each learner's page (pages made in bulk where missing): for a batch of emails."""
    LearnerPage.objects.bulk_create(
        [LearnerPage(user_id=user_id) for user_id in user_ids], ignore_conflicts=True, batch_size=1000
    )
    signer = signing.TimestampSigner(salt=SALT)
    slugs = LearnerPage.objects.filter(user_id__in=user_ids).values_list("user_id", "slug")
    return {
        user_id: settings.SITE_URL + reverse("learner_page:signed", args=[signer.sign(slug)])
        for user_id, slug in slugs
    }
