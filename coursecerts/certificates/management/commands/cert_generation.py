"""Generate course certificates for one or more learners in one course run (Open edX `cert_generation`).

Each learner goes through the same eligibility rules as a grade change would (allowlist or regular path), so a
learner who is not eligible gets no certificate, and the summary says why.

Example:

    coursecerts cert_generation -u 12 13 -c course-v1:edX+DemoX+Demo_Course
    coursecerts cert_generation --args-from-database   # "-u 12 13 -c ..." stored in the admin
"""

from __future__ import annotations

import logging
from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.management.args_from_database import (
    add_args_from_database_argument,
    resolve_options,
)
from coursecerts.certificates.management.ids import parse_ids
from coursecerts.certificates.models import CertificateGenerationCommandConfiguration
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.common.errors import ApplicationError
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)

UNKNOWN_USER = "unknown_user"
ERROR = "error"


def _user_ids(values: list[str]) -> list[int]:
    """-u takes user ids: a value that is not one is an error naming every bad value, with the user id of any
    value that is a username, so that an operator who typed usernames can retype the command at once."""
    try:
        return parse_ids(values, what="User ids")
    except CommandError as exc:
        usernames = [str(value) for value in values if not str(value).strip().isdecimal()]
        known = dict(get_user_model().objects.filter(username__in=usernames).values_list("username", "pk"))
        hints = ", ".join(
            f"{name} is user id {known[name]}" for name in dict.fromkeys(usernames) if name in known
        )
        raise CommandError(
            f"{exc} (-u takes user ids, not usernames{': ' + hints if hints else ''})"
        ) from None


class Command(BaseCommand):
    help = "Generate course certificates for one or more users (by user id) in a given course run."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-u",
            "--user",
            nargs="+",
            metavar="USER_ID",
            dest="user",
            help="user id or space-separated list of user ids (numbers, not usernames) for whom to generate "
            "course certificates",
        )
        parser.add_argument(
            "-c", "--course-key", metavar="COURSE_KEY", dest="course_key", help="course run key"
        )
        add_args_from_database_argument(parser, CertificateGenerationCommandConfiguration)

    def handle(self, *args, **options) -> str:
        # Database arguments replace the command line.
        options = resolve_options(self, options, CertificateGenerationCommandConfiguration)
        if not options.get("user"):
            raise CommandError("You must specify a list of users")
        if not options.get("course_key"):
            raise CommandError("You must specify a course-key")
        try:
            course_key = parse_course_key(options["course_key"])
        except InvalidCourseKey as exc:
            raise CommandError(
                f"You must specify a valid course-key, got {options['course_key']!r} "
                "(a key looks like course-v1:Org+Course+Run)"
            ) from exc
        user_ids = _user_ids(options["user"])
        course_run = CourseRun.objects.filter(pk=course_key).first()
        if course_run is None:
            raise CommandError(f"Course run {course_key} does not exist")

        users = get_user_model().objects.select_related("profile").in_bulk(user_ids)
        totals = Counter(self._generate(users.get(user_id), user_id, course_run) for user_id in user_ids)
        return "Totals: " + ", ".join(f"{outcome} {count}" for outcome, count in sorted(totals.items()))

    def _generate(self, user, user_id: int, course_run: CourseRun) -> str:
        """Attempt one learner, print one line, and return the outcome."""
        if user is None:
            log.warning(f"User {user_id} could not be found")
            self.stdout.write(f"{user_id}\t{UNKNOWN_USER}\tno user with this id")
            return UNKNOWN_USER
        log.info(f"Calling certificate_generation_attempt for {user.id} : {course_run.id}")
        try:
            decision = certificate_generation_attempt(
                user=user, course_run=course_run, source="cert_generation", generation_mode="batch"
            )
        except ApplicationError as exc:
            self.stdout.write(f"{user.username}\t{ERROR}\t{exc.message}")
            return ERROR
        self.stdout.write(f"{user.username}\t{decision.outcome}\t{decision.message}")
        return decision.outcome
