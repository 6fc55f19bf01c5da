"""Inserting many rows of a model in one statement, without a model instance per row: COPY on PostgreSQL, one
executemany elsewhere. The ORM's bulk_create builds an instance and prepares every field of every row (and
Django's client-side binding then quotes each value), which a 2,000-learner chunk feels; here the values that
are the same for every row are prepared once. For tables written in the hot path of course-wide generation
(credentials; see also events.outgoing and certificates.services.bulk_generation's history)."""

from __future__ import annotations

import functools
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
    plan = []  # per column: (field, its preparer, prepared constant) or (field, preparer, None) per row
    for field in fields:
        name, prep = field.attname, _preparer(field)
        if name in varying or (name not in first and field.has_default() and callable(field.default)):
            plan.append((field, prep, None))
        else:
            plan.append((field, prep, (prep(first[name] if name in first else field.get_default()),)))
    values = [
        tuple(
            constant[0] if constant is not None else prep(_value(row, field))
            for field, prep, constant in plan
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


def _preparer(field: models.Field):
    """How a value of the field goes to the database: JSON as text; on PostgreSQL (COPY adapts uuid, datetime,
    int and str itself) and for integers and foreign keys everywhere, as it is; else the field's own
    preparation."""
    if isinstance(field, models.JSONField):
        return functools.partial(_json, encoder=field.encoder)
    if connection.vendor == "postgresql" or isinstance(field, (models.IntegerField, models.ForeignKey)):
        return _same
    return functools.partial(_field_prep, field)


def _same(value):
    return value


def _json(value, *, encoder):
    return None if value is None else json.dumps(value, cls=encoder)


def _field_prep(field: models.Field, value):
    return None if value is None else field.get_db_prep_save(value, connection)
