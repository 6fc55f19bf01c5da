"""What the metrics middleware costs (README "Performance"), two ways. Target: at most 5% apart.

cpu    in one process, the CPU time (time.process_time, so other load on the machine does not count) of --requests
       page requests through Django's whole middleware stack with coursecerts/ops' middleware and without it,
       PROMETHEUS_MULTIPROC_DIR set as under gunicorn; rounds alternate; requests/s per CPU second compared.
own    the middleware alone around a view that returns at once, timed over --calls calls (its own cost per
       request, free of the page's noise), set against the page's CPU time per request from `cpu`.
wrk    the page under gunicorn (2 sync workers) with and without it, loaded by wrk (2 threads, 16 connections):
       wall-clock requests/s, only meaningful on an otherwise idle machine (it prints the load average).
Both ask for a random one of --hot certificates: repeat visits, the page cache's case, where a fixed cost per
request shows most.

    .venv/bin/pip install -r requirements/bench.txt && apt-get install wrk
    .venv/bin/python bench/metrics.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from page import django_setup, environment, free_port, load_data, start_gunicorn, uuid_script, wrk  # noqa: E402


def run(env: dict, settings: str, url_script: Path, duration: int) -> dict:
    port = free_port()
    server = start_gunicorn({**env, "DJANGO_SETTINGS_MODULE": settings}, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wrk(base + "/", duration=3, script=url_script)  # warm-up: every page in both workers' caches
        return wrk(base + "/", duration=duration, script=url_script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def cpu_rounds(uuids: list[str], requests: int, rounds: int) -> dict[str, list[float]]:
    import time

    from django.conf import settings
    from django.test import Client, override_settings

    from coursecerts.certificates.web import page_cache

    variants = {
        "with": list(settings.MIDDLEWARE),
        "without": [m for m in settings.MIDDLEWARE if m != "coursecerts.ops.middleware.OpsMiddleware"],
    }
    results: dict[str, list[float]] = {"with": [], "without": []}
    paths = [f"/certificates/{uuid}" for uuid in uuids]
    for _ in range(rounds):
        for name, middleware in variants.items():
            with override_settings(MIDDLEWARE=middleware):
                client = Client(HTTP_HOST="127.0.0.1")
                page_cache.clear()
                for path in paths:  # warm: every page in the cache
                    assert client.get(path).status_code == 200
                started = time.process_time()
                for i in range(requests):
                    client.get(paths[i % len(paths)])
                results[name].append(requests / (time.process_time() - started))
    return results


def own_cost(calls: int) -> float:
    """Seconds of CPU the middleware adds to one request (median of 5 runs of `calls` calls each)."""
    import time

    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.urls import resolve

    from coursecerts.ops.middleware import OpsMiddleware

    response = HttpResponse(b"ok")
    request = RequestFactory().get("/health/live")
    request.resolver_match = resolve("/health/live")
    wrapped = OpsMiddleware(lambda r: response)
    bare = lambda r: response  # noqa: E731
    runs = []
    for _ in range(5):
        started = time.process_time()
        for _ in range(calls):
            wrapped(request)
        middle = time.process_time()
        for _ in range(calls):
            bare(request)
        runs.append(((middle - started) - (time.process_time() - middle)) / calls)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--hot", type=int, default=200)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per wrk run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=3000, help="requests per round (cpu)")
    parser.add_argument("--calls", type=int, default=50000, help="middleware calls per run (own)")
    parser.add_argument("--only", choices=("cpu", "wrk"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="coursecerts-bench-metrics-"))
    env = environment(folder / "var")
    (folder / "prometheus-cpu").mkdir(parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "prometheus-cpu")
    django_setup(env)
    del env["PROMETHEUS_MULTIPROC_DIR"]
    uuids = load_data(args.hot)
    random.shuffle(uuids)
    if args.only != "wrk":
        rates = cpu_rounds(uuids, args.requests, args.rounds)
        report("cpu: page requests per CPU second", rates, "per_cpu_s")
        per_request = 1 / statistics.median(rates["without"])
        cost = own_cost(args.calls)
        share = cost / per_request
        print(
            f"own: the middleware costs {cost * 1e6:.1f} us of CPU a request, {share * 100:.1f}% of the page's"
            f" {per_request * 1e6:.0f} us ({'within' if share <= 0.05 else 'OUTSIDE'} the 5% target)",
            flush=True,
        )
    if args.only == "cpu":
        return
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    from django.db import connections

    connections.close_all()
    print(f"wrk: load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    script = uuid_script(uuids, folder, "hot")
    results: dict[str, list[dict]] = {"with": [], "without": []}
    for _ in range(args.rounds):
        prom = folder / "prometheus"
        shutil.rmtree(prom, ignore_errors=True)
        prom.mkdir()
        with_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(prom)}
        results["with"].append(run(with_env, "pagesite", script, args.duration))
        results["without"].append(run(env, "nometrics_site", script, args.duration))
    errors = sum(r["non_2xx"] for runs in results.values() for r in runs)
    rates = {name: [r["requests_per_s"] for r in runs] for name, runs in results.items()}
    report(f"wrk: page requests/s (non-2xx: {errors})", rates, "req/s")
    shutil.rmtree(folder, ignore_errors=True)


def report(title: str, rates: dict[str, list[float]], unit: str) -> None:
    print(title, flush=True)
    median = {name: statistics.median(values) for name, values in rates.items()}
    for name in ("without", "with"):
        each = ", ".join(f"{value:.0f}" for value in rates[name])
        print(f"  {name:>7} the metrics middleware: {median[name]:8.0f} {unit} (rounds: {each})")
    difference = (median["without"] - median["with"]) / median["without"] * 100
    verdict = "within" if abs(difference) <= 5 else "OUTSIDE"
    print(f"  cost of the middleware: {difference:+.1f}% ({verdict} the 5% target)", flush=True)


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): the page's requests per CPU second with the middleware against
    without it (rounds alternate), and the middleware's own CPU a request as a share of the page's."""
    from rows import Row

    hot, requests, rounds, calls = (100, 500, 3, 10000) if quick else (200, 3000, 5, 50000)
    folder = Path(tempfile.mkdtemp(prefix="coursecerts-bench-metrics-"))
    env = environment(folder / "var")
    (folder / "prometheus-cpu").mkdir(parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(folder / "prometheus-cpu")
    django_setup(env)
    uuids = load_data(hot)
    rates = cpu_rounds(uuids, requests, rounds)
    report("cpu: page requests per CPU second", rates, "per_cpu_s")
    with_, without = statistics.median(rates["with"]), statistics.median(rates["without"])
    share = own_cost(calls) * without * 100
    shutil.rmtree(folder, ignore_errors=True)
    return [
        Row(
            "page with the metrics middleware",
            with_,
            "req/CPU s",
            without,
            "without it",
            "ratio >= 0.95",
            rounds,
        ),
        Row("metrics middleware's own CPU, share of the page's", share, "%", None, "", "figure <= 5", 5),
    ]


if __name__ == "__main__":
    main()
