"""Send again the events of a course's or a learner's certificates, as they are now (the re-sync for platforms
that missed events, e.g. a consumer restored from a backup): fresh outgoing events with new ids, sent by the
relay to the event bus and the webhooks. Passing certificates are created.v1, revoked ones revoked.v1, the
others changed.v1 (README "Certificate events").

Examples:

    coursecerts resend_certificate_events --course-key course-v1:OLI+DATA101+2026_SP
    coursecerts resend_certificate_events --username ada
    coursecerts resend_certificate_events --course-key course-v1:OLI+DATA101+2026_SP --dry-run
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.management.course_run import course_run_from_argument
from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.event_resend import certificate_events_resend


class Command(BaseCommand):
    help = "Write fresh events for a course's or a learner's certificates; the relay sends them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course-key", help="course run key")
        parser.add_argument("--username", help="the learner's username")
        parser.add_argument("--dry-run", action="store_true", help="count the certificates; write nothing")

    def handle(self, *args, **options) -> str:
        if not options["course_key"] and not options["username"]:
            raise CommandError("Name a course (--course-key) or a learner (--username), or both.")
        course_key = course_run_from_argument(options["course_key"]).pk if options["course_key"] else None
        user_id = self._user_id(options["username"]) if options["username"] else None
        if options["dry_run"]:
            certificates = GeneratedCertificate.objects.all()
            certificates = certificates.filter(course_id=course_key) if course_key else certificates
            certificates = certificates.filter(user_id=user_id) if user_id else certificates
            self.stdout.write(f"Would write {certificates.count()} events (dry run: nothing written).")
            return ""
        written = certificate_events_resend(course_key=course_key, user_id=user_id)
        counts = ", ".join(f"{count} {kind}" for kind, count in written.items() if count)
        self.stdout.write(f"Wrote {sum(written.values())} events ({counts or 'no certificates'}).")
        return ""

    def _user_id(self, username: str) -> int:
        user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
        if user_id is None:
            raise CommandError(f"No learner with username {username!r}")
        return user_id
