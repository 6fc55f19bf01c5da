"""The `coursecerts` console script: Django's manage.py with the settings already chosen.

coursecerts migrate
coursecerts demo
coursecerts cert_generation -u 12 13 -c course-v1:Org+Course+Run
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")
    from django.core.management import execute_from_command_line

    _settings_or_exit()
    execute_from_command_line(["coursecerts", *(sys.argv[1:] if argv is None else argv)])


def _settings_or_exit() -> None:
    """Read the settings now: a bad environment value (say DEBUG=maybe) stops the start with the one line that
    names the variable (README "Configuration") and exit status 1, not a traceback ending in that line."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018  (loads the settings module)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"coursecerts: configuration error: {exc}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
