"""coursecerts render_certificate_pages: render each valid certificate's page ahead of its first visit and store it
with the certificate (issue 20), so a verifier's first visit reads it instead of rendering it.

    coursecerts render_certificate_pages              # certificates with nothing stored yet (after issue)
    coursecerts render_certificate_pages --all        # also those whose stored page is out of date
    coursecerts render_certificate_pages --limit 1000

With a broker, each generation's certificates have their pages rendered by a Celery task after its commit
(CERTIFICATE_PAGES_RENDER_AHEAD, ops.tasks); run this for certificates issued before, by an import, or without a
broker. A page a visitor asks for first is rendered and stored by that visit all the same. Here, in ops (an
interface), because the page's Open Badge block comes from the credentials app, which the certificates app's own
commands may not import.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from coursecerts.certificates.web.stored_pages import certificate_pages_render


class Command(BaseCommand):
    help = "Render and store the pages of certificates that have none stored (--all: also out-of-date ones)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Also render pages stored out of date.")
        parser.add_argument("--limit", type=int, default=None, help="Look at this many certificates at most.")

    def handle(self, *args, all: bool, limit: int | None, **options):
        if limit is not None and limit < 1:
            raise CommandError("--limit must be at least 1")
        started = time.monotonic()
        rendered, seen = certificate_pages_render(everything=all, limit=limit)
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{rendered} pages rendered and stored, {seen} certificates looked at, {seconds:.1f} s"
        )
