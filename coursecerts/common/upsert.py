"""The idempotent upsert of the data-in services, safe under parallel callers (ADR 0009).

A platform's event workers send the same fact in parallel, so two callers may both find no row and both insert.
Reading with select_for_update() cannot stop that (there is no row to lock yet); the unique constraint on the
natural key does: the second insert waits for the first transaction and fails. The loser must then update the
winner's row instead, as if it had come second.

How it gets there differs by database. On MySQL and MariaDB the failed insert leaves the loser a shared lock on
the winner's row, which a rollback to a savepoint does not release: two losers then locking the row for their
update deadlock. So a service decorated with `upsert_retried`, when it is the outermost transaction, runs again
from the start (its first attempt rolled back, with the shared lock) and finds the row. Inside a caller's
transaction nothing can be run again, and the loser locks the winner's row in place, which is safe on
PostgreSQL (it takes no such lock) and on SQLite (one writer at a time).
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import IntegrityError, OperationalError, connection, models, transaction

M = TypeVar("M", bound=models.Model)
P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

ATTEMPTS = 3
# MySQL/MariaDB ER_LOCK_DEADLOCK; PostgreSQL deadlock_detected and serialization_failure.
_MYSQL_DEADLOCK = 1213
_POSTGRES_RETRYABLE = {"40P01", "40001"}

_may_run_again: ContextVar[bool] = ContextVar("upsert_may_run_again", default=False)


class _InsertRaceLost(Exception):
    """Another transaction inserted the row first; raised so that the whole attempt rolls back."""


def upsert_retried(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func`, a service that opens its own transaction, again when that transaction lost an insert race
    in row_upsert or was a deadlock's victim, up to ATTEMPTS times in all. In a caller's transaction it runs
    once, and row_upsert settles a lost race in place."""

    @functools.wraps(func)
    def retried(*args: P.args, **kwargs: P.kwargs) -> R:
        if transaction.get_connection().in_atomic_block:
            return func(*args, **kwargs)
        token = _may_run_again.set(True)
        try:
            return _attempts(func, args, kwargs)
        finally:
            _may_run_again.reset(token)

    return retried


def _attempts(func, args, kwargs):
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return func(*args, **kwargs)
        except (_InsertRaceLost, OperationalError) as exc:
            if attempt == ATTEMPTS or not _is_retryable(exc):
                raise
            log.info("%s: %s, running it again", func.__qualname__, _why(exc))


def _is_retryable(exc: Exception) -> bool:
    if isinstance(exc, _InsertRaceLost):
        return True
    cause = exc.__cause__
    code = cause.args[0] if cause is not None and cause.args else None
    return code == _MYSQL_DEADLOCK or getattr(cause, "sqlstate", None) in _POSTGRES_RETRYABLE


def _why(exc: Exception) -> str:
    return "lost an insert race" if isinstance(exc, _InsertRaceLost) else "deadlock victim"


def row_upsert(
    model: type[M], *, key: dict, values: dict, create_values: dict | None = None
) -> tuple[M, M | None]:
    """Make the row of `model` with the natural `key` (backed by a unique constraint) hold `values`, and
    `create_values` too when it is new; validated first (a Django ValidationError, and nothing written, on a bad
    value). Returns (row, previous): `previous` is a copy of the row as it was, None when this call created it.
    The row stays locked until the caller's transaction ends, so the caller can act on the change before anyone
    else writes. Call it inside a transaction, from a service decorated with `upsert_retried`."""
    row = _locked(model, key)
    if row is None:
        row = model(**key, **values, **(create_values or {}))
        _validate(row, key)
        try:
            with transaction.atomic():
                row.save(force_insert=True)
            return row, None
        except IntegrityError as error:
            row = winner_locked(model, key, error)
    previous = copy.copy(row)
    for name, value in values.items():
        setattr(row, name, value)
    _validate(row, key)
    row.save()
    return row, previous


def _locked(model: type[M], key: dict) -> M | None:
    return model.objects.select_for_update().filter(**key).first()


def winner_locked(model: type[M], key: dict, error: IntegrityError) -> M:
    """After an insert of the natural `key` failed (in a savepoint) with `error`: the row another transaction
    inserted first, locked; or, in a service decorated with `upsert_retried`, the end of this attempt, so that
    the service runs again. Raises `error` again when another constraint failed, not the natural key's."""
    if _may_run_again.get() and model.objects.filter(**key).exists():
        raise _InsertRaceLost
    row = _locked(model, key)
    if row is None:
        raise error
    return row


def _validate(row: models.Model, key: dict) -> None:
    # Every field and constraint but the natural key's uniqueness: checked by a query, it would refuse ("already
    # exists") the row a parallel caller has just inserted, which this upsert updates instead.
    row.full_clean(validate_unique=False, validate_constraints=False)
    row.validate_constraints(exclude=set(key))


def rows_bulk_upsert(
    model: type[M], rows: list[M], *, unique_fields: list[str], update_fields: list[str]
) -> None:
    """Update rows in bulk as INSERT ... ON CONFLICT DO UPDATE (one statement a batch of 1,000): far faster
    than bulk_update's CASE expressions. The rows are new instances carrying the natural key (no primary key)
    and the values to set; MySQL/MariaDB take no conflict target. For the bulk import's writers, which run in
    the import's one transaction (ADR 0009)."""
    if not rows:
        return
    target = unique_fields if connection.features.supports_update_conflicts_with_target else None
    model.objects.bulk_create(
        rows, batch_size=1000, update_conflicts=True, unique_fields=target, update_fields=update_fields
    )
