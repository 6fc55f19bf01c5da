"""A query for one row by one value, compiled once per process and database and run with another value each time.

Django compiles a queryset's SQL anew on every evaluation: for a select_related of five tables that is most of the
cost of loading one row (about 2 ms of a 3 ms certificate load on SQLite; bench/page.py). `CompiledQuery` keeps the
SQL, the column converters and the related-object populators that Django's ModelIterable builds, and builds the
same instance (with its select_related objects) from a row as it does. It follows Django 5.2's ModelIterable; a
test (tests/web/test_first_render_queries.py) compares its result with the queryset's, field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators
from opaque_keys.edx.django.models import OpaqueKeyField

_SENTINEL = "\x00compiled-query-parameter\x00"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    index: int
    converters: tuple
    init_list: list
    start: int
    end: int
    populators: list
    annotations: tuple


class CompiledQuery:
    """`make(value)` is the queryset to run for `value` (e.g. `lambda v: Model.objects.filter(key=v)[:1]`): one row
    at most. `get(value)` is its first instance, or None, as `make(value).first()` would be (annotations set as
    attributes, as Django sets them)."""

    def __init__(self, model: type[Model], make: Callable[[str], QuerySet]):
        self.model = model
        self.make = make
        self._compiled: dict[str, _Compiled] = {}

    def get(self, value: str) -> Model | None:
        alias = router.db_for_read(self.model)
        compiled = self._compiled.get(alias) or self._compile(alias)
        params = list(compiled.params)
        params[compiled.index] = value
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (converters, expression) in compiled.converters:
            item = row[position]
            for converter in converters:
                item = converter(item, expression, connection)
            row[position] = item
        instance = self.model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, instance)
        for name, position in compiled.annotations:
            setattr(instance, name, row[position])
        return instance

    def _compile(self, alias: str) -> _Compiled:
        compiler = self.make(_SENTINEL).query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[0 : compiler.col_count]]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        compiled = _Compiled(
            sql=sql,
            params=tuple(params),
            index=list(params).index(_SENTINEL),
            converters=tuple(
                (position, ([_memoised(c) if _makes_keys(c) else c for c in converters], expression))
                for position, (converters, expression) in compiler.get_converters(fields).items()
            ),
            init_list=[column[0].target.attname for column in select[start:end]],
            start=start,
            end=end,
            populators=get_related_populators(klass_info, select, alias),
            annotations=tuple(compiler.annotation_col_map.items()),
        )
        self._compiled[alias] = compiled
        return compiled


def _makes_keys(converter) -> bool:
    return isinstance(getattr(converter, "__self__", None), OpaqueKeyField)


def _memoised(converter: Callable, size: int = 1024) -> Callable:
    """`converter` (an opaque key field's, which parses a course key with regular expressions: a tenth of a stored
    page's first visit, bench/page.py) run once per distinct value; the keys it returns are immutable, so one is
    shared by every row that holds it."""
    seen: dict = {}

    def convert(value, expression, connection):
        key = seen.get(value)
        if key is None:
            if len(seen) >= size:
                seen.clear()
            key = seen[value] = converter(value, expression, connection)
        return key

    return convert
