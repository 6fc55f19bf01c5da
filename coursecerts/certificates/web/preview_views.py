"""`/certificates/<verify_uuid>/preview.png`: the certificate's preview image for link previews (Open Graph,
Twitter card), under the page's public rule (web.selectors.certificate_page_get; ADR 0011): a valid certificate's
image; 410 for one that is gone; 404 otherwise (plain text: an image URL). Rate-limited with the page."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.views.decorators.http import require_GET

from coursecerts.certificates.display import GONE_STATES
from coursecerts.certificates.rendering.language import page_language
from coursecerts.certificates.services.pdf import pdf_storage
from coursecerts.certificates.services.preview import certificate_preview_get_or_render
from coursecerts.certificates.web import selectors
from coursecerts.certificates.web.rate_limit import rate_limited
from coursecerts.certificates.web.selectors import PageKind


@rate_limited
@require_GET
def certificate_preview_image(request, verify_uuid: str) -> FileResponse | HttpResponse:
    page = selectors.certificate_page_get(verify_uuid)
    if page.kind is not PageKind.VALID:
        gone = page.kind in GONE_STATES
        return HttpResponse(
            "This certificate is no longer valid.\n" if gone else "No such certificate.\n",
            status=410 if gone else 404,
            content_type="text/plain; charset=utf-8",
        )
    certificate = page.certificate
    language = page_language(
        requested=request.GET.get("lang"),
        visitor=getattr(request, "LANGUAGE_CODE", None),
        course_run=certificate.course,
        version=certificate.template_version,
    )
    name = certificate_preview_get_or_render(certificate=certificate, language=language)
    response = FileResponse(pdf_storage().open(name, "rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    return response
