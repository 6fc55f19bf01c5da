"""The web certificate's pages: thin views that parse, call a selector or service, and render."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.static import serve

from coursecerts.certificates.display import GONE_STATES, VIEWABLE_STATES
from coursecerts.certificates.rendering import selectors as rendering_selectors
from coursecerts.certificates.rendering.dates import certificate_date
from coursecerts.certificates.rendering.language import page_language
from coursecerts.certificates.rendering.render import render_certificate_html
from coursecerts.certificates.services.pdf import certificate_pdf_get_or_render, open_stored_pdf
from coursecerts.certificates.web import page_cache, selectors
from coursecerts.certificates.web.certificate_ids import canonical_certificate_id
from coursecerts.certificates.web.csp import allow_operator_template_styles
from coursecerts.certificates.web.events import track_evidence_visited
from coursecerts.certificates.web.rate_limit import rate_limited
from coursecerts.certificates.web.selectors import PageKind
from coursecerts.certificates.web.stored_pages import certificate_page_html
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseModes


def _language(request, course_run, version) -> str:
    return page_language(
        requested=request.GET.get("lang"),
        visitor=getattr(request, "LANGUAGE_CODE", None),
        course_run=course_run,
        version=version,
    )


def _message(request, *, kind: str, heading: str, lines=(), status: int = 200) -> HttpResponse:
    context = {"kind": kind, "heading": heading, "lines": lines}
    return render(request, "certificates/web/message.html", context, status=status)


def _not_found(request) -> HttpResponse:
    with translation.override(_language_for_messages(request)):
        return _message(
            request,
            kind="invalid",
            heading=_("Cannot Find Certificate"),
            lines=[_("We cannot find a certificate with this URL or ID number.")],
            status=404,
        )


def _language_for_messages(request) -> str:
    return page_language(
        requested=request.GET.get("lang"),
        visitor=getattr(request, "LANGUAGE_CODE", None),
        course_run=None,
        version=None,
    )


@require_GET
def landing(request) -> HttpResponse:
    """`/`: what the service is, a form to verify a certificate by its id, and the links for staff."""
    with translation.override(_language_for_messages(request)):
        return _landing(request)


def _landing(request, *, given: str = "", status: int = 200) -> HttpResponse:
    context = {
        "platform_name": settings.PLATFORM_NAME,
        "given": given,
        "error": bool(given),
        "admin_url": reverse("admin:index"),
        "api_docs_url": reverse("api-docs"),
    }
    return render(request, "certificates/web/landing.html", context, status=status)


@require_GET
def certificate_lookup(request) -> HttpResponse:
    """`/certificates/?id=<id or URL>`, the landing page's form: to the certificate's page, whatever the case,
    dashes or braces of the id, or a pasted URL of the page or its PDF; anything else is the form again, saying
    what was wrong (400)."""
    given = request.GET.get("id", "").strip()
    verify_uuid = canonical_certificate_id(given)
    if verify_uuid is not None:
        return redirect("certificates:page", verify_uuid)
    if not given:
        return redirect("landing")
    with translation.override(_language_for_messages(request)):
        return _landing(request, given=given, status=400)


_CANONICAL_VIEWS = {None: "certificates:page", "/pdf": "certificates:pdf", ".pdf": "certificates:pdf_file"}


@require_GET
def certificate_url_normalise(request, given: str, suffix: str | None = None) -> HttpResponse:
    """A certificate URL as people type it (upper case, dashes, a trailing slash): 301 to the canonical URL,
    query string kept; a URL with no certificate id in it is the styled 404 page."""
    verify_uuid = canonical_certificate_id(given)
    if verify_uuid is None:
        return _not_found(request)
    url = reverse(_CANONICAL_VIEWS[suffix], args=[verify_uuid])
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def certificate_url_not_found(request, path: str = "") -> HttpResponse:
    """Any other URL under /certificates/: the styled 404 page."""
    return _not_found(request)


@require_GET
@rate_limited
def certificate_page(request, verify_uuid: str) -> HttpResponse:
    """The public certificate page: anyone, no login (README "Web certificates"). Served from the page cache while what
    it shows is unchanged (web.page_cache)."""
    now = timezone.now()
    inputs = (request.GET.get("lang"), getattr(request, "LANGUAGE_CODE", None))
    if page_cache.holds(verify_uuid, inputs):  # a repeat visit: the key alone, then the page kept if it holds
        key = page_cache.freshness_key(verify_uuid)
        cached = page_cache.lookup(verify_uuid, inputs, key, now)
        if cached is not None:
            track_evidence_visited(request, cached.certificate)
            return _page_response(cached.html, cached.language, cached.certificate.template_version_id)
        page = selectors.certificate_page_get(
            verify_uuid, now=now, course_stamp=key.course if key is not None else None
        )
    else:  # a first visit in this process: the certificate and its key in one query
        page, key = selectors.certificate_page_get_with_key(verify_uuid, now=now)
    if page.kind is PageKind.NOT_FOUND:
        return _not_found(request)
    certificate = page.certificate
    language = _language(request, certificate.course, certificate.template_version)
    with translation.override(language):
        if page.kind in GONE_STATES:
            return _gone(request, page)
        if page.kind is PageKind.NOT_YET:
            return _not_yet(request, page.available_date)
        track_evidence_visited(request, certificate)
        html, display_date = certificate_page_html(certificate, language=language, now=now, state=page.kind)
    page_cache.store(
        verify_uuid,
        inputs,
        key,
        certificate=certificate,
        display_date=display_date,
        html=html,
        language=language,
    )
    return _page_response(html, language, certificate.template_version_id)


def _page_response(html: str, language: str, template_version_id: int | None) -> HttpResponse:
    response = HttpResponse(html, headers={"Content-Language": language})
    return response if template_version_id is None else allow_operator_template_styles(response)


def _gone(request, page) -> HttpResponse:
    """410 Gone for a certificate that is no longer valid (ADR 0011) or whose learner is retired (ADR 0012):
    the page and the PDF say the same, and nothing of the certificate but the date it was withdrawn."""
    if page.kind is PageKind.RETIRED:
        return _retired(request)
    return _withdrawn(request, page.withdrawn_at)


def _withdrawn(request, withdrawn_at) -> HttpResponse:
    return _message(
        request,
        kind="invalidated",
        heading=_("This certificate is no longer valid"),
        lines=[
            _("The organisation that issued this certificate has withdrawn it."),
            _("It was withdrawn on %(date)s.") % {"date": certificate_date(withdrawn_at)},
        ],
        status=410,
    )


def _retired(request) -> HttpResponse:
    """A retired learner's certificate: 410 Gone, and nothing of it (ADR 0012)."""
    return _message(
        request,
        kind="retired",
        heading=_("This certificate is no longer available"),
        lines=[_("The certificate holder's account has been closed.")],
        status=410,
    )


def _not_yet(request, available_date) -> HttpResponse:
    if available_date is not None:
        line = _("This certificate will be available on %(date)s.") % {
            "date": certificate_date(available_date)
        }
    else:
        line = _("This certificate is not available yet.")
    return _message(request, kind="not_yet", heading=_("Certificate not available yet"), lines=[line])


@require_GET
@rate_limited
def certificate_pdf(request, verify_uuid: str) -> FileResponse | HttpResponse:
    """The certificate as a PDF: rendered once, stored, and served from storage afterwards. A certificate that
    is gone answers the page's 410 (ADR 0011); any other that is not valid, 404."""
    page = selectors.certificate_page_get(verify_uuid)
    if page.kind in GONE_STATES:
        with translation.override(_language_for_messages(request)):
            return _gone(request, page)
    if page.kind not in VIEWABLE_STATES:  # an expired certificate's PDF says so (ADR 0025)
        return _not_found(request)
    certificate = page.certificate
    language = _language(request, certificate.course, certificate.template_version)
    stored = certificate_pdf_get_or_render(certificate=certificate, language=language)
    return FileResponse(
        open_stored_pdf(stored.name),
        as_attachment=True,
        filename=stored.filename,
        content_type="application/pdf",
    )


@require_GET
def certificate_preview(request, course_key: str) -> HttpResponse:
    """`/certificates/course/<course key>?preview=<mode>`: the run's certificate with sample data, for its course
    staff and instructors and for global staff. Anonymous visitors are sent to log in; others get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="admin:login")
    course_run = _course_run_or_404(course_key)
    if not selectors.can_preview(request.user, course_run):
        raise PermissionDenied("Only the course's staff and instructors can preview its certificate.")
    mode = request.GET.get("preview") or _default_preview_mode(course_run)
    if mode not in CourseModes.values:
        return HttpResponseBadRequest(
            f"Unknown mode {mode!r} in ?preview=; use one of: {', '.join(CourseModes.values)}",
            content_type="text/plain; charset=utf-8",
        )
    version = _preview_version(request, course_run, mode)
    language = _language(request, course_run, version)
    with translation.override(language):
        context = rendering_selectors.preview_render_context(
            course_run, mode=mode, language=language, version=version
        )
        html = render_certificate_html(context, version)
    response = HttpResponse(
        html, headers={"Content-Language": language, "Cache-Control": "private, no-store"}
    )
    return response if version is None else allow_operator_template_styles(response)


def _preview_version(request, course_run, mode):
    """The published version the cascade picks; global staff may name any version (`&template_version=<id>`),
    a draft included, to see it before publishing."""
    requested = request.GET.get("template_version")
    if not requested:
        return selectors.preview_version_get(course_run, mode)
    if not request.user.is_staff:
        raise PermissionDenied("Only global staff can preview a chosen template version.")
    version = selectors.template_version_get(requested)
    if version is None:
        raise Http404("No such template version")
    return version


def _course_run_or_404(course_key: str):
    try:
        key = parse_course_key(course_key)
    except InvalidCourseKey:
        raise Http404("Not a course key") from None
    course_run = selectors.course_run_get_for_preview(key)
    if course_run is None:
        raise Http404("No such course")
    return course_run


def _default_preview_mode(course_run) -> str:
    """The run's first mode other than audit (what Studio's preview link uses), else honor."""
    modes = [m.mode_slug for m in course_run.modes.all() if m.mode_slug != CourseModes.AUDIT]
    return modes[0] if modes else CourseModes.HONOR


@require_GET
def unsupported_url(request, user_id: str, course_key: str) -> HttpResponse:
    """Open edX's old per-learner URL is deliberately dead (README "Web certificates"): say so."""
    with translation.override(_language_for_messages(request)):
        return _message(
            request,
            kind="unsupported",
            heading=_("URL Not Supported"),
            lines=[_("Certificates are found at /certificates/ followed by their ID number.")],
            status=404,
        )


@require_GET
def media_file(request, path: str):
    """An uploaded file under MEDIA_ROOT (read when asked, so tests and operators may change it), for the
    embedded set-up; a proxy or object storage serves them in production (SERVE_MEDIA=false)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
