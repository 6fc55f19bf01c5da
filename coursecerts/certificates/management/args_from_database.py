"""`--args-from-database` for operator commands (Open edX's pattern, shared by three commands).

The operator stores a command line in a configuration row in the admin (e.g. "--certificate_ids 12 13"). With
`--args-from-database`, the command parses that stored line with its own parser, and the stored options
replace the command line completely: a `--dry-run` typed on the command line is ignored and must be stored.
"""

from __future__ import annotations

import shlex
from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from coursecerts.common.models import ConfigurationModel


def add_args_from_database_argument(
    parser: ArgumentParser, configuration_model: type[ConfigurationModel]
) -> None:
    parser.add_argument(
        "--args-from-database",
        action="store_true",
        help=(
            f"Use the arguments stored in the current {configuration_model.__name__} (in the admin) "
            "instead of the command line. The stored arguments replace the command line completely."
        ),
    )


def resolve_options(
    command: BaseCommand, options: dict, configuration_model: type[ConfigurationModel]
) -> dict:
    """The options to run with: the command line's, or the stored ones when --args-from-database was given.

    A disabled configuration, or stored arguments the command cannot parse, is a CommandError."""
    if not options.get("args_from_database"):
        return options
    name = configuration_model.__name__
    configuration = configuration_model.current()
    if not configuration.enabled:
        raise CommandError(f"{name} is disabled, but --args-from-database was requested")
    try:
        arguments = shlex.split(configuration.arguments)
    except ValueError as exc:
        raise CommandError(f"The arguments stored in {name} cannot be split: {exc}") from exc
    parser = command.create_parser("coursecerts", command.__module__.rsplit(".", 1)[-1])
    parser.called_from_command_line = False  # a bad stored line raises CommandError instead of exiting
    try:
        return vars(parser.parse_args(arguments))
    except CommandError as exc:
        raise CommandError(
            f"The arguments stored in {name} ({configuration.arguments!r}) are invalid: {exc}"
        ) from exc
