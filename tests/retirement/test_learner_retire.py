"""learner_retire: legacy PDF files, rendered PDFs, names and email gone; rows, statuses and other learners kept."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.storage import storages

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services.legacy_files import legacy_certificate_paths
from coursecerts.certificates.services.retirement import learner_retire, learner_retirement_pending
from coursecerts.credentials.models import OpenBadgeCredential
from coursecerts.events.models import OutgoingEvent
from coursecerts.learners.models import LearnerProfile, RetirementRecord
from tests.retirement.conftest import LEGACY_PREFIX, traces

pytestmark = pytest.mark.django_db


def dump_tables() -> dict[tuple[str, object], str]:
    """Every row of every table, serialized, by (table, primary key)."""
    rows = {}
    for model in apps.get_models():
        for row in model._base_manager.all().values():
            rows[(model._meta.db_table, row[model._meta.pk.attname])] = json.dumps(
                row, default=str, sort_keys=True
            )
    return rows


def alice_rows(alice) -> set[tuple[str, object]]:
    """The rows a retirement of alice may change."""
    certificate_ids = list(GeneratedCertificate.objects.filter(user=alice).values_list("pk", flat=True))
    history_ids = CertificateHistory.objects.filter(certificate_id__in=certificate_ids).values_list(
        "pk", flat=True
    )
    credential_ids = OpenBadgeCredential.objects.filter(certificate_id__in=certificate_ids).values_list(
        "pk", flat=True
    )
    event_ids = OutgoingEvent.objects.filter(user_id=alice.pk).values_list("pk", flat=True)
    return {
        (get_user_model()._meta.db_table, alice.pk),
        (LearnerProfile._meta.db_table, LearnerProfile.objects.get(user=alice).pk),
        *((GeneratedCertificate._meta.db_table, pk) for pk in certificate_ids),
        *((CertificateHistory._meta.db_table, pk) for pk in history_ids),
        *((OpenBadgeCredential._meta.db_table, pk) for pk in credential_ids),  # revoked and blanked
        # their outgoing events keep the user id, with name and email blanked
        *((OutgoingEvent._meta.db_table, pk) for pk in event_ids),
    }


def test_no_trace_of_the_learner_remains_and_another_learner_is_unchanged_byte_for_byte(stores, alice, bob):
    before_rows, before_files = dump_tables(), stores.all_files()
    bob_files = {name: body for name, body in before_files.items() if b"Roberto" in body}
    assert len(bob_files) == 5  # four legacy files and a rendered PDF
    assert any("Alicia Zephyrine" in row for row in before_rows.values())

    result = learner_retire(user=alice, actor=None)

    assert result.complete
    after_rows, after_files = dump_tables(), stores.all_files()
    text = "\n".join(after_rows.values()) + "\n".join(after_files) + b"\n".join(after_files.values()).decode()
    for trace in traces("Alicia Zephyrine", "alice@example.com"):
        assert trace not in text, trace
    # Only alice's rows changed, and one retirement record was added; bob's files are all there, unchanged.
    changed = {key for key in before_rows if after_rows.get(key) != before_rows[key]}
    assert changed and changed <= alice_rows(alice)
    added = set(after_rows) - set(before_rows)
    assert {table for table, _ in added} == {RetirementRecord._meta.db_table}
    assert {name: after_files.get(name) for name in bob_files} == bob_files
    assert set(after_files) == set(bob_files)


def test_certificate_rows_keep_status_mode_course_dates_and_verify_uuid(stores, alice):
    fields = ["pk", "status", "mode", "course_id", "created_date", "issued_date", "verify_uuid", "grade"]
    before = list(GeneratedCertificate.objects.filter(user=alice).values(*fields))
    learner_retire(user=alice, actor=None)
    after = GeneratedCertificate.objects.get(user=alice)
    assert list(GeneratedCertificate.objects.filter(user=alice).values(*fields)) == before
    assert (after.name, after.download_url, after.download_uuid) == ("", "", "")
    assert LearnerProfile.objects.get(user=alice).retired_at is not None


def test_the_record_holds_counts_and_uuid_paths_only(stores, alice, staff):
    certificate = GeneratedCertificate.objects.get(user=alice)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    result = learner_retire(user=alice, actor=staff, source="api")
    record = RetirementRecord.objects.get(pk=result.record_id)
    assert record.user_id_retired == alice.pk and record.retired_by == staff and record.source == "api"
    assert record.files_deleted == paths and record.files_failed == []
    assert (record.certificates_changed, record.pdf_references_purged, record.rendered_pdfs_deleted) == (
        1,
        1,
        1,
    )
    assert record.history_rows_changed >= 1 and record.learner_rows_changed == 2


def test_a_refused_delete_keeps_the_references_and_a_second_run_finishes(stores, alice, run, settings):
    from tests.retirement.conftest import make_learner

    other_run_certificate = make_learner(_second_run(), "alice", "Alicia Zephyrine")
    assert other_run_certificate.pk == alice.pk
    first, second = GeneratedCertificate.objects.filter(user=alice).order_by("pk")
    refused = legacy_certificate_paths(download_uuid=second.download_uuid, verify_uuid=second.verify_uuid)[2]
    original = settings.STORAGES
    stores.refuse_legacy_deletes([refused])

    result = learner_retire(user=alice, actor=None)

    assert not result.complete
    assert result.files_failed == [{"path": refused, "error": "PermissionError"}]
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.download_url, first.download_uuid) == ("", "")
    assert second.download_uuid and second.download_url  # its file is still there: still findable
    assert storages["legacy_certificates"].exists(refused)
    assert first.name == second.name == ""  # the rest of the retirement is done
    assert learner_retirement_pending(alice)

    stores.allow_deletes(original)
    again = learner_retire(user=alice, actor=None)

    assert again.complete and again.pdf_references == [second.pk]
    second.refresh_from_db()
    assert (second.download_url, second.download_uuid) == ("", "")
    assert not storages["legacy_certificates"].exists(refused)
    assert not learner_retirement_pending(alice)
    assert RetirementRecord.objects.filter(user_id_retired=alice.pk).count() == 2


def _second_run():
    from tests.factories import CertificateConfigurationFactory, CourseRunFactory

    course = CourseRunFactory(id="course-v1:edX+Retire2+2026")
    CertificateConfigurationFactory(course=course)
    return course


def test_running_twice_is_harmless(stores, alice, bob):
    learner_retire(user=alice, actor=None)
    rows, files = dump_tables(), stores.all_files()
    again = learner_retire(user=alice, actor=None)
    assert again.complete and again.record_id is None
    assert (again.certificates, again.learner_rows, again.files_deleted, again.pdf_references) == (
        0,
        0,
        [],
        [],
    )
    assert dump_tables() == rows and stores.all_files() == files


def test_a_dry_run_lists_everything_and_changes_nothing(stores, alice):
    certificate = GeneratedCertificate.objects.get(user=alice)
    rows, files = dump_tables(), stores.all_files()
    result = learner_retire(user=alice, actor=None, dry_run=True)
    assert dump_tables() == rows and stores.all_files() == files
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    assert result.files_deleted == paths and len(result.rendered_pdfs) == 1
    assert result.pdf_references == [certificate.pk] and result.certificates == 1 and result.learner_rows == 2
    assert result.record_id is None


def test_a_missing_legacy_file_counts_as_gone(local_stores, run):
    from tests.retirement.conftest import make_learner

    carol = make_learner(run, "carol", "Carola Vintersol")
    certificate = GeneratedCertificate.objects.get(user=carol)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    storages["legacy_certificates"].delete(paths[0])
    result = learner_retire(user=carol, actor=None)
    assert result.complete and result.pdf_references == [certificate.pk]


def test_a_legacy_file_that_never_existed_is_recorded_as_already_missing_not_deleted(stores, run):
    """An audit trail must not claim a deletion that did not happen: files the references point to but that
    are not in storage are listed apart, under files already missing."""
    from tests.retirement.conftest import make_learner

    carol = make_learner(run, "carol", "Carola Vintersol")
    certificate = GeneratedCertificate.objects.get(user=carol)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    storages["legacy_certificates"].delete(paths[0])

    planned = learner_retire(user=carol, actor=None, dry_run=True)
    result = learner_retire(user=carol, actor=None)

    assert (planned.files_deleted, planned.files_missing) == (paths[1:], paths[:1])
    assert (result.files_deleted, result.files_missing) == (paths[1:], paths[:1])
    record = RetirementRecord.objects.get(pk=result.record_id)
    assert (record.files_deleted, record.files_missing) == (paths[1:], paths[:1])
    assert result.summary()["files_missing"] == paths[:1]


def test_retirement_leaves_no_empty_folder(local_stores, run):
    """A local storage keeps a folder per certificate: retirement removes the ones it emptied (up to the
    storages' roots)."""
    from tests.retirement.conftest import make_learner

    alice = make_learner(run, "alice", "Alicia Zephyrine")
    certificate = GeneratedCertificate.objects.get(user=alice)
    folders = [p for p in local_stores.root.rglob("*") if p.is_dir() and certificate.verify_uuid in p.name]
    assert folders  # the rendered PDF's folder and the legacy cert/<verify_uuid> folder

    learner_retire(user=alice, actor=None)

    assert not any(p.exists() for p in folders)
    roots = {
        local_stores.root / "media",
        local_stores.root / "private",
        local_stores.root / "legacy" / LEGACY_PREFIX,
    }
    empty = [p for p in local_stores.root.rglob("*") if p.is_dir() and not any(p.iterdir())]
    assert set(empty) <= roots
