"""What a bench script hands bench/all.py: rows of one table (README "Performance", "All benchmarks at once").

A script joins bench/all.py by defining, at module level,

    def bench_rows(quick: bool) -> list[Row]:
        ...

which measures (a smaller, shorter run when `quick`) and returns its rows. bench/all.py runs it in a fresh Python
process of its own (`python bench/rows.py <script>.py [--quick] --out <file>`), with bench/ and the repository
root on the path and nothing else set up, so it calls django.setup() or starts its servers and child processes
itself, as its main() does; importing the script must do nothing but define things (the `if __name__ ==
"__main__":` guard). Its stdout and stderr go to bench/all.py's log.

A row is one figure beside its anchor and its target:

    Row(name="certificate page, first visit", figure=812.0, unit="req/s",
        anchor=1650.0, anchor_name="trivial Django view", target="ratio >= 0.5", rounds=3,
        note="p99 21 ms")

- `figure` and `anchor` are in the same unit and measured in the same run, their sides interleaved (A, B, A, B...)
  so that a change of load falls on both: `interleave()` below runs them so and gives each side's median.
- `target` is "ratio >= x" / "ratio <= x" (figure / anchor) or "figure >= x" / "figure <= x" (in `unit`), or ""
  when the row is there to inform.
- A row without an anchor is a figure on its own (e.g. a p99 latency against "figure <= 50").
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
_TARGET = re.compile(r"(ratio|figure)\s*(>=|<=|>|<)\s*([-+]?[\d.]+)")


@dataclass(frozen=True)
class Row:
    name: str
    figure: float
    unit: str
    anchor: float | None = None
    anchor_name: str = ""
    target: str = ""
    rounds: int = 1
    note: str = ""
    script: str = field(default="", compare=False)

    @property
    def ratio(self) -> float | None:
        return self.figure / self.anchor if self.anchor else None

    def met(self) -> bool | None:
        """Whether the target is met; None when there is none (or it needs a ratio and there is no anchor)."""
        match = _TARGET.fullmatch(self.target.strip())
        if not match:
            return None
        kind, operator, bound = match.group(1), match.group(2), float(match.group(3))
        value = self.ratio if kind == "ratio" else self.figure
        if value is None:
            return None
        return {">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound}[operator]


def interleave(
    a: Callable[[int], float], b: Callable[[int], float], rounds: int
) -> tuple[float, float, list]:
    """Run a(i), b(i), a(i+1), b(i+1)... for `rounds` rounds; each returns its figure for round i. Returns the
    median of each side and the rounds' pairs."""
    pairs = []
    for i in range(rounds):
        first = a(i)
        second = b(i)
        pairs.append((first, second))
    return statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs), pairs


def run_script(path: Path, quick: bool) -> list[Row]:
    """Import the script at `path` and call its bench_rows (in this process: bench/all.py starts one per script)."""
    sys.path[:0] = [str(path.parent), str(ROOT)]
    module = importlib.import_module(path.stem)  # by its own name, so that spawned child processes find it
    rows = module.bench_rows(quick)
    # A script's Row comes from its own import of this module (not __main__'s): any dataclass or dict will do.
    return [Row(**{**(asdict(r) if is_dataclass(r) else r), "script": path.name}) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Run one bench script's bench_rows (bench/all.py does this)."
    )
    parser.add_argument("script", type=Path)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, required=True, help="where the rows go, as JSON")
    args = parser.parse_args()
    rows = run_script(args.script.resolve(), args.quick)
    args.out.write_text(json.dumps([asdict(r) for r in rows], indent=2))


if __name__ == "__main__":
    main()
