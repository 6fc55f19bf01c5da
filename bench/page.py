"""The certificate page and its PDF, measured in one run on this machine (README "Performance").

page   /certificates/<verify_uuid> under gunicorn (2 sync workers) on 127.0.0.1, loaded by wrk (2 threads,
       16 connections, a random certificate per request out of --certificates), beside a trivial Django view in
       the same server (the ceiling): requests/s and p50/p99 latency.
pdf    renders per second on 2 processes (one typst compiler each, as the service does) of the built-in design,
       beside a ReportLab overlay merged onto a static template with pypdf (what other open-source
       certificate generators do) of the same certificate, and WeasyPrint printing the page's HTML (the engine
       for operators' HTML templates).
memory RSS of each typst worker before and after --renders renders in all (default 10,000).

Targets: page >= 50% of the trivial view's requests/s with p99 < 50 ms; typst >= 4x the baseline; memory flat.

    .venv/bin/pip install -r requirements/bench.txt && apt-get install wrk
    .venv/bin/python bench/page.py                       # SQLite (the embedded default)
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
    return list(GeneratedCertificate.objects.values_list("verify_uuid", flat=True))


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


def measure_page(env: dict, uuids: list[str], folder: Path, duration: int, hot: int) -> dict:
    """The trivial view; the page cold (a random one of all certificates per request, so nearly every request
    loads and renders a certificate its worker has not shown yet); the page warm (a random one of `hot`
    certificates, each already shown once by each worker: repeat visits, served from the page cache)."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed for the page bench: apt-get install wrk")
    port = free_port()
    server = start_gunicorn(env, port)
    try:
        base = f"http://127.0.0.1:{port}"
        wrk(base + "/bench/trivial", duration=3)  # warm-up: imports, connections, template caches
        results = {"trivial": wrk(base + "/bench/trivial", duration=duration)}
        results["page_cold"] = wrk(base + "/", duration=duration, script=uuid_script(uuids, folder, "all"))
        hot_script = uuid_script(uuids[:hot], folder, "hot")
        wrk(base + "/", duration=5, script=hot_script)  # every hot page shown by both workers
        results["page"] = wrk(base + "/", duration=duration, script=hot_script)
        return results
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


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
    parser.add_argument("--certificates", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per wrk run")
    parser.add_argument("--hot", type=int, default=500, help="certificates in the warm (repeat-visit) run")
    parser.add_argument("--renders", type=int, default=10000, help="typst renders in all (memory check)")
    parser.add_argument("--baseline-renders", type=int, default=1000)
    parser.add_argument("--weasyprint-renders", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="coursecerts-bench-page-"))
    env = environment(folder / "var")
    django_setup(env)
    uuids = load_data(args.certificates)
    random.shuffle(uuids)
    from django.db import connections

    connections.close_all()
    results = {"database": env.get("DATABASE_URL", "sqlite (embedded default)").split("@")[-1]}
    results.update(measure_page(env, uuids, folder, args.duration, args.hot))
    results["typst"] = on_two_processes(env, typst_worker, uuids, args.renders)
    results["overlay"] = on_two_processes(env, overlay_worker, uuids, args.baseline_renders)
    results["weasyprint"] = on_two_processes(env, weasyprint_worker, uuids, args.weasyprint_renders)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    shutil.rmtree(folder, ignore_errors=True)


def report(r: dict) -> None:
    page, trivial = r["page"], r["trivial"]
    ratio = page["requests_per_s"] / trivial["requests_per_s"]
    typst, overlay, weasy = r["typst"], r["overlay"], r["weasyprint"]
    print(f"database: {r['database']}")
    print(f"{'':28}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    rows = (
        ("trivial view (ceiling)", trivial),
        ("page, repeat visits", page),
        ("page, first visits", r["page_cold"]),
    )
    for name, row in rows:
        print(
            f"{name:28}{row['requests_per_s']:9.0f}{row['p50_ms']:9.2f}{row['p99_ms']:9.2f}{row['non_2xx']:9d}"
        )
    print(
        f"page (repeat visits) / trivial: {ratio:.0%} (target >= 50%), p99 {page['p99_ms']:.1f} ms (target < 50 ms): "
        f"{'MET' if ratio >= 0.5 and page['p99_ms'] < 50 else 'NOT MET'}"
    )
    cold = r["page_cold"]
    print(
        f"page (first visits) / trivial: {cold['requests_per_s'] / trivial['requests_per_s']:.0%}, "
        f"p99 {cold['p99_ms']:.1f} ms"
    )
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


if __name__ == "__main__":
    main()
