"""Open Badges credentials: signatures per second on one core, and what they add to course-wide generation
(README "Performance"; issue 14 targets: 1,000 signatures per second per core; credentials add at most 50%).

signing     2,000 OpenBadgeCredentials (names in Latin, Cyrillic, Arabic, Hebrew, Chinese scripts) signed with
            eddsa-rdfc-2022, CPU time of this process (so a busy machine does not count), split into JSON-LD
            expansion (with pyld's RDF conversion), RDFC-1.0 canonicalization, SHA-256 and Ed25519, by
            - pyld's full path (expand, to RDF, URDNA2015 for each document and its proof configuration),
            - the compiled path the service uses (credentials.compiled: the expansion compiled once per
              shape, a document's strings read into it ("expansion"), its N-Quads filled and labelled
              by RDFC-1.0 ("canonicalization"); the proof configuration canonicalized once per batch).
generation  course-wide generation of N learners (bench/generate.py's course) in one process, --rounds times
            each way on the same data, interleaved: without the credentials app's CERTIFICATES_WRITTEN receiver
            and with it (which since issue 20 issues nothing: a credential is issued and signed on its first
            request; the receiver revokes). Medians of the wall-clock and CPU seconds.
first       then the first request for --first of the run's credentials (credential_for_certificate: issue,
            index, sign, store), one after the other: credentials per second of CPU.

    .venv/bin/python bench/credentials.py                          # signing, and 10,000 learners on SQLite
    .venv/bin/python bench/credentials.py --sizes 10000 100000 --databases sqlite postgresql
PostgreSQL is reached at BENCH_POSTGRES_URL (as bench/generate.py).
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
from statistics import median

from benchdb import recreate_postgres  # noqa: I001  (the scripts' folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/coursecerts_bench")
NAMES = ["Ada Lovelace", "Анна Ахматова", "محمد بن موسى الخوارزمي", "רחל המשוררת", "张衡", "Zoë Ñúñez-Øberg"]


def credentials(count: int) -> list[dict]:
    from coursecerts.credentials import documents

    out = []
    for i in range(count):
        facts = documents.Facts(
            name=f"{NAMES[i % len(NAMES)]} {i}",
            course=f"Data Science {i % 7}01",
            organization="Bench University",
            date=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T00:00:00Z",
            course_key=f"course-v1:Bench+DS{i % 7}01+2026",
            mode="verified",
        )
        out.append(
            documents.open_badge_credential(
                credential_id=f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
                facts=facts,
                issuer_did="did:web:certs.example.org:issuers:Bench",
                organization_short_name="Bench",
                valid_from=facts.date,
                status_list_id="6f1c0b1e-1f5a-4b7e-9d42-2b8f0c1d2e3f",
                status_index=(i * 7919) % 131072,
            )
        )
    return out


class Split:
    def __init__(self):
        self.seconds = {"expansion": 0.0, "canonicalization": 0.0, "hashing": 0.0, "ed25519": 0.0}

    def timed(self, step: str, function, *args):
        started = time.process_time()
        result = function(*args)
        self.seconds[step] += time.process_time() - started
        return result


def sign_full(docs, key, split: Split, method: str, created: str) -> None:
    from pyld import jsonld
    from pyld.canon import URDNA2015

    from coursecerts.credentials import signer, signing
    from coursecerts.credentials.loader import document_loader

    options = {"documentLoader": document_loader}
    for doc in docs:
        config = signer.proof_configuration(doc, verification_method=method, created=created)
        canonical = []
        for part in (config, doc):
            expanded = split.timed("expansion", signing.expand_strict, part)
            dataset = split.timed("expansion", jsonld.to_rdf, expanded, options)
            canonical.append(
                split.timed("canonicalization", URDNA2015().main, dataset, {"format": "application/n-quads"})
            )
        data = split.timed("hashing", signing.hash_data, *canonical)
        split.timed("ed25519", key.sign, data)


def sign_compiled(docs, key, split: Split, method: str, created: str) -> None:
    from coursecerts.credentials import compiled, signer, signing

    config = compiled.canonize(
        signer.proof_configuration(docs[0], verification_method=method, created=created)
    )
    for doc in docs:
        signing.check_strings(doc)
        shape_key, slots = split.timed("expansion", compiled._shape, doc)
        shape = compiled._shapes.get(shape_key) or compiled.compile_shape(doc)
        compiled._shapes[shape_key] = shape
        canonical = split.timed("canonicalization", shape.canonical, [value for _, value in slots])
        data = split.timed("hashing", signing.hash_data, config, canonical)
        split.timed("ed25519", key.sign, data)


def measure_signing(count: int) -> dict:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from coursecerts.credentials import compiled, signer, signing

    key = Ed25519PrivateKey.generate()
    docs = credentials(count)
    method, created = "did:web:certs.example.org:issuers:Bench#key-1", "2026-12-01T00:00:00Z"
    # the compiled path signs what the full path signs, byte for byte
    for doc in docs[:20]:
        assert compiled.canonize(doc) == signing.canonize(doc)
    signer.sign_many(docs[:1], private_key=key, verification_method=method, created=created)  # warm caches
    results = {}
    for name, path, n in (("pyld full path", sign_full, count // 5), ("compiled", sign_compiled, count)):
        split = Split()
        path(docs[:n], key, split, method, created)
        total = sum(split.seconds.values())
        results[name] = {
            "per_second": n / total,
            "count": n,
            **{k: v / total for k, v in split.seconds.items()},
        }
    started = time.process_time()
    signer.sign_many(docs, private_key=key, verification_method=method, created=created)
    results["sign_many (service)"] = {"per_second": count / (time.process_time() - started), "count": count}
    return results


# --- course-wide generation with and without credentials (child process per database and size) ---------------


def _reset() -> None:
    from generate import reset_certificates

    from coursecerts.credentials.models import StatusList

    reset_certificates()  # the credentials go with their certificates
    StatusList.objects.all().delete()


def _generate(run, *, credentials: bool) -> dict:
    from generate import measure_set_based

    from coursecerts.common import signals
    from coursecerts.credentials.handlers import certificates_written
    from coursecerts.credentials.models import OpenBadgeCredential

    _reset()
    if credentials:
        signals.CERTIFICATES_WRITTEN.connect(certificates_written, dispatch_uid="credentials_sync")
    else:
        signals.CERTIFICATES_WRITTEN.disconnect(dispatch_uid="credentials_sync")
    result = measure_set_based(run)  # its "cpu": this process's and its PostgreSQL server process's
    result["credentials"] = OpenBadgeCredential.objects.count()
    assert result["credentials"] == 0, "generation issues no credential (ADR 0019)"
    return result


def _first_requests(run, count: int) -> dict:
    """The first request for `count` downloadable certificates' credentials, one after the other, as the
    credential.json view makes it: CPU seconds of this process and its PostgreSQL server process."""
    from generate import cpu_seconds

    from coursecerts.certificates.models import CertificateStatuses, GeneratedCertificate
    from coursecerts.credentials.services.issuance import credential_for_certificate

    certificates = list(
        GeneratedCertificate.objects.filter(course=run, status=CertificateStatuses.DOWNLOADABLE)[:count]
    )
    started, cpu_started = time.perf_counter(), cpu_seconds()
    for certificate in certificates:
        credential_for_certificate(certificate=certificate)
    seconds, cpu_ended = time.perf_counter() - started, cpu_seconds()
    cpu = cpu_ended[0] - cpu_started[0] if cpu_ended[1] == cpu_started[1] else None
    return {"count": len(certificates), "seconds": seconds, "cpu": cpu}


def child(size: int, rounds: int, first: int) -> None:
    import logging

    import django

    sys.path.insert(0, str(Path(__file__).parent))
    django.setup()
    logging.getLogger("coursecerts").setLevel(logging.WARNING)
    from django.core.management import call_command
    from generate import load_course

    call_command("migrate", verbosity=0)
    run = load_course(size)
    without, with_credentials = [], []
    for _ in range(rounds):  # interleaved (A, B, A, B...): a change of the machine's load falls on both
        without.append(_generate(run, credentials=False))
        with_credentials.append(_generate(run, credentials=True))
    first_requests = _first_requests(run, first)
    print(json.dumps({"without": without, "with": with_credentials, "first": first_requests}))


def run_child(database: str, size: int, rounds: int, first: int = 1000) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coursecerts.settings", "LOG_LEVEL": "WARNING"}
    # The learners' issue emails are sent by a worker after commit; under eager Celery (no broker here) they would
    # be sent inside each chunk's commit and timed as generation. LEARNER_EMAILS_ENABLED=true measures that.
    env.setdefault("LEARNER_EMAILS_ENABLED", "false")
    with tempfile.TemporaryDirectory() as tmp:
        env["COURSECERTS_VAR_DIR"] = tmp
        if database == "postgresql":
            recreate_postgres(POSTGRES_URL)
            env["DATABASE_URL"] = POSTGRES_URL
            env.setdefault("CREDENTIALS_KEY_ENCRYPTION_KEY", "Y3JlZGVudGlhbHMtYmVuY2gtb25seS1rZWstMzJieXQ=")
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        command = [sys.executable, __file__, "--child", str(size), "--rounds", str(rounds),
                   "--first", str(first)]  # fmt: skip
        done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{database} {size}: child failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--databases", nargs="*", default=["sqlite"], choices=["sqlite", "postgresql"])
    parser.add_argument("--signatures", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3, help="generation runs of each kind, interleaved")
    parser.add_argument("--first", type=int, default=1000, help="credentials asked for the first time")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rounds, args.first)
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    print("signing (CPU seconds of this process; shares of the time per step)")
    for name, row in (measure_signing(args.signatures) if args.signatures else {}).items():
        steps = "  ".join(
            f"{k} {row[k]:.0%}" for k in ("expansion", "canonicalization", "hashing", "ed25519") if k in row
        )
        print(f"  {name:<22}{row['per_second']:>8,.0f} /s   {steps}")
    print("\ncourse-wide generation, one process (wall-clock seconds; CPU seconds of the process and of its")
    print("PostgreSQL server process when on this host)")
    for database in args.databases:
        for size in args.sizes:
            result = run_child(database, size, args.rounds, args.first)
            without, with_ = result["without"], result["with"]
            wall = median(w["seconds"] for w in with_) / median(w["seconds"] for w in without) - 1
            cpu = median(w["cpu"] for w in with_) / median(w["cpu"] for w in without) - 1
            print(
                f"  {database:<11}{size:>9,} learners  without {median(w['seconds'] for w in without):7.2f} s"
                f" (CPU {median(w['cpu'] for w in without):6.2f} s)"
                f"  with {median(w['seconds'] for w in with_):7.2f} s (CPU {median(w['cpu'] for w in with_):6.2f} s)"
                f"  {wall:+.0%} wall, {cpu:+.0%} CPU (medians; target <= +50%)"
            )
            first = result["first"]
            print(
                f"  {'':<11}first requests: {first['count']:,} credentials issued and signed in"
                f" {first['seconds']:.2f} s, {first['count'] / first['cpu']:,.0f} per CPU second"
            )
            rounds = ", ".join(
                f"{a['seconds']:.2f}/{b['seconds']:.2f}" for a, b in zip(without, with_, strict=True)
            )
            print(f"  {'':<11}each round, without/with: {rounds} s")


def bench_rows(quick: bool) -> list:
    """bench/all.py's rows (bench/rows.py): signatures per second on one core (CPU time of this process, the
    service's sign_many; target 1,000 at least) and course-wide generation with credentials against without (its
    rounds interleaved in the child, A, B, A, B...; medians; target: at most 1.5x the time). Quick: 1,000
    signatures; else 2,000; 10,000 learners on SQLite either way (the script's own default size)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursecerts.settings")
    import django
    from rows import Row

    django.setup()
    signatures, size, rounds = (1000, 10_000, 3) if quick else (2000, 10_000, 3)
    signing = measure_signing(signatures)
    compiled = signing["compiled"]
    out = [
        Row("signing, sign_many (service), one core", signing["sign_many (service)"]["per_second"], "signatures/s",
            target="figure >= 1000", note=f"{signatures:,} credentials, CPU time; compiled path "
            f"{compiled['per_second']:,.0f}/s, pyld full path {signing['pyld full path']['per_second']:,.0f}/s"),
    ]  # fmt: skip
    result = run_child("sqlite", size, rounds)
    without, with_ = result["without"], result["with"]
    seconds_without = median(w["seconds"] for w in without)
    seconds_with = median(w["seconds"] for w in with_)
    cpu = median(w["cpu"] for w in with_) / median(w["cpu"] for w in without)
    pairs = ", ".join(f"{a['seconds']:.2f}/{b['seconds']:.2f}" for a, b in zip(without, with_, strict=True))
    first = result["first"]
    out += [
        Row(f"generation with credentials vs without, sqlite {size:,}", seconds_with, "s", anchor=seconds_without,
            anchor_name="without credentials", target="ratio <= 1.5", rounds=rounds,
            note=f"rounds without/with {pairs} s; by CPU {cpu:.2f}x; issued on first request"),
        Row("first request for a credential (issue, sign, store), sqlite", first["count"] / first["cpu"],
            "credentials/CPU s", note=f"{first['count']:,} one after the other, {first['seconds']:.2f} s wall"),
    ]  # fmt: skip
    return out


if __name__ == "__main__":
    main()
