"""Two drainers at once run an outbox entry once: both read the same due entry, and the conditional update that
claims it lets only one of them through. Needs a server database with real concurrent writers (PostgreSQL,
MariaDB)."""

import threading
from unittest import mock

import pytest
from django.db import connection

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.events import services
from coursecerts.events.models import OutboxEntry
from coursecerts.events.services import outbox_drain
from tests.events.conftest import roster
from tests.factories import CourseRunFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def drain_together(count=2):
    """Run `count` drains in threads, all held until each has read the due entries."""
    barrier = threading.Barrier(count, timeout=10)
    original = services._candidates
    first_read = threading.local()
    results, errors = [], []

    def held(**kwargs):
        found = original(**kwargs)
        if not getattr(first_read, "done", False):
            first_read.done = True
            barrier.wait()
        return found

    def worker():
        try:
            results.append(outbox_drain())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(services, "_candidates", side_effect=held):
        threads = [threading.Thread(target=worker) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return results, errors


def test_two_drainers_at_once_run_an_import_s_entry_once(import_file):
    course = CourseRunFactory()
    with mock.patch.object(services, "outbox_kick"):  # the process dies after the commit: no drain is kicked
        import_file(course, roster(30))
    assert not GeneratedCertificate.objects.filter(course=course).exists()

    results, errors = drain_together()

    assert errors == []
    assert sorted(len(outcomes) for outcomes in results) == [0, 1]
    entry = OutboxEntry.objects.get()
    assert (entry.attempts, entry.done_at is not None) == (1, True)
    assert GeneratedCertificate.objects.filter(course=course, status="downloadable").count() == 30
    assert CertificateHistory.objects.filter(certificate__course=course).count() == 30
