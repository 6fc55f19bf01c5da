"""Database ids typed by an operator: checked all at once, so one error names every bad value."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.management.base import CommandError


def parse_ids(values: Iterable[str], *, what: str) -> list[int]:
    """The ids as integers, in the given order without repeats. Values that are not positive integers are a
    CommandError naming all of them, e.g. "Certificate IDs must be positive integers, got: 'x', '1.5'"."""
    values = list(values)
    bad = [value for value in values if not str(value).strip().isdecimal() or int(value) == 0]
    if bad:
        raise CommandError(f"{what} must be positive integers, got: {', '.join(repr(str(v)) for v in bad)}")
    return list(dict.fromkeys(int(value) for value in values))
