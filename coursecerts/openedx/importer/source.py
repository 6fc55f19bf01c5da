"""The Open edX database, read only: one PyMySQL connection in one read-only transaction (a consistent snapshot
of the whole run), rows streamed with server-side cursors so that no table is ever held in memory.

The grants a read-only user needs are in README "Moving from Open edX".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pymysql
import pymysql.converters
import pymysql.cursors
from django.utils import timezone
from pymysql.constants import FIELD_TYPE

from coursecerts.common.errors import ApplicationError


class SourceError(ApplicationError):
    pass


_READ_AHEAD = 2  # batches read ahead of the writer
_END = object()


@dataclass(frozen=True)
class SourceUrl:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def parse(cls, url: str) -> SourceUrl:
        """mysql://user:password@host:3306/edxapp (mariadb:// too)."""
        parts = urlsplit(url)
        if parts.scheme not in ("mysql", "mariadb") or not parts.path.strip("/"):
            raise SourceError(
                f"--database-url must look like mysql://user:password@host:3306/edxapp, not {url!r}"
            )
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=unquote(parts.username or "root"),
            password=unquote(parts.password or ""),
            database=parts.path.strip("/"),
        )

    @property
    def label(self) -> str:
        """Where the data comes from, without the password (the import's scope and its summary)."""
        return f"{self.host}:{self.port}/{self.database}"


class SourceDatabase:
    """An open read-only connection. Use as a context manager; `stream` one query at a time."""

    def __init__(self, url: SourceUrl, *, batch_size: int = 5000):
        self.url, self.batch_size = url, batch_size
        try:
            self.connection = pymysql.connect(
                host=url.host,
                port=url.port,
                user=url.user,
                password=url.password,
                database=url.database,
                charset="utf8mb4",
                autocommit=True,
                conv=_CONVERSIONS,
            )
        except pymysql.MySQLError as exc:
            raise SourceError(f"cannot connect to {url.label}: {exc}") from exc
        self._read_only_snapshot()

    def _read_only_snapshot(self) -> None:
        with self.connection.cursor() as cursor:
            # Open edX stores datetimes as UTC: the session's NOW() too, for the run's watermark.
            cursor.execute("SET time_zone = '+00:00'")
            cursor.execute("SET SESSION TRANSACTION READ ONLY")
            cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()

    def now(self) -> dt.datetime:
        """The source's clock (UTC), aware."""
        return aware(self.scalar("SELECT UTC_TIMESTAMP(6)"))

    def scalar(self, sql: str, params=()):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def table_exists(self, table: str) -> bool:
        return bool(
            self.scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                "AND table_name = %s",
                (table,),
            )
        )

    def stream(self, sql: str, params=()) -> Iterator[list[dict]]:
        """The query's rows as dicts, in lists of batch_size, read from a server-side cursor as they come. A
        thread reads the next batch while the caller writes this one (PyMySQL decodes rows in Python, the
        writer waits for coursecerts' database: the two overlap), at most _READ_AHEAD batches ahead; the
        connection is the thread's until the stream ends or is closed."""
        batches: queue.Queue = queue.Queue(maxsize=_READ_AHEAD)
        stop = threading.Event()
        reader = threading.Thread(
            target=self._read, args=(sql, params, batches, stop), name="openedx-source", daemon=True
        )
        reader.start()
        try:
            while (batch := batches.get()) is not _END:
                if isinstance(batch, BaseException):
                    raise batch
                yield batch
        finally:
            stop.set()
            while reader.is_alive():  # unblock a reader waiting to hand over a batch nobody will take
                with contextlib.suppress(queue.Empty):
                    batches.get(timeout=0.05)
            reader.join()

    def _read(self, sql: str, params, batches: queue.Queue, stop: threading.Event) -> None:
        cursor = self.connection.cursor(pymysql.cursors.SSDictCursor)
        try:
            cursor.execute(sql, params)
            while not stop.is_set() and (rows := cursor.fetchmany(self.batch_size)):
                batches.put(rows)
            batches.put(_END)
        except BaseException as exc:  # raised again in the caller's thread
            batches.put(exc)
        finally:
            cursor.close()


def aware(value):
    """A datetime read from MySQL (naive, UTC) made aware; None and dates as they are."""
    if type(value) is dt.datetime and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return value.replace(tzinfo=dt.UTC)
    return value


def _datetime(text):
    """A DATETIME or TIMESTAMP value as PyMySQL converts it, through the C parser of datetime.fromisoformat
    (PyMySQL's own regular expression took a fifth of the read side); what is not 'YYYY-MM-DD hh:mm:ss' with
    an optional fraction (a zero date, a date alone) goes to PyMySQL's converter, which decides as before."""
    if type(text) is str and 19 <= len(text) <= 26 and text[10] == " " and text[19:20] in ("", "."):
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
    return pymysql.converters.convert_datetime(text)


_CONVERSIONS = {
    **pymysql.converters.conversions,
    FIELD_TYPE.DATETIME: _datetime,
    FIELD_TYPE.TIMESTAMP: _datetime,
}
