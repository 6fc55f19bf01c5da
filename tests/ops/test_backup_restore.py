"""README "Backups": a pg_dump of the database, restored into an empty database, serves the same certificate
pages (PostgreSQL stage of .ci/run; the files under MEDIA_ROOT and CERTIFICATE_PDF_ROOT are the same folders)."""

import re
import shutil
import subprocess

import psycopg
import pytest
from django.db import connection, connections

from coursecerts.certificates.models import CertificateConfiguration
from coursecerts.certificates.web import page_cache
from tests.factories import CourseRunFactory, OrganizationFactory
from tests.web.conftest import issue, png


@pytest.fixture
def postgresql(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): pg_dump and pg_restore")
    if not shutil.which("pg_dump"):
        pytest.skip("needs pg_dump and pg_restore (Debian: postgresql-client)")
    return connection.settings_dict


def _libpq(settings: dict, name: str) -> list[str]:
    return [
        f"--host={settings['HOST'] or '127.0.0.1'}",
        f"--port={settings['PORT'] or 5432}",
        f"--username={settings['USER']}",
        f"--dbname={name}",
    ]


def _admin(settings: dict, sql: str) -> None:
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql)


def _page(client, certificate) -> str:
    page_cache.clear()
    response = client.get(f"/certificates/{certificate.verify_uuid}")
    assert response.status_code == 200
    return re.sub(r'nonce="[^"]*"', 'nonce=""', response.content.decode())


def test_a_restored_dump_serves_the_same_pages(postgresql, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CERTIFICATE_PDF_ROOT = tmp_path / "private"
    organization = OrganizationFactory(short_name="OLI", name="Open Learning Institute")
    organization.logo.save("oli.png", png(240, 80, color=(176, 141, 87), stroke=False))
    run = CourseRunFactory(id="course-v1:OLI+OPS101+2026", organization=organization, display_name="Ops 101")
    CertificateConfiguration.objects.create(course=run, is_active=True)
    certificates = [issue(run, name=name) for name in ("Jane Doe", "فاطمة الزهراء", "王小明")]
    before = {c.verify_uuid: _page(client, c) for c in certificates}

    dump = tmp_path / "coursecerts.dump"
    source, restored = postgresql["NAME"], f"{postgresql['NAME']}_restored"
    env = {"PGPASSWORD": postgresql["PASSWORD"] or "", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", *_libpq(postgresql, source)],
        env=env,
        check=True,
        timeout=120,
    )
    _admin(postgresql, f'DROP DATABASE IF EXISTS "{restored}"')
    _admin(postgresql, f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *_libpq(postgresql, restored), str(dump)],
            env=env,
            check=True,
            timeout=120,
        )
        connections["default"].close()
        connection.settings_dict["NAME"] = restored
        try:
            from coursecerts.certificates.models import GeneratedCertificate

            with connection.cursor() as cursor:
                cursor.execute("SELECT current_database()")
                assert cursor.fetchone()[0] == restored
            assert GeneratedCertificate.objects.count() == 3
            after = {c.verify_uuid: _page(client, c) for c in certificates}
        finally:
            connections["default"].close()
            connection.settings_dict["NAME"] = source
    finally:
        _admin(postgresql, f'DROP DATABASE IF EXISTS "{restored}"')
    assert after == before
    assert "فاطمة الزهراء" in after[certificates[1].verify_uuid]
