"""Every benchmark in bench/ in one run, and one table: each figure beside its anchor and its target, with the
ratio, so a reader sees at a glance where the project stands (issue 20, README "Performance").

    .venv/bin/python bench/all.py --quick             # smaller, shorter runs: 8 minutes here (2 cores)
    .venv/bin/python bench/all.py                     # the scripts' own sizes (much longer)
    .venv/bin/python bench/all.py --only page import  # some scripts
    .venv/bin/python bench/all.py --list              # which scripts take part

A script takes part by defining `bench_rows(quick: bool) -> list[Row]` (bench/rows.py says how); each runs in a
process of its own, one after the other (never two at once: each loads the machine), bounded by --timeout. Each
ratio interleaves its two sides (A, B, A, B...) inside the script, so a change of load falls on both. The load
average is printed before and after, as the figures depend on it. Scripts without bench_rows are listed as such.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rows import Row

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Modules of bench/ that are not benchmarks: settings, URLs, helpers.
HELPERS = {"all", "rows", "pagesite", "pageurls", "nometrics_site", "benchdb", "baseline_overlay"}


def scripts() -> list[Path]:
    return sorted(p for p in BENCH.glob("*.py") if p.stem not in HELPERS)


def takes_part(path: Path) -> bool:
    return "\ndef bench_rows(" in path.read_text()


def run(path: Path, *, quick: bool, timeout: int, log) -> tuple[list[Row], str]:
    """The script's rows, run in a process of its own; and what went wrong ("" when nothing did)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(BENCH / "rows.py"), str(path), "--out", str(out)]
    if quick:
        command.append("--quick")
    try:
        done = subprocess.run(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=timeout, start_new_session=True
        )
    except subprocess.TimeoutExpired:
        return [], f"stopped after {timeout} s"
    try:
        if done.returncode != 0:
            return [], f"exit {done.returncode} (see the log)"
        return [Row(**row) for row in json.loads(out.read_text())], ""
    finally:
        out.unlink(missing_ok=True)


def table(rows: list[Row]) -> str:
    head = ("benchmark", "figure", "anchor", "ratio", "target", "met", "rounds", "note")
    lines = [head]
    for r in rows:
        figure = f"{_number(r.figure)} {r.unit}"
        anchor = f"{_number(r.anchor)} {r.unit} ({r.anchor_name})" if r.anchor is not None else ""
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
        met = {True: "MET", False: "NOT MET", None: ""}[r.met()]
        lines.append((f"{r.script}: {r.name}", figure, anchor, ratio, r.target, met, str(r.rounds), r.note))
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = [
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    text.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(text)


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller, shorter runs of each script")
    parser.add_argument("--only", nargs="+", metavar="SCRIPT", help="run these scripts (names without .py)")
    parser.add_argument(
        "--timeout", type=int, default=None, help="seconds per script (default 900, quick 300)"
    )
    parser.add_argument(
        "--log", type=Path, default=None, help="the scripts' output (default: a temporary file)"
    )
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--list", action="store_true", help="list the scripts and whether they take part")
    args = parser.parse_args()
    chosen = [p for p in scripts() if not args.only or p.stem in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        known = ", ".join(p.stem for p in scripts())
        raise SystemExit(f"--only names a script that is not in bench/ (there are: {known})")
    if args.list:
        for path in chosen:
            print(f"{path.name}: {'bench_rows' if takes_part(path) else 'no bench_rows: run it on its own'}")
        return
    timeout = args.timeout or (300 if args.quick else 900)
    log_path = args.log or Path(tempfile.mkstemp(prefix="coursecerts-bench-all-", suffix=".log")[1])
    rows: list[Row] = []
    problems: list[str] = []
    print(f"load average before: {_load()}; scripts' output in {log_path}", flush=True)
    started = time.monotonic()
    with log_path.open("a") as log:
        for path in chosen:
            if not takes_part(path):
                problems.append(f"{path.name}: no bench_rows (run it on its own)")
                continue
            print(f"running {path.name}{' --quick' if args.quick else ''}...", flush=True)
            log.write(f"\n===== {path.name} =====\n")
            log.flush()
            began = time.monotonic()
            got, problem = run(path, quick=args.quick, timeout=timeout, log=log)
            rows.extend(got)
            if problem:
                problems.append(f"{path.name}: {problem}")
            print(
                f"  {len(got)} rows in {time.monotonic() - began:.0f} s{f' ({problem})' if problem else ''}"
            )
    print(f"\nload average after: {_load()}; {time.monotonic() - started:.0f} s in all\n")
    print(table(rows))
    for problem in problems:
        print(f"- {problem}")
    if args.json:
        args.json.write_text(
            json.dumps([r.__dict__ | {"ratio": r.ratio, "met": r.met()} for r in rows], indent=2)
        )


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
