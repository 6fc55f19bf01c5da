"""Plain bulk writes of rows whose values are already checked: COPY on PostgreSQL, one executemany elsewhere
(as services.bulk_generation writes history). The ORM's bulk_create would set the auto_now timestamps to now;
an import keeps the source's created and modified dates, and builds no model instances for a million rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, models


def _columns(model: type[models.Model], fields: Sequence[str]):
    meta_fields = [model._meta.get_field(name) for name in fields]
    return meta_fields, ", ".join(connection.ops.quote_name(f.column) for f in meta_fields)


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT rows (tuples of values in `fields` order) into the model's table."""
    if not rows:
        return
    meta_fields, columns = _columns(model, fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",
            [_prepared(meta_fields, r) for r in rows],
        )


def rows_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[tuple]) -> None:
    """UPDATE rows by primary key: each row is the values in `fields` order followed by the pk."""
    if not rows:
        return
    meta_fields, _ = _columns(model, fields)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in meta_fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*_prepared(meta_fields, row[:-1]), row[-1]) for row in rows])


def _prepared(meta_fields, row) -> tuple:
    # Only datetimes need the backend's preparation (aware to the backend's form); course keys are passed as the
    # strings they are (preparing them would parse each one again), ids and texts as they are.
    return tuple(
        f.get_db_prep_value(value, connection) if isinstance(value, datetime) else value
        for f, value in zip(meta_fields, row, strict=True)
    )
