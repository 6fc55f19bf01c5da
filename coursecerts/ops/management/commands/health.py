"""coursecerts health --ready: the readiness checks of /health/ready from the command line, for the probes of
processes that serve no HTTP (Celery worker, beat, relay_events, the event consumer).

    coursecerts health --ready          # exit 0 when every check passes, 1 otherwise; one line per check
    coursecerts health --ready --json   # the same JSON as GET /health/ready
"""

import json

from django.core.management.base import BaseCommand, CommandError

from coursecerts.ops import health


class Command(BaseCommand):
    help = "Run the readiness checks (database, broker, storage, migrations, outbox, event lag); exit 1 on a failure."

    def add_arguments(self, parser):
        parser.add_argument("--ready", action="store_true", help="Run the readiness checks (the default).")
        parser.add_argument("--live", action="store_true", help="Only check that settings load (exit 0).")
        parser.add_argument("--json", action="store_true", help="Print the JSON of GET /health/ready.")

    def handle(self, *args, ready: bool, live: bool, json: bool, **options):
        if live and not ready:
            self.stdout.write("ok")
            return
        ok, results = health.readiness()
        if json:
            self.stdout.write(_dumps(health.as_json(ok, results)))
        else:
            for result in results:
                state = "ok" if result.ok else "FAIL"
                self.stdout.write(f"{result.name}: {state} ({result.seconds:.3f} s) {result.detail}".rstrip())
        if not ok:
            raise CommandError("not ready", returncode=1)


def _dumps(data) -> str:
    return json.dumps(data, indent=2)
