"""Send the certificate-issued email again to some or every learner of a run (sent even when the run's emails are
turned off: an operator asked). Dry by default: without --commit it says how many would be owed.

Examples:

    coursecerts resend_learner_emails -c course-v1:Org+Course+Run                 # how many would be sent
    coursecerts resend_learner_emails -c course-v1:Org+Course+Run --commit        # every learner of the run
    coursecerts resend_learner_emails -c course-v1:Org+Course+Run -u ada grace --commit

The emails are sent after the command by a task (or `coursecerts relay_events --once --sink email`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun
from coursecerts.notifications.services import NothingToResend, learner_emails_resend


class Command(BaseCommand):
    help = "Send the certificate-issued email again to learners of a run (dry unless --commit)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-c", "--course", required=True, help="the course run's key")
        parser.add_argument(
            "-u", "--username", nargs="+", help="only these learners (default: every learner)"
        )
        parser.add_argument("--commit", action="store_true", help="owe the emails (default: only count them)")

    def handle(self, *args, **options) -> str:
        try:
            key = parse_course_key(options["course"])
        except InvalidCourseKey as exc:
            raise CommandError(exc.message) from None
        run = CourseRun.objects.filter(pk=key).first()
        if run is None:
            raise CommandError(f"No course run {options['course']}.")
        usernames = options["username"]
        if not options["commit"]:
            certificates = GeneratedCertificate.objects.filter(
                course=run, status=CertificateStatuses.DOWNLOADABLE
            )
            if usernames:
                certificates = certificates.filter(user__username__in=usernames)
            count = certificates.count()
            self.stdout.write(
                f"Dry run: {count} learners of {run.pk} would be emailed again (--commit to do it)."
            )
            return ""
        try:
            queued = learner_emails_resend(course_run=run, usernames=usernames)
        except NothingToResend as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{queued} emails owed to learners of {run.pk}; they are sent in the background.")
        return ""
