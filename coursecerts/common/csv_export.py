"""CSV files we write for people to open in a spreadsheet: every export goes through these writers, so a cell
that a spreadsheet would read as a formula (CSV injection: a username like `=HYPERLINK(...)`) is written as text.

Following OWASP's CSV injection guidance, a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading single quote: spreadsheets show it as text, and a program reading the file sees the
quote. Numbers, booleans and empty cells are written as they are. See README "Exports (CSV)"."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as written: a text starting like a formula gets a leading `'`; anything else is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose rows are neutralised cell by cell (same arguments, same methods)."""

    def __init__(self, file, *args, **kwargs):
        self._writer = csv.writer(file, *args, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter(csv.DictWriter):
    """csv.DictWriter whose values are neutralised."""

    def writerow(self, rowdict: Mapping[str, Any]):
        return super().writerow({key: neutralise(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
