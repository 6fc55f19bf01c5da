"""Regenerate `unverified` certificates, e.g. after a course drops its ID-verification requirement
(Open edX `regenerate_noidv_cert`).

Every certificate with status `unverified` in the given runs (or in every run but the excluded ones) goes
through the eligibility rules again. The command sleeps --sleep_seconds after every --batch_size certificates,
to spare the database and the workers, and prints (and returns) how many certificates it regenerated.

Examples:

    coursecerts regenerate_noidv_cert -c course-v1:edX+DemoX+2026 course-v1:edX+Other+2026
    coursecerts regenerate_noidv_cert --excluded-keys course-v1:edX+DemoX+2026 \\
        --batch_size 500 --sleep_seconds 5
    coursecerts regenerate_noidv_cert          # every run
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError, CommandParser
from opaque_keys.edx.keys import CourseKey

from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
from coursecerts.certificates.services import certificate_generation_attempt
from coursecerts.common.keys import InvalidCourseKey, parse_course_key
from coursecerts.courses.models import CourseRun

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Regenerate certificates with status 'unverified' in the given course runs, or in all runs except "
        "the excluded ones. Prints the number of certificates regenerated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-c",
            "--course-keys",
            nargs="+",
            dest="course_keys",
            default=[],
            help="Course run key or space separated list of course run keys. If no key is provided, all "
            "unverified certs will be regenerated.",
        )
        parser.add_argument(
            "--excluded-keys",
            nargs="+",
            dest="excluded_keys",
            default=[],
            help="Course run key or space separated list of course run keys to exclude from regenerating",
        )
        parser.add_argument(
            "--batch_size", dest="batch_size", type=int, default=200, help="Number of certs per batch"
        )
        parser.add_argument(
            "--sleep_seconds",
            dest="sleep_seconds",
            type=int,
            default=20,
            help="Seconds to sleep between batches",
        )

    def handle(self, *args, **options) -> str:
        if options["course_keys"] and options["excluded_keys"]:
            raise CommandError("You may not specify both course keys and excluded course keys.")
        if options["batch_size"] < 1 or options["sleep_seconds"] < 0:
            raise CommandError("--batch_size must be at least 1 and --sleep_seconds at least 0")
        course_keys = _existing_course_keys(options["course_keys"])
        excluded_keys = _existing_course_keys(options["excluded_keys"])

        if course_keys:
            certificates = []
            for key in course_keys:
                in_course = list(_unverified_certificates().filter(course_id=key))
                log.info(f"Regenerating {len(in_course)} unverified certificates for {key}")
                certificates += in_course
        else:
            log.info(
                "No course keys provided. Will regenerate all unverified certs for courses not specified by "
                "an excluded key"
            )
            certificates = list(_unverified_certificates().exclude(course_id__in=excluded_keys))
            log.info(
                f"Regenerating {len(certificates)} unverified certificates in all courses except for "
                "excluded keys"
            )
        count = self._regenerate(
            certificates, options["batch_size"], options["sleep_seconds"], options["verbosity"]
        )
        return f"{count}"

    def _regenerate(
        self, certificates: list[GeneratedCertificate], batch_size: int, sleep_seconds: int, verbosity: int
    ) -> int:
        """Attempt each certificate's learner again, sleeping after every batch. Returns how many."""
        outcomes = Counter()
        for count, certificate in enumerate(certificates, start=1):
            decision = certificate_generation_attempt(
                user=certificate.user,
                course_run=certificate.course,
                source="regenerate_noidv_cert",
                generation_mode="batch",
            )
            outcomes[decision.outcome] += 1
            if verbosity >= 2:
                self.stdout.write(
                    f"{certificate.user.username}\t{certificate.course_id}\t{decision.outcome}\t"
                    f"{decision.message}"
                )
            if count % batch_size == 0:
                log.info(
                    f"Regenerated {count} unverified certificates. Sleeping for {sleep_seconds} seconds."
                )
                time.sleep(sleep_seconds)
        if outcomes and verbosity >= 1:
            self.stdout.write("Outcomes: " + ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items())))
        return len(certificates)


def _unverified_certificates():
    # The (course, status) index of GeneratedCertificate serves the per-course query.
    return (
        GeneratedCertificate.objects.filter(status=CertificateStatuses.UNVERIFIED)
        .select_related("user", "course")
        .order_by("course_id", "user_id")
    )


def _existing_course_keys(values: list[str]) -> list[CourseKey]:
    """Parse the keys; a malformed key, or a key of no course run, is a CommandError naming it."""
    keys = []
    for value in values:
        try:
            keys.append(parse_course_key(value))
        except InvalidCourseKey as exc:
            raise CommandError(f"{value} is not a valid course-key") from exc
    found = set(CourseRun.objects.filter(pk__in=keys).values_list("pk", flat=True))
    unknown = [str(key) for key in keys if key not in found]
    if unknown:
        raise CommandError(f"No course run with key: {', '.join(unknown)}")
    return keys
