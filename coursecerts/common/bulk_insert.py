"""Inserting many rows of a model in one statement, without a model instance per row: COPY on PostgreSQL, one
executemany elsewhere. The ORM's bulk_create builds an instance and prepares every field of every row (and
Django's client-side binding then quotes each value), which a 2,000-learner chunk feels; here the values that
are the same for every row are prepared once. For tables written in the hot path of course-wide generation
(credentials; see also events.outgoing and certificates.services.bulk_generation's history)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from django.db import connection, models


def bulk_insert(model: type[models.Model], rows: Sequence[dict], *, varying: Iterable[str]) -> int:
    """Insert `rows` (dicts of field attnames to Python values) in the caller's transaction, in order. Fields
    not in `varying` take rows[0]'s value (or their default) for every row; a field absent from the rows takes
    its default, computed per row when it is callable. The auto primary key is left to the database, so the
    rows' ids are not known here. Returns how many rows."""
    if not rows:
        return 0
    varying = set(varying)
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    first = rows[0]
    plan = []  # per column: (attname, prepared constant) or (attname, None) for a value prepared per row
    for field in fields:
        name = field.attname
        if name in varying or (name not in first and field.has_default() and callable(field.default)):
            plan.append((field, None))
        else:
            plan.append((field, (_prep(field, first[name] if name in first else field.get_default()),)))
    values = [
        tuple(
            constant[0] if constant is not None else _prep(field, _value(row, field))
            for field, constant in plan
        )
        for row in rows
    ]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
    return len(values)


def _value(row: dict, field: models.Field):
    return row[field.attname] if field.attname in row else field.get_default()


def _prep(field: models.Field, value):
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder)
    if connection.vendor == "postgresql":  # COPY adapts Python's uuid, datetime, int and str itself
        return value
    return field.get_db_prep_save(value, connection)
