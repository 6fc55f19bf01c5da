"""The certificate page and its PDF, measured in one run on this machine (README "Performance").

page   /certificates/<verify_uuid> under gunicorn (2 sync workers) on 127.0.0.1, loaded by wrk (2 threads,
       16 connections), beside a trivial Django view in the same server (the ceiling), in rounds that interleave
       them (trivial, first visits, first visits with nothing stored, repeat visits; again): requests/s and
       p50/p99 latency, medians of the rounds.
       - first visits: every request a certificate no worker has shown yet (each wrk thread walks its own part of
         a slice of certificates, one slice a round), whose page was rendered ahead and stored with it
         (`coursecerts render_certificate_pages`, timed here, as after issue: issue 20);
       - first visits, nothing stored: the same on certificates with nothing stored (issued before, or not yet
         rendered ahead): the visit renders the page, draws its QR codes and stores them;
       - repeat visits: a random one of --hot certificates, each already shown by each worker (the page cache).
pdf    renders per second on 2 processes (one typst compiler each, as the service does) of the built-in design,
       beside a ReportLab overlay merged onto a static template with pypdf (what other open-source
       certificate generators do) of the same certificate, and WeasyPrint printing the page's HTML (the engine
       for operators' HTML templates).
memory RSS of each typst worker before and after --renders renders in all (default 10,000).

Targets: first and repeat visits >= 50% of the trivial view's requests/s with p99 < 50 ms; typst >= 4x the
baseline; memory flat. bench/all.py runs this through bench_rows (--quick: smaller and shorter, no WeasyPrint).

    .venv/bin/pip install -r requirements/bench.txt && apt-get install wrk
    .venv/bin/python bench/page.py                       # SQLite (the embedded default)
    .venv/bin/python bench/page.py --only page           # the page alone
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursecerts_bench .venv/bin/python bench/page.py
Only 127.0.0.1 is ever loaded; every phase is bounded in time or count.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent


# --- set-up ---------------------------------------------------------------------------------------------
def environment(var_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        COURSECERTS_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="pagesite",
        PYTHONPATH=f"{BENCH}{os.pathsep}{ROOT}",
        SITE_URL="http://127.0.0.1:8000",
        DATABASE_CONN_MAX_AGE="600",
        # wrk is one client: a limit it never reaches, so each request still pays for the check.
        CERTIFICATE_PAGE_RATE="1000000000/minute",
        TRACKING_LOG_FILE=str(var_dir / "tracking.log"),
    )
    if os.environ.get("BENCH_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    return env


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path[:0] = [str(BENCH), str(ROOT)]
    import django

    django.setup()


def load_data(count: int) -> list[str]:
    """A run with a logo, two signatories with signatures, and `count` downloadable certificates."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0) if _has_tables() else None
    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from coursecerts.certificates.models import CertificateConfiguration, GeneratedCertificate, Signatory
    from coursecerts.courses.models import CourseRun, Organization

    organization = Organization.objects.create(short_name="OLI", name="Open Learning Institute")
    organization.logo.save("oli.png", png(240, 80, color=(176, 141, 87), stroke=False))
    run = CourseRun.objects.create(
        id="course-v1:OLI+DATA101+2026",
        organization=organization,
        display_name="Data Science 101",
        self_paced=True,
    )
    configuration = CertificateConfiguration.objects.create(course=run, is_active=True)
    for order, name in enumerate(["Ada Lovelace", "Alan Turing"]):
        signatory = Signatory(
            configuration=configuration, name=name, title="Dean", organization="OLI", order=order
        )
        signatory.signature_image.save(f"sig{order}.png", png(), save=False)
        signatory.save()
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"bench{i}") for i in range(count)], batch_size=1000)
    from django.utils import timezone

    now = timezone.now()
    certificates = [
        GeneratedCertificate(
            user=user,
            course=run,
            status="downloadable",
            mode="verified",
            grade="0.9",
            name=f"Learner Number {i}",
            course_title="Data Science 101",
            issued_date=now,
        )
        for i, user in enumerate(users)
    ]
    GeneratedCertificate.objects.bulk_create(certificates, batch_size=1000)
    return list(GeneratedCertificate.objects.order_by("pk").values_list("verify_uuid", flat=True))


def render_ahead(count: int) -> float:
    """Render and store the pages of the first `count` certificates (in id order) as after issue; seconds taken."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("render_certificate_pages", limit=count, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return time.perf_counter() - started


def png(width=300, height=100, *, color=(27, 42, 65), stroke=True):
    """A PNG upload: signature strokes on transparent, or a filled block (a stand-in logo)."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (width, height), (0, 0, 0, 0) if stroke else (*color, 255))
    if stroke:
        ImageDraw.Draw(image).line(
            [(10, 80), (90, 15), (160, 75), (230, 25), (290, 60)], fill=(*color, 255), width=6
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue())


def _has_tables() -> bool:
    from django.db import connection

    return "certificates_generatedcertificate" in connection.introspection.table_names()


# --- page -----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "-w",
            "2",
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "coursecerts.wsgi:application",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def wrk(url: str, *, duration: int, script: Path | None = None) -> dict:
    """requests/s, p50 and p99 (ms) and non-2xx count from wrk -t2 -c16 --latency."""
    command = ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration + 30
    ).stdout
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _latency(out, "50%"),
        "p99_ms": _latency(out, "99%"),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{re.escape(percentile)}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def uuid_script(uuids: list[str], folder: Path, name: str) -> Path:
    """A wrk script that asks for a random certificate of `uuids` on every request."""
    path = folder / f"{name}.lua"
    listed = ",".join(f'"{u}"' for u in uuids)
    path.write_text(
        f"local uuids = {{{listed}}}\n"
        "math.randomseed(os.time())\n"
        "request = function()\n"
        '  return wrk.format("GET", "/certificates/" .. uuids[math.random(#uuids)])\n'
        "end\n"
    )
    return path


def walk_script(uuids: list[str], folder: Path, name: str) -> Path:
    """A wrk script in which each of the 2 threads asks for its own half of `uuids` in turn: every request is a
    certificate not asked for before, until a thread has gone through its half (then it starts again)."""
    path = folder / f"{name}.lua"
    listed = ",".join(f'"{u}"' for u in uuids)
    path.write_text(
        f"local uuids = {{{listed}}}\n"
        "local threads = 0\n"
        "function setup(thread)\n  thread:set('first', threads)\n  threads = threads + 1\nend\n"
        "local next_index = nil\n"
        "request = function()\n"
        "  if next_index == nil then next_index = first end\n"
        "  local u = uuids[(next_index % #uuids) + 1]\n"
        "  next_index = next_index + 2\n"
        '  return wrk.format("GET", "/certificates/" .. u)\n'
        "end\n"
    )
    return path


SIDES = ("trivial", "page_first", "page_first_unstored", "page")


def measure_page(env: dict, data: dict, folder: Path, duration: int, rounds: int) -> dict:
    """Rounds of: the trivial view; first visits of pages stored ahead (a fresh slice a round); first visits with
    nothing stored (a fresh slice a round); repeat visits (the hot certificates, shown by both workers in the
    warm-up). Each side's median over the rounds, and the rounds."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the page bench: apt-get install wrk")
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wrk(base + "/bench/trivial", duration=3)  # warm-up: imports, connections, template caches
        hot_script = uuid_script(data["hot"], folder, "hot")
        for uuid in data["hot"] * 8:  # each hot page shown by both workers (but for 1 in 128), the run cached
            urllib.request.urlopen(f"{base}/certificates/{uuid}", timeout=10).read()
        runs = []
        for i in range(rounds):
            runs.append(
                {
                    "trivial": wrk(base + "/bench/trivial", duration=duration),
                    "page_first": wrk(
                        base + "/", duration=duration, script=walk_script(data["stored"][i], folder, f"s{i}")
                    ),
                    "page_first_unstored": wrk(
                        base + "/",
                        duration=duration,
                        script=walk_script(data["unstored"][i], folder, f"u{i}"),
                    ),
                    "page": wrk(base + "/", duration=duration, script=hot_script),
                }
            )
        results = {"rounds": runs}
        for side in SIDES:
            results[side] = {
                key: statistics.median(run[side][key] for run in runs)
                for key in ("requests_per_s", "p50_ms", "p99_ms")
            } | {"non_2xx": sum(run[side]["non_2xx"] for run in runs)}
        for side, slices in (("page_first", data["stored"]), ("page_first_unstored", data["unstored"])):
            # requests beyond a slice's size came back to certificates already shown (repeat visits)
            results[side]["overrun"] = sum(
                max(0, run[side]["requests"] - len(slices[i])) for i, run in enumerate(runs)
            )
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def measure_cpu(data: dict, rounds: int = 5, count: int = 200) -> dict:
    """CPU time a request (this process's, with Django's test client, no server): the trivial view, first visits of
    stored pages, first visits with nothing stored, repeat visits; in interleaved rounds, medians. A machine's
    other load counts for little here, unlike in requests/s under gunicorn; the server's own work per request
    (gunicorn, the socket) is left out, so the ratios are lower than a quiet server's."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for uuid in data["hot"]:
        client.get(f"/certificates/{uuid}")
    client.get("/bench/trivial")

    def timed(urls: list[str]) -> float:
        started = time.process_time()
        for url in urls:
            assert client.get(url).status_code == 200, url
        return (time.process_time() - started) / len(urls) * 1000

    stored, unstored = [u for part in data["stored"] for u in part], data["cpu_unstored"]
    sides = {"trivial": [], "page_first": [], "page_first_unstored": [], "page": []}
    for i in range(rounds):
        sides["trivial"].append(timed(["/bench/trivial"] * count))
        sides["page_first"].append(timed([f"/certificates/{u}" for u in stored[i * count : (i + 1) * count]]))
        part = unstored[
            i * len(unstored) // rounds : (i + 1) * len(unstored) // rounds
        ]  # fewer: each renders
        sides["page_first_unstored"].append(timed([f"/certificates/{u}" for u in part]))
        sides["page"].append(timed([f"/certificates/{u}" for u in (data["hot"] * count)[:count]]))
    return {side: statistics.median(values) for side, values in sides.items()} | {"rounds": rounds}


def page_data(uuids: list[str], *, hot: int, stored: int, unstored: int, rounds: int) -> dict:
    """Disjoint sets of certificates, in id order: `hot` for repeat visits and `rounds` slices of `stored` (these
    are rendered ahead), then `rounds` slices of `unstored`."""
    data, at = {"hot": uuids[:hot], "stored": [], "unstored": []}, hot
    for name, size in (("stored", stored), ("unstored", unstored)):
        for _ in range(rounds):
            data[name].append(uuids[at : at + size])
            at += size
    data["cpu_unstored"] = uuids[at : at + CPU_UNSTORED]
    return data


CPU_UNSTORED = 250  # measure_cpu's first visits with nothing stored, apart from the server's


def run_page(*, certificates_stored: int, certificates_unstored: int, hot: int, duration: int, rounds: int):
    """Set up (data, pages rendered ahead) and measure the page; the results with the set-up's figures."""
    folder = Path(tempfile.mkdtemp(prefix="coursecerts-bench-page-"))
    env = environment(folder / "var")
    django_setup(env)
    total = rounds * (certificates_stored + certificates_unstored) + hot + CPU_UNSTORED
    uuids = load_data(total)
    data = page_data(
        uuids, hot=hot, stored=certificates_stored, unstored=certificates_unstored, rounds=rounds
    )
    ahead = hot + rounds * certificates_stored if rounds else 0
    seconds = render_ahead(ahead) if ahead else 0.0
    if rounds:
        results_cpu = measure_cpu(data)
    from django.db import connections

    connections.close_all()
    results = {"database": env.get("DATABASE_URL", "sqlite (embedded default)").split("@")[-1]}
    results["render_ahead"] = {"pages": ahead, "seconds": seconds}
    if rounds:
        results["cpu"] = results_cpu
    if rounds:
        results.update(measure_page(env, data, folder, duration, rounds))
    return results, env, uuids, folder


# --- PDF ------------------------------------------------------------------------------------------------
def _worker_setup(env: dict) -> None:
    django_setup(env)


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith("VmRSS")).split()[1]) / 1024


def _contexts(uuids: list[str], n: int):
    from django.utils import translation

    from coursecerts.certificates.rendering.selectors import (
        certificate_get_for_rendering,
        certificate_render_context,
    )

    translation.activate("en")
    return [certificate_render_context(certificate_get_for_rendering(u), language="en") for u in uuids[:n]]


def typst_worker(uuids: list[str], renders: int) -> dict:
    """Renders `renders` PDFs of the built-in design with typst; RSS after warm-up and at the end."""
    from coursecerts.certificates.rendering.pdf import render_default_pdf

    contexts = _contexts(uuids, 200)
    for context in contexts[:20]:
        render_default_pdf(context)
    start_rss, started = _rss_mb(), time.perf_counter()
    for i in range(renders):
        render_default_pdf(contexts[i % len(contexts)])
    return {"seconds": time.perf_counter() - started, "rss_start_mb": start_rss, "rss_end_mb": _rss_mb()}


def weasyprint_worker(uuids: list[str], renders: int) -> dict:
    """The same certificate printed by WeasyPrint from the page's HTML (operators' templates take this path)."""
    from dataclasses import replace

    from django.template.loader import render_to_string

    from coursecerts.certificates.rendering.pdf import render_html_pdf
    from coursecerts.certificates.rendering.qr import qr_png_img

    contexts = [replace(c, qr_svg=qr_png_img(c.verify_url)) for c in _contexts(uuids, 50)]  # as services.pdf
    html = [render_to_string("certificates/web/certificate.html", {"c": c}) for c in contexts]
    render_html_pdf(html[0])
    started = time.perf_counter()
    for i in range(renders):
        render_html_pdf(html[i % len(html)])
    return {"seconds": time.perf_counter() - started}


def overlay_worker(uuids: list[str], renders: int) -> dict:
    """Baseline: the static parts drawn once into a template PDF with ReportLab; per certificate a ReportLab
    overlay (name, course, date, signatures, QR code, URL) merged onto a copy of it with pypdf."""
    from baseline_overlay import Overlay

    overlay = Overlay()
    contexts = _contexts(uuids, 200)
    overlay.render(contexts[0])
    started = time.perf_counter()
    for i in range(renders):
        overlay.render(contexts[i % len(contexts)])
    return {"seconds": time.perf_counter() - started}


def on_two_processes(env: dict, worker, uuids: list[str], renders: int) -> dict:
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context, initializer=_worker_setup, initargs=(env,)) as pool:
        started = time.perf_counter()
        results = list(pool.map(worker, [uuids, uuids], [renders // 2, renders - renders // 2]))
        wall = time.perf_counter() - started
    busiest = max(r["seconds"] for r in results)
    return {"renders": renders, "per_s": renders / busiest, "wall_s": wall, "workers": results}


# --- main -----------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=4000, help="first visits' slice a round, stored")
    parser.add_argument(
        "--unstored", type=int, default=1500, help="first visits' slice a round, nothing stored"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the page's sides, interleaved")
    parser.add_argument("--duration", type=int, default=3, help="seconds of load per wrk run")
    parser.add_argument("--hot", type=int, default=500, help="certificates in the warm (repeat-visit) run")
    parser.add_argument("--renders", type=int, default=10000, help="typst renders in all (memory check)")
    parser.add_argument("--baseline-renders", type=int, default=1000)
    parser.add_argument("--weasyprint-renders", type=int, default=200)
    parser.add_argument("--only", choices=["page", "pdf"], help="measure only the page or only the PDFs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    results, env, uuids, folder = run_page(
        certificates_stored=args.certificates,
        certificates_unstored=args.unstored,
        hot=args.hot,
        duration=args.duration,
        rounds=args.rounds if args.only != "pdf" else 0,
    )
    random.shuffle(uuids)
    if args.only != "pdf":
        report_page(results)
    if args.only != "page":
        results["typst"] = on_two_processes(env, typst_worker, uuids, args.renders)
        results["overlay"] = on_two_processes(env, overlay_worker, uuids, args.baseline_renders)
        results["weasyprint"] = on_two_processes(env, weasyprint_worker, uuids, args.weasyprint_renders)
        report_pdf(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    shutil.rmtree(folder, ignore_errors=True)


NAMES = {
    "trivial": "trivial view (ceiling)",
    "page_first": "page, first visits",
    "page_first_unstored": "page, first, nothing stored",
    "page": "page, repeat visits",
}


def report_page(r: dict) -> None:
    trivial = r["trivial"]
    ahead, cpu = r["render_ahead"], r["cpu"]
    print(f"database: {r['database']}; {ahead['pages']} pages rendered ahead in {ahead['seconds']:.1f} s")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"CPU ms a request in process (medians of {cpu['rounds']} interleaved rounds; ratio to the trivial view):"
    )
    for side in SIDES:
        print(f"  {NAMES[side]:30}{cpu[side]:8.3f} ms{cpu['trivial'] / cpu[side]:8.0%}")
    print(
        f"{'medians of ' + str(len(r['rounds'])) + ' rounds':30}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}"
    )
    for side in SIDES:
        row = r[side]
        print(
            f"{NAMES[side]:30}{row['requests_per_s']:9.0f}{row['p50_ms']:9.2f}{row['p99_ms']:9.2f}{row['non_2xx']:9d}"
        )
    for side in ("page_first", "page"):
        row = r[side]
        ratio = row["requests_per_s"] / trivial["requests_per_s"]
        met = ratio >= 0.5 and row["p99_ms"] < 50
        print(
            f"{NAMES[side]} / trivial: {ratio:.0%} (target >= 50%), p99 {row['p99_ms']:.1f} ms (target < 50 ms): "
            f"{'MET' if met else 'NOT MET'}"
        )
    unstored = r["page_first_unstored"]
    print(
        f"{NAMES['page_first_unstored']} / trivial: {unstored['requests_per_s'] / trivial['requests_per_s']:.0%}"
    )
    for side in ("page_first", "page_first_unstored"):
        if r[side]["overrun"]:
            print(
                f"note: {r[side]['overrun']} requests of '{NAMES[side]}' came back to a certificate already shown"
            )


def report_pdf(r: dict) -> None:
    typst, overlay, weasy = r["typst"], r["overlay"], r["weasyprint"]
    print(f"{'PDF on 2 processes':28}{'renders':>9}{'per s':>9}")
    for name, row in (
        ("typst (built-in design)", typst),
        ("ReportLab+pypdf overlay", overlay),
        ("WeasyPrint (HTML templates)", weasy),
    ):
        print(f"{name:28}{row['renders']:9d}{row['per_s']:9.1f}")
    speedup = typst["per_s"] / overlay["per_s"]
    print(f"typst / overlay baseline: {speedup:.1f}x (target >= 4x): {'MET' if speedup >= 4 else 'NOT MET'}")
    for i, w in enumerate(typst["workers"]):
        print(
            f"typst worker {i + 1}: RSS {w['rss_start_mb']:.1f} MB after warm-up -> {w['rss_end_mb']:.1f} MB "
            f"after {typst['renders'] // 2} renders"
        )


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): the page's sides against the trivial view, interleaved in rounds, and
    typst against the overlay baseline, interleaved in rounds."""
    from rows import Row

    sizes = dict(certificates_stored=2000, certificates_unstored=600, hot=300, duration=2, rounds=2)
    if not quick:
        sizes = dict(certificates_stored=4000, certificates_unstored=1500, hot=500, duration=3, rounds=3)
    r, env, uuids, folder = run_page(**sizes)
    report_page(r)
    trivial, rounds = r["trivial"]["requests_per_s"], sizes["rounds"]
    rows = []
    for side, target in (
        ("page_first", "ratio >= 0.5"),
        ("page", "ratio >= 0.5"),
        ("page_first_unstored", ""),
    ):
        row = r[side]
        note = f"p99 {row['p99_ms']:.1f} ms"
        if row.get("overrun"):
            note += f"; {row['overrun']} requests beyond the slice"
        rows.append(
            Row(NAMES[side], row["requests_per_s"], "req/s", trivial, "trivial view", target, rounds, note)
        )
    for side in ("page_first", "page"):
        rows.append(Row(f"{NAMES[side]}, p99", r[side]["p99_ms"], "ms", None, "", "figure < 50", rounds))
    pdf_rounds, renders = (2, (300, 60)) if quick else (3, (2000, 300))
    typst, overlay = [], []
    for _ in range(pdf_rounds):
        typst.append(on_two_processes(env, typst_worker, uuids, renders[0])["per_s"])
        overlay.append(on_two_processes(env, overlay_worker, uuids, renders[1])["per_s"])
    rows.append(
        Row(
            "PDFs, typst (built-in design), 2 processes",
            statistics.median(typst),
            "PDFs/s",
            statistics.median(overlay),
            "ReportLab+pypdf overlay",
            "ratio >= 4",
            pdf_rounds,
        )
    )
    shutil.rmtree(folder, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
