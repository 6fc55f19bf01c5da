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

    execute_from_command_line(["coursecerts", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
