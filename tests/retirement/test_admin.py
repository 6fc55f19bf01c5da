"""Retirement records in the admin: listed and viewable, never added, changed or deleted by hand."""

from __future__ import annotations

import pytest

from coursecerts.certificates.services.retirement import learner_retire
from coursecerts.learners.models import RetirementRecord
from tests.admin.helpers import admin_url
from tests.retirement.conftest import make_learner

pytestmark = pytest.mark.django_db


def test_records_are_listed_and_read_only(client, staff, run, local_stores):
    learner_retire(user=make_learner(run, "alice", "Alicia Zephyrine"), actor=staff)
    record = RetirementRecord.objects.get()
    client.force_login(staff)
    listing = client.get(admin_url(RetirementRecord))
    assert listing.status_code == 200 and listing.context["cl"].result_count == 1
    page = client.get(admin_url(RetirementRecord, "change", record))
    assert page.status_code == 200 and "Alicia" not in page.content.decode()
    assert client.get(admin_url(RetirementRecord, "add")).status_code == 403
    assert client.post(admin_url(RetirementRecord, "delete", record), {"post": "yes"}).status_code == 403
    assert RetirementRecord.objects.filter(pk=record.pk).exists()
