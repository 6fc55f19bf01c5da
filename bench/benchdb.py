"""Database set-up shared by the bench scripts (imported from the scripts' own folder)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


def recreate_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database named in `url` (postgres://user@host:port/name)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


@contextmanager
def child_database(env: dict, database: str, postgres_url: str) -> Iterator[str]:
    """A fresh database for a measuring child process: sets COURSECERTS_VAR_DIR and DATABASE_URL in `env` (a
    temporary SQLite file, or `postgres_url` dropped and created) and yields the temporary folder."""
    with tempfile.TemporaryDirectory() as tmp:
        env["COURSECERTS_VAR_DIR"] = tmp
        if database == "postgresql":
            recreate_postgres(postgres_url)
            env["DATABASE_URL"] = postgres_url
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        yield tmp
