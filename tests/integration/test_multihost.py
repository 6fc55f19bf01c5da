"""coursecerts as separate hosts on this machine (network namespaces on one bridge, each on its own address):
PostgreSQL, Redis, S3 (moto's server), two web hosts (deploy/gunicorn.conf.py) behind HAProxy (health-checked on
/health/ready), two Celery worker hosts. Under wrk load on the page and the API it generates a course while one
worker host is killed (every process, SIGKILL) and one web host is stopped (SIGTERM) and started again:
no request fails, the course completes exactly once, and the health checks report the stopped host while it is
down (HAProxy takes it out, its /health/live refuses) and the workers' probe still passes on the other host.

Needs root, iproute2, PostgreSQL 15's server binaries, Redis, HAProxy and wrk; .ci/run's multi-host stage sets
COURSECERTS_MULTIHOST=1 (MULTIHOST_LEARNERS, default 100,000, sets the course's size)."""

from __future__ import annotations

import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.multihost,
    pytest.mark.skipif(
        os.environ.get("COURSECERTS_MULTIHOST") != "1",
        reason="starts hosts in network namespaces (root): set COURSECERTS_MULTIHOST=1 (.ci/run's multi-host stage)",
    ),
]
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LEARNERS = int(os.environ.get("MULTIHOST_LEARNERS", "100000"))
BRIDGE, NET = "cc-mh-br", "10.77.0"
HOSTS = {"db": 10, "redis": 11, "s3": 12, "web1": 21, "web2": 22, "w1": 31, "w2": 32, "proxy": 40}
PROXY = f"http://{NET}.40:8080"


def sh(*command, check=True, **kwargs):
    return subprocess.run(command, check=check, capture_output=True, text=True, **kwargs)


def ns(host: str) -> list[str]:
    return ["ip", "netns", "exec", f"cc-mh-{host}"]


def network_up() -> None:
    network_down()
    sh("ip", "link", "add", BRIDGE, "type", "bridge")
    sh("ip", "addr", "add", f"{NET}.1/24", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    for host, last in HOSTS.items():
        sh("ip", "netns", "add", f"cc-mh-{host}")
        sh(
            "ip",
            "link",
            "add",
            f"cc-mh-{host}",
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            f"cc-mh-{host}",
        )
        sh("ip", "link", "set", f"cc-mh-{host}", "master", BRIDGE, "up")
        sh(*ns(host), "ip", "addr", "add", f"{NET}.{last}/24", "dev", "eth0")
        sh(*ns(host), "ip", "link", "set", "eth0", "up")
        sh(*ns(host), "ip", "link", "set", "lo", "up")


def kill_host(host: str, sig=signal.SIGKILL) -> None:
    pids = sh("ip", "netns", "pids", f"cc-mh-{host}", check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), sig)
        except ProcessLookupError:
            pass


def network_down() -> None:
    for host in HOSTS:
        kill_host(host)
    time.sleep(0.5)
    for host in HOSTS:
        sh("ip", "netns", "del", f"cc-mh-{host}", check=False)
    sh("ip", "link", "del", BRIDGE, check=False)


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def http_status(url: str, timeout: float = 3) -> int:
    try:
        return urllib.request.urlopen(url, timeout=timeout).status
    except urllib.error.HTTPError as exc:
        return exc.code


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        from cryptography.fernet import Fernet

        self.env = {
            "PATH": os.environ["PATH"],
            "HOME": str(folder),
            "DJANGO_SETTINGS_MODULE": "coursecerts.settings",
            "PYTHONPATH": str(ROOT),
            "SECRET_KEY": "multihost-test-secret-key-not-for-production-0123456789",
            "CREDENTIALS_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "*",
            "SITE_URL": PROXY,
            "DATABASE_URL": f"postgres://postgres@{NET}.10:5432/coursecerts",
            "CELERY_BROKER_URL": f"redis://{NET}.11:6379/0",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            # No learner emails: 100,000 issue emails would share the workers with the chunks this test times
            # (emails are tested in tests/notifications and bench/emails.py).
            "LEARNER_EMAILS_ENABLED": "false",
            # Nor pages rendered ahead: their tasks (10 to 18 ms a page) would share the workers with the chunks
            # timed here (they are tested in tests/web/test_pages_rendered_ahead.py).
            "CERTIFICATE_PAGES_RENDER_AHEAD": "false",
            "STORAGE_BACKEND": "s3",
            "S3_BUCKET": "coursecerts",
            "S3_ENDPOINT_URL": f"http://{NET}.12:5000",
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "testing",
            "S3_SECRET_ACCESS_KEY": "testing",
            "SERVE_MEDIA": "false",
            "CERTIFICATE_PAGE_RATE": "",
            "API_THROTTLE_VERIFY": "",
            "CERTIFICATE_GENERATION_CHUNK_SIZE": "2000",
            "CERTIFICATE_GENERATION_LEASE_SECONDS": "10",
            "CELERY_BROKER_VISIBILITY_TIMEOUT": "3600",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "json",
        }

    def start(self, name: str, host: str, command: list[str], **env) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")
        process = subprocess.Popen(
            [*ns(host), *command],
            env={**self.env, "COURSECERTS_VAR_DIR": str(self.folder / name), **env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def coursecerts(self, *args, timeout=900) -> str:
        done = subprocess.run(
            [str(BIN / "coursecerts"), *args],
            env={**self.env, "COURSECERTS_VAR_DIR": str(self.folder / "control")},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def sql(self, query: str) -> str:
        return sh(
            "psql", "-h", f"{NET}.10", "-U", "postgres", "-d", "coursecerts", "-tAc", query
        ).stdout.strip()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")[-3000:]


def start_services(cluster: Cluster) -> None:
    folder = cluster.folder
    pgdata = folder / "pgdata"
    pgbin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
    pgdata.mkdir()
    shutil.chown(pgdata, "postgres", "postgres")
    sh(
        "runuser",
        "-u",
        "postgres",
        "--",
        str(pgbin / "initdb"),
        "-D",
        str(pgdata),
        "-A",
        "trust",
        "-U",
        "postgres",
    )
    with open(pgdata / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {NET}.0/24 trust\n")
    cluster.start("postgres", "db", ["runuser", "-u", "postgres", "--", str(pgbin / "postgres"), "-D", str(pgdata),
                   "-c", f"listen_addresses={NET}.10", "-c", f"unix_socket_directories={pgdata}",
                   "-c", "fsync=off", "-c", "max_connections=300"])  # fmt: skip
    cluster.start("redis", "redis", ["redis-server", "--bind", f"{NET}.11", "--port", "6379", "--save", "",
                   "--appendonly", "no", "--protected-mode", "no"])  # fmt: skip
    cluster.start("s3", "s3", [str(BIN / "moto_server"), "-H", f"{NET}.12", "-p", "5000"])
    wait_for(lambda: sh("pg_isready", "-h", f"{NET}.10", check=False).returncode == 0, 60, "PostgreSQL")
    sh("createdb", "-h", f"{NET}.10", "-U", "postgres", "coursecerts")
    wait_for(lambda: http_status(f"http://{NET}.12:5000/moto-api/") == 200, 60, "moto's S3")
    import boto3

    boto3.client(
        "s3", endpoint_url=f"http://{NET}.12:5000", region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).create_bucket(Bucket="coursecerts")  # fmt: skip


LOADER = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from coursecerts.certificates.models import CertificateConfiguration, GeneratedCertificate
from tests.factories import CourseRunFactory, UserFactory
from tests.integration.bulk import bulk_learners
course = CourseRunFactory(id="course-v1:MH+BIG+2026")
CertificateConfiguration.objects.create(course=course, is_active=True)
bulk_learners(course, {learners})
shown = CourseRunFactory(id="course-v1:MH+SHOWN+2026", display_name="Shown 101")
CertificateConfiguration.objects.create(course=shown, is_active=True)
certificates = GeneratedCertificate.objects.bulk_create(
    GeneratedCertificate(user=UserFactory(), course=shown, status="downloadable", mode="verified", grade="0.9",
                         name=f"Learner {{i}}", course_title="Shown 101", issued_date=timezone.now())
    for i in range(100))
print(json.dumps([str(c.verify_uuid) for c in certificates]))
"""

HAPROXY = """
global
    stats socket {folder}/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout 503
frontend www
    bind {net}.40:8080
    default_backend web
backend web
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    timeout check 5s
    default-server inter 1s fall 2 rise 2
    server web1 {net}.21:8000 check
    server web2 {net}.22:8000 check
"""


def backend_states(cluster: Cluster) -> dict[str, str]:
    command = f"echo 'show stat' | socat - UNIX-CONNECT:{cluster.folder}/haproxy.sock"
    out = sh("bash", "-c", command, check=False).stdout  # empty until HAProxy has opened its socket
    return {row.split(",")[1]: row.split(",")[17] for row in out.splitlines() if row.startswith("web,web")}


def start_web(cluster: Cluster, name: str) -> None:
    host_ip = f"{NET}.{HOSTS[name]}"
    cluster.start(name, name, [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "coursecerts.wsgi:application"],
                  GUNICORN_BIND=f"{host_ip}:8000", GUNICORN_WORKERS="2", GUNICORN_GRACEFUL_TIMEOUT="20")  # fmt: skip
    wait_for(
        lambda: http_status(f"http://{host_ip}:8000/health/ready", timeout=5) == 200, 90, f"{name} ready"
    )


def start_worker(cluster: Cluster, name: str) -> None:
    celery = [str(BIN / "celery"), "-A", "coursecerts", "worker", "-c", "1", "--loglevel", "WARNING"]
    options = ["--without-gossip", "--without-mingle", "--prefetch-multiplier", "1", "-n", f"{name}@%h"]
    cluster.start(name, name, [*celery, *options])


def wrk_script(folder: Path, uuids: list[str]) -> Path:
    paths = [f"/certificates/{u}" for u in uuids] + [f"/api/v1/certificates/{u}" for u in uuids]
    script = folder / "load.lua"
    listed = ",".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{listed}}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    return script


def parse_wrk(out: str) -> dict:
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


@pytest.fixture
def cluster():
    for tool in ("ip", "haproxy", "wrk", "redis-server", "psql", "socat"):
        if not shutil.which(tool):
            pytest.fail(
                f"{tool} is needed (apt-get install iproute2 haproxy wrk redis-server postgresql socat)"
            )
    folder = Path(tempfile.mkdtemp(prefix="coursecerts-multihost-"))
    folder.chmod(0o755)
    network_up()
    cluster = Cluster(folder)
    try:
        yield cluster
    finally:
        network_down()
        if os.environ.get("MULTIHOST_KEEP") != "1":
            shutil.rmtree(folder, ignore_errors=True)


def test_two_web_and_two_worker_hosts_survive_a_lost_worker_and_a_restarted_web(cluster):
    start_services(cluster)
    loaded = subprocess.run(
        [sys.executable, "-c", LOADER.format(learners=LEARNERS)],
        env={**cluster.env, "COURSECERTS_VAR_DIR": str(cluster.folder / "control")},
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    uuids = json.loads(loaded.stdout.strip().splitlines()[-1])
    for name in ("web1", "web2"):
        start_web(cluster, name)
    for name in ("w1", "w2"):
        start_worker(cluster, name)
    (cluster.folder / "haproxy.cfg").write_text(HAPROXY.format(folder=cluster.folder, net=NET))
    cluster.start("haproxy", "proxy", ["haproxy", "-f", str(cluster.folder / "haproxy.cfg")])
    wait_for(
        lambda: backend_states(cluster) == {"web1": "UP", "web2": "UP"}, 30, "both web hosts UP in HAProxy"
    )
    assert http_status(f"{PROXY}/certificates/{uuids[0]}") == 200

    wrk = subprocess.Popen(
        ["wrk", "-t2", "-c8", "-d900s", "--timeout", "10s", "-s", str(wrk_script(cluster.folder, uuids)), PROXY],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        cluster.coursecerts("generate_course_certificates", "course-v1:MH+BIG+2026", "--no-wait")

        def done() -> int:
            return int(
                cluster.sql("SELECT coalesce(sum(done), 0) FROM certificates_certificategenerationjob") or 0
            )

        wait_for(lambda: done() >= LEARNERS // 10, 600, "a tenth of the course generated")
        kill_host("w1")  # the worker host dies: every process, no warning
        assert sh(*ns("w2"), str(BIN / "coursecerts"), "health", "--ready", env={**cluster.env,
                  "COURSECERTS_VAR_DIR": str(cluster.folder / "w2")}, check=False).returncode == 0  # fmt: skip

        cluster.processes["web1"].send_signal(signal.SIGTERM)  # stopped as systemd stops it: graceful
        wait_for(
            lambda: backend_states(cluster)["web1"].startswith("DOWN"), 30, "HAProxy to report web1 DOWN"
        )
        assert http_status(f"{PROXY}/health/ready") == 200  # the other host serves
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://{NET}.21:8000/health/live", timeout=2)
        cluster.processes["web1"].wait(timeout=60)
        start_web(cluster, "web1")
        wait_for(lambda: backend_states(cluster)["web1"] == "UP", 30, "HAProxy to report web1 UP again")

        out = cluster.coursecerts("generate_course_certificates", "course-v1:MH+BIG+2026", timeout=1800)
        assert f"succeeded: {LEARNERS}/{LEARNERS} learners decided." in out, out[-2000:]
    finally:
        wrk.send_signal(signal.SIGINT)
        load = parse_wrk(wrk.communicate(timeout=60)[0])
    print(f"wrk: {load}")
    assert load["requests"] > 1000
    assert load["non_2xx"] == 0 and load["socket_errors"] == 0, load

    course = "course-v1:MH+BIG+2026"
    assert cluster.sql("SELECT count(*) FROM certificates_certificategenerationjob") == "1"
    assert cluster.sql("SELECT done = total FROM certificates_certificategenerationjob") == "t"
    assert (
        cluster.sql("SELECT count(*) FROM certificates_certificategenerationchunk WHERE state <> 'succeeded'")
        == "0"
    )
    certificates = int(
        cluster.sql(f"SELECT count(*) FROM certificates_generatedcertificate WHERE course_id = '{course}'")
    )
    assert 0 < certificates <= LEARNERS
    twice = cluster.sql(
        "SELECT count(*) FROM (SELECT certificate_id FROM certificates_certificatehistory "
        "GROUP BY certificate_id HAVING count(*) > 1) AS t"
    )
    assert twice == "0"  # each certificate written once
