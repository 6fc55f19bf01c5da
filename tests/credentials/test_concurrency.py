"""Concurrent issuers of credentials (first requests) for one organisation never draw the same status index: each
takes a status list no other open transaction holds (SELECT ... FOR UPDATE SKIP LOCKED) and neither waits for
the other. Needs a server database with concurrent writers (PostgreSQL, MariaDB)."""

import threading

import pytest
from django.db import connection, transaction

from coursecerts.credentials.models import OpenBadgeCredential, StatusList
from coursecerts.credentials.services.issuance import credentials_issue
from tests.factories import CourseRunFactory, GeneratedCertificateFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_two_chunks_at_once_take_different_lists_and_never_collide():
    course = CourseRunFactory()
    batches = [[GeneratedCertificateFactory(course=course) for _ in range(40)] for _ in range(2)]
    with transaction.atomic():  # the organisation's key exists beforehand
        credentials_issue(certificates=[GeneratedCertificateFactory(course=course)])
    barrier = threading.Barrier(2, timeout=20)
    lists, errors = [], []

    def chunk(certificates):
        try:
            with transaction.atomic():
                issued = credentials_issue(certificates=certificates)
                lists.append({c.status_list_id for c in issued})
                barrier.wait()  # both transactions are open, each holding its list, here
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=chunk, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(lists) == 2 and not lists[0] & lists[1]
    assert OpenBadgeCredential.objects.count() == 81
    pairs = list(OpenBadgeCredential.objects.values_list("status_list", "status_index"))
    assert len(set(pairs)) == 81
    assert StatusList.objects.count() == 2
