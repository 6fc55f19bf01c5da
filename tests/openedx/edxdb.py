"""A throwaway Open edX database on the MariaDB server (tests and bench/openedx_import.py): schema.sql, then
rows given by the columns that matter, every other NOT NULL column filled with Open edX's default."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pymysql

SCHEMA = Path(__file__).with_name("schema.sql")
SERVER = {"host": "127.0.0.1", "port": 3306, "user": "root", "password": ""}

# NOT NULL columns without a value in the rows: what Open edX's model defaults (or its code) write.
_DEFAULT_BY_TYPE = {"varchar": "", "longtext": "", "tinyint": 0, "int": 0, "double": 0.0, "decimal": 0}
_SPECIAL = {
    "complexity": "medium",
    "currency": "usd",
    "entrance_exam_minimum_score_pct": 0.65,
    "_pre_requisite_courses_json": "[]",
    "version": 19,
    "active": 1,
    "is_active": 1,
    "password": "!",
    "meta": "",
}


def _not_null_columns() -> dict[str, dict[str, object]]:
    tables, current = {}, None
    for line in SCHEMA.read_text().splitlines():
        if match := re.match(r"CREATE TABLE (\w+)", line):
            current = tables.setdefault(match[1], {})
        elif current is not None and (col := re.match(r"\s+`?(\w+)`? (\w+)[^,]*NOT NULL(?! AUTO)", line)):
            name, kind = col[1], col[2]
            if kind == "datetime":
                current[name] = "2020-01-01 00:00:00"
            else:
                current[name] = _SPECIAL.get(name, _DEFAULT_BY_TYPE.get(kind, ""))
    return tables


class EdxDatabase:
    def __init__(self, name: str | None = None):
        self.name = name or f"edxapp_h18_{os.getpid()}"
        self.defaults = _not_null_columns()
        server = pymysql.connect(**SERVER, autocommit=True)
        with server.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.name}`")
            cursor.execute(f"CREATE DATABASE `{self.name}` CHARACTER SET utf8mb4")
        server.close()
        self.connection = pymysql.connect(**SERVER, database=self.name, autocommit=True, charset="utf8mb4")
        with self.connection.cursor() as cursor:
            for statement in SCHEMA.read_text().split(";\n"):
                if "CREATE TABLE" in statement:
                    cursor.execute(statement)

    @property
    def url(self) -> str:
        return f"mysql://root@127.0.0.1:3306/{self.name}"

    def insert(self, table: str, rows: list[dict], *, checks: bool = True) -> None:
        """Insert rows (dicts of the columns that matter); checks=False turns foreign key checks off, for the
        orphans a real database can hold."""
        if not rows:
            return
        columns = list(dict.fromkeys([*self.defaults[table], *(c for row in rows for c in row)]))
        sql = (
            f"INSERT INTO {table} ({', '.join(f'`{c}`' for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))})"
        )
        values = [tuple(row.get(c, self.defaults[table].get(c)) for c in columns) for row in rows]
        with self.connection.cursor() as cursor:
            if not checks:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
            cursor.executemany(sql, values)
            if not checks:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")

    def execute(self, sql: str, params=()) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{self.name}`")
        self.connection.close()
