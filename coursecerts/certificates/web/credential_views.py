"""The certificate's Open Badges credential as a file: `/certificates/<verify_uuid>/credential.json`.

The same public rule as the page and its PDF (web.selectors.certificate_page_get, display.certificate_public_status;
ADR 0011): a valid certificate's signed credential; 410 Gone for one that is no longer valid; 404 for unknown or
not shown; rate-limited with the page (CERTIFICATE_PAGE_RATE). Served as JSON-LD (application/ld+json: the
Open Badges file format is JSON with a .json name, and the Learner Credential Wallet reads any type when it adds
a credential from a URL); `?download=1` asks the browser to save it (docs/web-certificates.md).

Also the page's Open Badge block (with_credential_offer) and the public page `/credentials/verify`, where a
verifier pastes or uploads a credential (credential_verify_page)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coursecerts.certificates.display import GONE_STATES, VIEWABLE_STATES
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.rendering.context import CertificateRenderContext
from coursecerts.certificates.rendering.dates import certificate_date
from coursecerts.certificates.rendering.qr import qr_svg
from coursecerts.certificates.rendering.stored import known_qr_codes
from coursecerts.certificates.web import selectors
from coursecerts.certificates.web.rate_limit import rate_limited
from coursecerts.common.credential_input import (
    MAX_CREDENTIAL_BYTES,
    CredentialInputError,
    credential_from_bytes,
)
from coursecerts.credentials.attachment import CREDENTIAL_FILENAME, CREDENTIAL_MEDIA_TYPE, credential_json
from coursecerts.credentials.selectors import certificate_credential_offered
from coursecerts.credentials.services.issuance import CredentialNotAvailable, credential_for_certificate
from coursecerts.credentials.verification import credential_verify


@require_GET
@rate_limited
def certificate_credential(request, verify_uuid: str) -> HttpResponse:
    from coursecerts.certificates.web import views  # the page's 404 and 410 answers

    page = selectors.certificate_page_get(verify_uuid)
    if page.kind in GONE_STATES:
        with translation.override(views._language_for_messages(request)):
            return views._gone(request, page)
    if page.kind not in VIEWABLE_STATES:  # an expired certificate's credential says so: validUntil (ADR 0025)
        return views._not_found(request)
    try:
        document = credential_for_certificate(certificate=page.certificate)
    except CredentialNotAvailable:
        return views._not_found(request)
    response = HttpResponse(credential_json(document), content_type=CREDENTIAL_MEDIA_TYPE)
    response["Access-Control-Allow-Origin"] = "*"  # web wallets and verifiers fetch it from their own origin
    response["Cache-Control"] = "no-cache"  # revocation replaces it; always ask
    if request.GET.get("download") == "1":
        response["Content-Disposition"] = f'attachment; filename="{CREDENTIAL_FILENAME}"'
    return response


def with_credential_offer(
    context: CertificateRenderContext, certificate: GeneratedCertificate
) -> CertificateRenderContext:
    """The page's context with its Open Badge block: the credential's URL (absolute, for a wallet), its download
    link and a QR code of the URL, when the certificate has a credential or can get one; else unchanged."""
    if not certificate_credential_offered(certificate=certificate):
        return context
    path = reverse("certificates:credential", args=[certificate.verify_uuid])
    url = f"{settings.SITE_URL}{path}"
    return replace(
        context,
        credential_url=url,
        credential_download_url=f"{path}?download=1",
        credential_qr_svg=known_qr_codes(certificate).get(url) or qr_svg(url),  # stored with the certificate
    )


# The checks credential_verify makes, as the page names them (in its order).
def _check_labels() -> dict[str, str]:
    return {
        "shape": _("Open Badges 3.0 format"),
        "issuer": _("Issuer known"),
        "signature": _("Signature valid"),
        "status": _("Status"),
    }


def _input_reasons() -> dict[str, str]:
    """Why the input is not a credential, in the page's language (the codes of common.credential_input)."""
    return {
        "credential_missing": _("Paste a credential or choose its file."),
        "credential_not_json": _("This is not a credential file: it is not JSON text."),
        "not_a_credential": _(
            "This is not a credential: it needs an @context and a type that includes VerifiableCredential."
        ),
        "credential_unsigned": _("This credential has no proof (signature): there is nothing to verify."),
        "credential_too_large": _("The credential is larger than %(size)d KiB.")
        % {"size": MAX_CREDENTIAL_BYTES // 1024},
    }


@require_http_methods(["GET", "POST"])
@rate_limited
def credential_verify_page(request) -> HttpResponse:
    """`/credentials/verify`: anyone pastes or uploads an Open Badges credential and reads whether it holds
    (signature, issuer, status) and what it says. The same input rules as POST /api/v1/credentials/verify
    (common.credential_input) and the same verification; the answer depends only on the credential handed in
    (nothing is looked up by an id the visitor chose), and the page's rate limit counts each visit."""
    from coursecerts.certificates.web.views import _language_for_messages

    with translation.override(_language_for_messages(request)):
        if request.method == "GET":
            return _verify_page(request)
        upload = request.FILES.get("file")
        pasted = request.POST.get("credential", "")
        raw = upload.read(MAX_CREDENTIAL_BYTES + 1) if upload is not None else pasted.encode()
        try:
            document = credential_from_bytes(raw)
        except CredentialInputError as exc:
            status = 413 if exc.code == "credential_too_large" else 400
            reason = _input_reasons().get(exc.code, exc.message)
            return _verify_page(request, pasted=pasted, error=reason, status=status)
        verification = credential_verify(document=document)
        return _verify_page(request, pasted=pasted, result=_result(verification))


def _result(verification) -> dict:
    labels = _check_labels()
    facts = verification.facts or {}
    return {
        "ok": bool(verification.ok),
        "status": verification.status or "",
        "checks": [
            {
                "name": c.name,
                "label": labels.get(c.name, c.name),
                "passed": bool(c.passed),
                "reason": c.reason,
            }
            for c in verification.checks
        ],
        "facts": {
            "name": facts.get("name", ""),
            "course": facts.get("course", ""),
            "organization": facts.get("organization", ""),
            "date": _date(facts.get("date", "")),
        }
        if any(facts.values())
        else None,
    }


def _date(value) -> str:
    """The credential's date as the certificate prints it (its language's conventions), or as written."""
    try:
        return certificate_date(datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except (TypeError, ValueError):
        return str(value)


def _verify_page(request, *, pasted: str = "", error: str = "", result=None, status: int = 200):
    context = {
        "platform_name": settings.PLATFORM_NAME,
        "pasted": pasted,
        "error": error,
        "result": result,
        "max_kib": MAX_CREDENTIAL_BYTES // 1024,
        "lang": translation.get_language() if request.GET.get("lang") else "",  # kept when the form posts
    }
    response = render(request, "certificates/web/credential_verify.html", context, status=status)
    response["Cache-Control"] = "no-store"
    return response
