"""Plain bulk reads and writes of rows, through each database's fast path: COPY and array parameters on
PostgreSQL; one executemany, or multi-row INSERTs returning what the caller asks for, on SQLite and
MySQL/MariaDB. For the set-based writers (the bulk import, ADR 0009; the Open edX import, ADR 0016; course-wide
generation's certificates, history and Open Badges credentials), which run in their caller's one transaction.

The ORM's bulk_create and bulk_update build a model instance and prepare every value of every row through its
field: at 100,000 rows that is most of an import's time (bench/import.py), and on a generation chunk it cost as
much as the rest of the writes. Here rows are tuples of values in `fields` order. rows_insert and rows_update
take them ready for the database except datetimes (prepared once each, aware to the backend's form);
values_insert takes them fully prepared (column_preparer); dicts_insert prepares dicts of values itself.
Nothing here sets auto_now timestamps or sends signals: the caller passes `created`/`modified` itself.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import cast

from django.db import connection, models
from opaque_keys.edx.django.models import CourseKeyField

from coursecerts.common.iterables import chunked

# Values a lookup binds at once (well under SQLite's limit of query parameters); PostgreSQL binds one array.
LOOKUP_CHUNK = 5000
ANALYZE_MIN_ROWS = 20_000


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _meta_fields(model: type[models.Model], fields: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in fields]


def _prepare_all(meta_fields: Sequence[models.Field], rows: Iterable[Sequence]) -> list[tuple]:
    """Rows prepared for executemany; datetimes are few distinct values (an import's `now`), prepared once each."""
    cache: dict[tuple[int, datetime], object] = {}
    columns = [i for i, f in enumerate(meta_fields) if isinstance(f, models.DateTimeField)]
    if not columns:
        return [tuple(row) for row in rows]
    prepared = []
    for row in rows:
        values = list(row)
        for i in columns:
            value = values[i]
            if isinstance(value, datetime):
                key = (i, value)
                if key not in cache:
                    cache[key] = meta_fields[i].get_db_prep_value(value, connection)
                values[i] = cache[key]
        prepared.append(tuple(values))
    return prepared


def rows_insert(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """INSERT rows (tuples of values in `fields` order, ready for the database but their datetimes) into the
    model's table: COPY on PostgreSQL, one executemany elsewhere (MySQL's driver sends it as multi-row
    INSERTs)."""
    if not rows:
        return
    meta_fields = _meta_fields(model, fields)
    values_insert(
        model, meta_fields, rows if connection.vendor == "postgresql" else _prepare_all(meta_fields, rows)
    )


def values_insert(
    model: type[models.Model],
    fields: Sequence[models.Field],
    rows: Sequence[Sequence],
    *,
    returning: Sequence[str] = (),
) -> list[tuple]:
    """INSERT rows of values already prepared for the database (column_preparer) in the `fields`' columns: COPY
    on PostgreSQL; with `returning` (columns), where the database returns rows from a bulk insert (SQLite 3.35+,
    MariaDB 10.5+), multi-row INSERT ... RETURNING statements of as many rows as a statement's parameters
    allow, and the rows they return; else one executemany. On PostgreSQL, `returning` the primary key and
    columns among `fields`: the ids are drawn from the table's sequence in one query and copied with the rows.
    Returns the rows returned ([] where none are: the caller reads what it needs back)."""
    if not rows:
        return []
    pk = model._meta.pk
    if returning and connection.vendor == "postgresql" and pk.attname in returning:
        return _copy_with_ids(model, fields, rows, returning)
    table = _quote(model._meta.db_table)
    columns = ", ".join(_quote(cast("str", f.column)) for f in fields)  # concrete fields: set
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returned: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", rows)
        elif returning and connection.features.can_return_rows_from_bulk_insert:
            names = ", ".join(_quote(name) for name in returning)
            for batch in chunked(rows, max(1, max_query_params() // len(fields))):
                cursor.execute(
                    f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(batch))} "
                    f"RETURNING {names}",
                    [value for row in batch for value in row],
                )
                returned += cursor.fetchall()
        else:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {placeholders}", rows)
    return returned


def _copy_with_ids(
    model: type[models.Model],
    fields: Sequence[models.Field],
    rows: Sequence[Sequence],
    returning: Sequence[str],
) -> list[tuple]:
    """values_insert on PostgreSQL returning ids: the rows' ids drawn from the table's sequence (one query; COPY
    returns nothing, and reading the rows back cost a chunk of generation a query as long as the insert), then
    COPY with the id column."""
    pk, table = model._meta.pk, model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk.column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(_quote(cast("str", f.column)) for f in [pk, *fields])
        _copy(
            cursor,
            f"COPY {_quote(table)} ({columns}) FROM STDIN",
            [(i, *row) for i, row in zip(ids, rows, strict=True)],
        )
    at = {f.attname: n for n, f in enumerate(fields)}
    return [
        tuple(i if name == pk.attname else row[at[name]] for name in returning)
        for i, row in zip(ids, rows, strict=True)
    ]


def dicts_insert(model: type[models.Model], rows: Sequence[dict], *, varying: Iterable[str]) -> int:
    """Insert `rows` (dicts of field attnames to Python values) in the caller's transaction, in order, into every
    concrete column but the auto primary key. Fields not in `varying` take rows[0]'s value (or their default)
    for every row, prepared once; a field absent from the rows takes its default, computed per row when it is
    callable. The rows' ids are left to the database and not read back. Returns how many rows."""
    if not rows:
        return 0
    varying = set(varying)
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    first = rows[0]
    plan = []  # per column: (field, its preparer, (prepared constant,)) or (field, preparer, None) per row
    for field in fields:
        name, prep = field.attname, column_preparer(field)
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
    values_insert(model, fields, values)
    return len(values)


def _value(row: dict, field: models.Field):
    return row[field.attname] if field.attname in row else field.get_default()


def column_preparer(field: models.Field) -> Callable:
    """A value of the field as the database takes it: JSON as text; course keys through the field; strings,
    integers, booleans and None as they are, and everything on PostgreSQL, whose COPY adapts uuids and
    datetimes; elsewhere the rest through the field, the few distinct datetimes of a write prepared once
    each."""
    if isinstance(field, models.JSONField):
        return functools.partial(_json, encoder=field.encoder)
    target = field.target_field if field.is_relation else field
    if isinstance(target, CourseKeyField):  # a CharField whose values are CourseKeys
        return functools.lru_cache(maxsize=64)(functools.partial(_db_value, field))
    if connection.vendor == "postgresql" or isinstance(
        target, (models.CharField, models.IntegerField, models.BooleanField, models.TextField)
    ):
        return as_is
    if isinstance(target, models.DateField):  # datetimes too
        return functools.lru_cache(maxsize=64)(functools.partial(_db_value, field))
    return functools.partial(_db_value, field)


def as_is(value):
    """column_preparer's preparer of the values the database takes as they are."""
    return value


def _json(value, *, encoder):
    return None if value is None else json.dumps(value, cls=encoder)


def _db_value(field: models.Field, value):
    return None if value is None else field.get_db_prep_save(value, connection)


def max_query_params() -> int:
    """How many parameters one statement takes: SQLite's own limit (32,766 by default since SQLite 3.32, where
    Django assumes 999), else the protocol's 65,535."""
    if connection.vendor != "sqlite":
        return 65_535
    import sqlite3

    connection.ensure_connection()
    return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def _copy(cursor, sql: str, rows: Sequence[Sequence]) -> None:
    started = time.monotonic()
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
    if connection.queries_logged:  # psycopg's COPY bypasses Django's cursor: count it like any other query
        connection.queries_log.append(
            {"sql": f"{sql} ({len(rows)} rows)", "time": f"{time.monotonic() - started:.3f}"}
        )


def rows_update(model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE rows by primary key: each row is the values in `fields` order followed by the pk. On PostgreSQL one
    UPDATE ... FROM unnest(arrays) a batch; elsewhere one executemany."""
    if not rows:
        return
    meta_fields = _meta_fields(model, fields)
    table, pk = _quote(model._meta.db_table), model._meta.pk
    if connection.vendor == "postgresql":
        _update_from_arrays(table, [*meta_fields, pk], rows)
        return
    assignments = ", ".join(f"{_quote(f.column)} = %s" for f in meta_fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {_quote(pk.column)} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, _prepare_all([*meta_fields, pk], rows))


def _update_from_arrays(table: str, meta_fields: list[models.Field], rows: Sequence[Sequence]) -> None:
    *values, pk = meta_fields
    names = [f"c{i}" for i in range(len(meta_fields))]
    arrays = ", ".join(f"%s::{array_type(f)}" for f in meta_fields)
    assignments = ", ".join(f"{_quote(f.column)} = v.{name}" for f, name in zip(values, names, strict=False))
    sql = (
        f"UPDATE {table} SET {assignments} FROM unnest({arrays}) AS v({', '.join(names)}) "
        f"WHERE {table}.{_quote(pk.column)} = v.{names[-1]}"
    )
    with connection.cursor() as cursor:
        for batch in chunked(rows, 50_000):
            cursor.execute(sql, [list(column) for column in zip(*batch, strict=True)])


def array_type(field: models.Field) -> str:
    """The PostgreSQL type of an array of the field's values (`column = ANY(%s::<it>)`)."""
    db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return {"serial": "integer", "bigserial": "bigint"}.get(db_type, db_type) + "[]"


def rows_where_in(
    sql: str, field: models.Field, values: Iterable, *, params: Sequence = ()
) -> Iterator[tuple]:
    """The rows of `sql` (a SELECT whose WHERE holds `{in}`, taking `params` before it) for each of `values` in
    the model field's column: `column = ANY(array)` on PostgreSQL (one parameter instead of thousands; the array
    typed as the column, or PostgreSQL searches it row by row), chunks of `column IN (...)` elsewhere."""
    values = list(values)
    if not values:
        return
    column = _quote(field.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                sql.format(**{"in": f"{column} = ANY(%s::{array_type(field)})"}), [*params, values]
            )
            yield from cursor.fetchall()
            return
        for chunk in chunked(values, LOOKUP_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(sql.format(**{"in": f"{column} IN ({marks})"}), [*params, *chunk])
            yield from cursor.fetchall()


def grown_tables_analyzed() -> None:
    """On PostgreSQL, ANALYZE each table that has doubled (or more, and by ANALYZE_MIN_ROWS) since it was last
    analyzed, for the bulk writers' callers to run after their commits: a table just filled is otherwise read
    with the statistics of an empty one (autovacuum comes later, or is off), and looking a batch's learners up
    becomes a scan of the whole table (at a million rows, import_openedx took twice as long). A few analyses a
    table as it grows, each reading a sample of 30,000 rows."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND n_mod_since_analyze > %s AND n_mod_since_analyze > n_live_tup / 2",
            [ANALYZE_MIN_ROWS],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f"ANALYZE {connection.ops.quote_name(name)}")


def table(model: type[models.Model]) -> str:
    """The model's quoted table name, for the SQL given to rows_where_in."""
    return _quote(model._meta.db_table)
