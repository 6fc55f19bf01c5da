"""What the table writers share during a run: the clock, the course exports given, and lookups of what earlier
tables imported (course runs by key, learners by their Open edX id), read from coursecerts' database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast

from coursecerts.certificates.display import printed_course_title
from coursecerts.certificates.models import CertificateStatuses
from coursecerts.common.bulk_rows import array_type
from coursecerts.common.iterables import chunked
from coursecerts.courses.models import CourseModes, CourseRun
from coursecerts.openedx.importer.olx import ExportCertificate
from coursecerts.openedx.models import ImportedLearner

LOOKUP_CHUNK = 5000
# The choices' values, once (TextChoices.values builds a new list at each call).
MODES = frozenset(CourseModes.values)
STATUSES = frozenset(CertificateStatuses.values)


@dataclass
class ImportContext:
    now: dt.datetime
    exports: dict[str, ExportCertificate] = field(
        default_factory=dict
    )  # course key -> its export's certificate
    _runs: dict[str, CourseRun] | None = None
    _titles: dict[str, str] = field(default_factory=dict)

    def runs(self) -> dict[str, CourseRun]:
        """Every course run coursecerts holds, by course key string (the runs are few: read once per table)."""
        if self._runs is None:
            self._runs = {
                str(run.pk): run for run in CourseRun.objects.select_related("certificate_configuration")
            }
        return self._runs

    def forget_runs(self) -> None:
        self._runs, self._titles = None, {}

    def course_title(self, course_key: str) -> str:
        """The course title a certificate of the run prints (printed_course_title), once per run."""
        if course_key not in self._titles:
            self._titles[course_key] = printed_course_title(self.runs()[course_key])
        return self._titles[course_key]

    def user_ids(self, source_ids: Iterable[int]) -> dict[int, int]:
        """coursecerts user id of each Open edX user id that was imported."""
        found = {}
        for chunk in chunked(sorted({i for i in source_ids if i is not None}), LOOKUP_CHUNK):
            found.update(
                ids_in(ImportedLearner.objects, "source_id", chunk).values_list("source_id", "user_id")
            )
        return found


def with_course_text(queryset):
    """The queryset with `course_text`: the row's course key as the text stored, read without parsing it into a
    CourseKey (at a million rows, parsing the keys of the rows read back cost more than reading them)."""
    return queryset.annotate(course_text=Cast("course_id", output_field=CharField()))


def text(value, length: int = 255) -> str:
    """A source text for a single-line coursecerts field: None as '', cut to the column's length."""
    return (value or "")[:length]


def ids_in(queryset, column: str, ids):
    """queryset.filter(<column>__in=ids), as `column = ANY(array)` on PostgreSQL: one parameter instead of
    thousands, which psycopg would otherwise bind one by one on the client (a third of a batch's time). The
    array is typed as the column: psycopg types a list of small ints as smallint[], and PostgreSQL then
    searches the array row by row instead of by the index."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{column}__in": ids})
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    column_field = queryset.model._meta.get_field(column)
    name = connection.ops.quote_name(column_field.column)
    return queryset.extra(where=[f"{table}.{name} = ANY(%s::{array_type(column_field)})"], params=[ids])
