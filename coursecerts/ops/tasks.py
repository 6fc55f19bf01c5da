"""Celery tasks of the operations app: render certificate pages ahead of their first visit (issue 20). Thin: they
call web.stored_pages, which the certificates app's own tasks may not import (the page's Open Badge block comes
from the credentials app)."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def render_certificate_pages(*, certificate_ids: list[int]) -> int:
    """Render and store the pages of these certificates, those stored out of date or not at all (each page is
    rendered when nothing it shows is stored as it is now: a message delivered twice renders nothing the second
    time). Returns how many pages were rendered."""
    from coursecerts.certificates.web.stored_pages import certificate_pages_render

    rendered, seen = certificate_pages_render(certificate_ids=certificate_ids)
    log.info("render_certificate_pages: %d pages rendered, %d certificates looked at", rendered, seen)
    return rendered
