"""Database set-up shared by the bench scripts (imported from the scripts' own folder)."""

from __future__ import annotations


def recreate_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database named in `url` (postgres://user@host:port/name)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
