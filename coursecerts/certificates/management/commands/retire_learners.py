"""Retire many learners listed in a file, one username a line (blank lines and '#' comments ignored).

Stoppable and resumable: each learner is retired in their own run, and learners already retired (with no
files left from a failed delete) are skipped, so after Ctrl-C simply run the same command again.

Examples:

    coursecerts retire_learners --file usernames.txt --dry-run
    coursecerts retire_learners --file usernames.txt
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coursecerts.certificates.management.progress import progress_bar
from coursecerts.certificates.services.retirement import learner_retire, learner_retirement_pending


class Command(BaseCommand):
    help = "Retires the learners listed in a file (one username a line), with a progress bar; resumable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", required=True, type=Path, help="a text file with one username a line")
        parser.add_argument("--dry-run", action="store_true", help="List what would be done; change nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (e.g. under cron).")

    def handle(self, *args, **options) -> str:
        usernames = _read_usernames(options["file"])
        users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}
        unknown = [name for name in usernames if name not in users]
        counts = {"retired": 0, "skipped": 0, "incomplete": 0}
        bar = progress_bar(self.stderr, usernames, unit="learner", disable=options["no_progress"])
        for username in bar:
            user = users.get(username)
            if user is None:
                continue
            if not learner_retirement_pending(user):
                counts["skipped"] += 1
                continue
            result = learner_retire(user=user, actor=None, source="command", dry_run=options["dry_run"])
            counts["retired" if result.complete else "incomplete"] += 1
        if unknown:
            self.stdout.write(f"Unknown usernames (nothing done): {', '.join(unknown)}")
        verb = "would retire" if options["dry_run"] else "retired"
        summary = (
            f"{verb} {counts['retired']}, already retired {counts['skipped']}, "
            f"incomplete (run again) {counts['incomplete']}, unknown {len(unknown)}"
        )
        self.stdout.write(summary)
        return ""


def _read_usernames(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from None
    names = [line.strip() for line in text.splitlines()]
    names = [name for name in names if name and not name.startswith("#")]
    if not names:
        raise CommandError(f"{path} lists no usernames")
    return list(dict.fromkeys(names))
