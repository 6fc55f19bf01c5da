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


def test_a_record_lists_deleted_and_already_missing_files_apart(client, staff, run, local_stores):
    """The audit trail says which legacy files were deleted and which were already missing."""
    from django.core.files.storage import storages

    from coursecerts.certificates.models import GeneratedCertificate
    from coursecerts.certificates.services.legacy_files import legacy_certificate_paths

    alice = make_learner(run, "alice", "Alicia Zephyrine")
    certificate = GeneratedCertificate.objects.get(user=alice)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    storages["legacy_certificates"].delete(paths[0])
    learner_retire(user=alice, actor=staff)
    client.force_login(staff)

    page = client.get(admin_url(RetirementRecord, "change", RetirementRecord.objects.get()))

    html = page.content.decode()
    deleted = html.split('class="form-row field-files_deleted"')[1].split('class="form-row')[0]
    missing = html.split('class="form-row field-files_missing"')[1].split('class="form-row')[0]
    assert "Files deleted" in deleted and "Files already missing" in missing
    assert all(path in deleted for path in paths[1:]) and paths[0] not in deleted
    assert paths[0] in missing
