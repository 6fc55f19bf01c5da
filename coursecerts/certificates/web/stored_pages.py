"""Pages rendered ahead of their first visit (issue 20): each valid certificate's page, in the language a visitor
without a preference gets, rendered once and stored with the certificate (rendering.stored), so that a verifier's
first visit reads it instead of rendering it. A Celery task runs this for the certificates each generation writes,
after its commit (ops.tasks.render_certificate_pages, CERTIFICATE_PAGES_RENDER_AHEAD), and the
render_certificate_pages command for any left; the page's first visit does the same for one certificate."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.utils import timezone, translation

from coursecerts.certificates.display import (
    VIEWABLE_STATES,
    PublicState,
    certificate_public_status,
    display_date_for_certificate,
)
from coursecerts.certificates.models import (
    CertificateHtmlViewConfiguration,
    CertificateStatuses,
    GeneratedCertificate,
)
from coursecerts.certificates.rendering import selectors as rendering_selectors
from coursecerts.certificates.rendering import stored
from coursecerts.certificates.rendering.language import page_language
from coursecerts.certificates.rendering.render import render_certificate_html
from coursecerts.certificates.web import credential_views

BATCH = 500


def certificate_pages_render(
    *, everything: bool = False, limit: int | None = None, certificate_ids: list[int] | None = None
) -> tuple[int, int]:
    """Render and store the page of every downloadable certificate that has nothing stored (with `everything`,
    also of those whose stored page is out of date; with `certificate_ids`, of these certificates, stored out of
    date or not at all). Returns (pages rendered, certificates looked at)."""
    rendered = seen = 0
    web_view = CertificateHtmlViewConfiguration.get_config()
    for certificate in _certificates(everything, limit, certificate_ids):
        seen += 1
        certificate.course.web_view_configured = web_view
        now = timezone.now()
        state = certificate_public_status(certificate, now=now).state
        if state not in VIEWABLE_STATES:
            continue
        language = page_language(
            requested=None,
            visitor=None,
            course_run=certificate.course,
            version=certificate.template_version,
        )
        before = stored.render_data(certificate)
        digest = before.page_digest if before is not None else ""
        with translation.override(language):
            certificate_page_html(certificate, language=language, now=now, state=state)
        after = stored.render_data(certificate)
        rendered += after is not None and after.page_digest != digest
    return rendered, seen


def certificate_page_html(
    certificate, *, language: str, now, state: PublicState
) -> tuple[str, datetime | None]:
    """A viewable certificate's page and the date it shows: the page stored with the certificate while everything it
    was rendered from is unchanged (rendering.stored), else rendered (with the QR codes stored with it) and
    stored. Call inside translation.override(language)."""
    display_date = display_date_for_certificate(certificate, certificate.course, now)
    digest = stored.page_digest(certificate, language=language, state=state.value, display_date=display_date)
    html = stored.stored_page(certificate, digest)
    if html is None:
        context = rendering_selectors.certificate_render_context(
            certificate, language=language, now=now, public_state=state
        )
        context = credential_views.with_credential_offer(context, certificate)
        html = render_certificate_html(context, certificate.template_version)
        codes = {context.verify_url: context.qr_svg, context.credential_url: context.credential_qr_svg}
        stored.render_data_store(
            certificate=certificate,
            qr_codes={url: svg for url, svg in codes.items() if url and svg},
            language=language,
            digest=digest,
            html=html,
        )
    return html, display_date


def _certificates(
    everything: bool, limit: int | None, certificate_ids: list[int] | None
) -> Iterator[GeneratedCertificate]:
    """Downloadable certificates in id order, in batches, each with its run, what its page shows and what is stored."""
    rows = GeneratedCertificate.objects.filter(status=CertificateStatuses.DOWNLOADABLE)
    if certificate_ids is not None:
        rows = rows.filter(pk__in=certificate_ids)
    elif not everything:
        rows = rows.filter(render_data__isnull=True)
    rows = rows.select_related(
        "course__organization",
        "course__certificate_configuration",
        "template_version__template",
        "date_override",
        "render_data",
    ).prefetch_related("course__certificate_configuration__signatories")
    last, taken = 0, 0
    while limit is None or taken < limit:
        size = BATCH if limit is None else min(BATCH, limit - taken)
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last, taken = batch[-1].pk, taken + len(batch)
