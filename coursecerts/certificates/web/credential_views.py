"""The certificate's Open Badges credential as a file: `/certificates/<verify_uuid>/credential.json`.

The same public rule as the page and its PDF (web.selectors.certificate_page_get, display.certificate_public_status;
ADR 0011): a valid certificate's signed credential; 410 Gone for one that is no longer valid; 404 for unknown or
not shown; rate-limited with the page (CERTIFICATE_PAGE_RATE). Served as JSON-LD (application/ld+json: the
Open Badges file format is JSON with a .json name, and the Learner Credential Wallet reads any type when it adds
a credential from a URL); `?download=1` asks the browser to save it (docs/web-certificates.md)."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.http import require_GET

from coursecerts.certificates.display import GONE_STATES
from coursecerts.certificates.web import selectors
from coursecerts.certificates.web.rate_limit import rate_limited
from coursecerts.certificates.web.selectors import PageKind
from coursecerts.credentials.attachment import CREDENTIAL_FILENAME, CREDENTIAL_MEDIA_TYPE, credential_json
from coursecerts.credentials.services.issuance import CredentialNotAvailable, credential_for_certificate


@require_GET
@rate_limited
def certificate_credential(request, verify_uuid: str) -> HttpResponse:
    from coursecerts.certificates.web import views  # the page's 404 and 410 answers

    page = selectors.certificate_page_get(verify_uuid)
    if page.kind in GONE_STATES:
        with translation.override(views._language_for_messages(request)):
            return views._gone(request, page)
    if page.kind is not PageKind.VALID:
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
