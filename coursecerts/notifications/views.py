"""The learner's page of certificates (learner_page.py): through a signed link, with the learner's controls
(make it public or private, end every link), or at its public address when the learner made it public. Every
refusal is the same 404; the page is never cached by a shared cache and sends no Referer (its address is a
credential)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coursecerts.certificates.display import display_date_for_certificate
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.sharing import share_links
from coursecerts.certificates.web.rate_limit import rate_limited
from coursecerts.notifications.learner_page import (
    learner_certificates,
    learner_page_end_links,
    learner_page_for_token,
    learner_page_public,
    learner_page_set_public,
)
from coursecerts.notifications.models import LearnerPage

PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@rate_limited
@require_http_methods(["GET", "HEAD", "POST"])
def learner_page_signed(request, token: str) -> HttpResponse:
    page = learner_page_for_token(token)
    if page is None:
        return _not_found(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "public":
            learner_page_set_public(page=page, public=True)
        elif action == "private":
            learner_page_set_public(page=page, public=False)
        elif action == "end-links":
            learner_page_end_links(page=page)
            return _message(request, _("Your links have been ended"), [_(
                "The links to your page no longer work, and the page is private. Ask for a new link from "
                "your learning platform, or use the link in your next certificate email."
            )])  # fmt: skip
        return redirect(request.path)
    return _page(request, page, owner=True)


@rate_limited
@require_GET
def learner_page_public_view(request, slug: str) -> HttpResponse:
    page = learner_page_public(slug)
    if page is None:
        return _not_found(request)
    return _page(request, page, owner=False)


def _page(request, page: LearnerPage, *, owner: bool) -> HttpResponse:
    user = page.user
    profile = getattr(user, "profile", None)
    name = (profile.name if profile else "") or user.get_full_name() or user.username
    rows = []
    for certificate in learner_certificates(user):
        course = certificate.course
        title = certificate.course_title or course.display_name
        organization = course.organization.name or course.organization.short_name
        rows.append({
            "certificate": certificate,
            "course_title": title,
            "organization_name": organization,
            "page_url": certificate_url(certificate),
            "pdf_url": reverse("certificates:pdf", args=[certificate.verify_uuid]),
            "credential_url": reverse("certificates:credential", args=[certificate.verify_uuid]),
            "date": display_date_for_certificate(certificate, course),  # the date its page and PDF print
            "share": share_links(certificate, course_title=title, organization_name=organization),
        })  # fmt: skip
    context = {
        "learner_name": name,
        "rows": rows,
        "owner": owner,
        "public": page.public,
        "public_url": settings.SITE_URL + reverse("learner_page:public", args=[page.slug]),
        "platform_name": settings.PLATFORM_NAME,
    }
    response = render(request, "notifications/learner_page.html", context)
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    if not (page.public and not owner):
        response["X-Robots-Tag"] = "noindex"
    return response


def _not_found(request) -> HttpResponse:
    return _message(
        request,
        _("Page not found"),
        [_("This link is not valid or has expired. Ask your learning platform for a new one.")],
        status=404,
    )


def _message(request, heading: str, lines: list[str], status: int = 200) -> HttpResponse:
    context = {
        "kind": "learner_page",
        "heading": heading,
        "lines": lines,
        "platform_name": settings.PLATFORM_NAME,
    }
    response = render(request, "certificates/web/message.html", context, status=status)
    for header, value in PRIVATE_HEADERS.items():
        response[header] = value
    return response
