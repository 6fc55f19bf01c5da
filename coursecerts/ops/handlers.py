"""The operations app's hook on the certificates app: after a generation commits (one learner, or one chunk of a
course-wide run), the pages of the valid certificates it wrote are rendered and stored by Celery tasks
(tasks.render_certificate_pages, one per batch), so that a verifier's first visit reads its page instead of
rendering it (issue 20). Only when CERTIFICATE_PAGES_RENDER_AHEAD is on (by default, with a broker): the tasks
are queued behind the run's own chunks, and run on the workers, not in the generation's process."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from coursecerts.certificates.models import CertificateStatuses
from coursecerts.common.iterables import chunked

BATCH = 500  # certificates a task: about 5 to 9 s of rendering on one core


def certificates_written(sender, certificates, reason="changed", **kwargs) -> None:
    if not settings.CERTIFICATE_PAGES_RENDER_AHEAD or reason == "retired":
        return
    ids = [c.pk for c in certificates if c.status == CertificateStatuses.DOWNLOADABLE and c.pk is not None]
    if ids:
        transaction.on_commit(lambda: _queue(ids), robust=True)


def _queue(ids: list[int]) -> None:
    from coursecerts.ops.tasks import render_certificate_pages

    for batch in chunked(ids, BATCH):
        render_certificate_pages.delay(certificate_ids=list(batch))


def connect() -> None:
    from coursecerts.common.signals import CERTIFICATES_WRITTEN

    CERTIFICATES_WRITTEN.connect(certificates_written, dispatch_uid="coursecerts.ops.pages_render_ahead")
