"""What the table writers share during a run: the clock, the course exports given, and lookups of what earlier
tables imported (course runs by key, learners by their Open edX id), read from coursecerts' database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from coursecerts.certificates.display import printed_course_title
from coursecerts.common.iterables import chunked
from coursecerts.courses.models import CourseRun
from coursecerts.openedx.importer.olx import ExportCertificate
from coursecerts.openedx.models import ImportedLearner

LOOKUP_CHUNK = 5000


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
                ImportedLearner.objects.filter(source_id__in=chunk).values_list("source_id", "user_id")
            )
        return found


def text(value, length: int = 255) -> str:
    """A source text for a single-line coursecerts field: None as '', cut to the column's length."""
    return (value or "")[:length]
