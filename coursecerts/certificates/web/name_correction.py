"""`/certificates/name-correction/<token>`: the learner's form to ask for another name on their certificate,
reached through a signed, expiring link (ADR 0024). Thin: the token names the certificate; the service decides."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from coursecerts.certificates.models import NameCorrectionStatuses
from coursecerts.certificates.rendering.language import page_language
from coursecerts.certificates.services.name_correction import (
    CHANNEL_LINK,
    NameCorrectionError,
    name_correction_request,
    name_correction_token_certificate,
)
from coursecerts.certificates.web.rate_limit import rate_limited

_TEMPLATE = "certificates/web/name_correction.html"


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited
def name_correction_form(request, token: str) -> HttpResponse:
    """GET: the form (or what became of the last request); POST: ask. A forged or expired link is a 404 that
    says the link no longer works, and nothing about any certificate."""
    certificate = name_correction_token_certificate(token)
    language = page_language(
        requested=request.GET.get("lang"),
        visitor=getattr(request, "LANGUAGE_CODE", None),
        course_run=certificate.course if certificate else None,
        version=None,
    )
    with translation.override(language):
        if certificate is None:
            return _link_invalid(request)
        context = {"certificate": certificate, "requested_name": "", "reason": "", "error": ""}
        status = 200
        if request.method == "POST":
            context["requested_name"] = request.POST.get("requested_name", "")
            context["reason"] = request.POST.get("reason", "")
            try:
                context["sent"] = name_correction_request(
                    certificate=certificate,
                    requested_name=context["requested_name"],
                    reason=context["reason"],
                    channel=CHANNEL_LINK,
                    requested_by=None,
                )
            except NameCorrectionError as exc:
                context["error"], status = exc.message, exc.extra.get("status", 409)
            except ValidationError as exc:  # the model's checks (length, control characters)
                context["error"], status = "; ".join(exc.messages), 400
        context["last"] = certificate.name_corrections.order_by("-created", "-pk").first()
        context["pending"] = NameCorrectionStatuses.PENDING
        return render(request, _TEMPLATE, context, status=status)


def _link_invalid(request) -> HttpResponse:
    context = {
        "kind": "invalid",
        "heading": _("This link no longer works"),
        "lines": [_("Links to correct the name on a certificate expire. Ask the platform for a new one.")],
    }
    return render(request, "certificates/web/message.html", context, status=404)
