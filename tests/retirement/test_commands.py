"""retire_learner, retire_learners and list_pdf_certificate_files, through call_command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.certificates.services.legacy_files import legacy_certificate_paths
from coursecerts.learners.models import LearnerProfile, RetirementRecord
from tests.retirement.conftest import make_learner

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def learners(run, local_stores):
    return make_learner(run, "alice", "Alicia Zephyrine"), make_learner(run, "bob", "Roberto Quillfeather")


def test_retire_learner_dry_run_lists_the_files_and_changes_nothing(learners):
    alice, _ = learners
    certificate = GeneratedCertificate.objects.get(user=alice)
    out = run_command("retire_learner", "alice", "--dry-run")
    assert out.startswith("[DRY RUN]")
    for path in legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    ):
        assert f"delete legacy file {path}" in out
    assert GeneratedCertificate.objects.get(user=alice).name == "Alicia Zephyrine"
    assert not RetirementRecord.objects.exists()


def test_retire_learner_retires_and_names_the_record(learners):
    alice, _ = learners
    out = run_command("retire_learner", "alice")
    record = RetirementRecord.objects.get()
    assert f"Retirement record {record.pk}" in out and "Alicia" not in out
    assert LearnerProfile.objects.get(user=alice).retired_at is not None


def test_retire_learner_says_already_missing_for_a_legacy_file_that_never_existed(learners):
    alice, _ = learners
    certificate = GeneratedCertificate.objects.get(user=alice)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    storages["legacy_certificates"].delete(paths[0])

    planned = run_command("retire_learner", "alice", "--dry-run")
    out = run_command("retire_learner", "alice")

    for printed in (planned, out):
        assert f"legacy file already missing, nothing to delete: {paths[0]}" in printed
        assert f"legacy file {paths[0]}" not in printed
    assert f"deleted legacy file {paths[1]}" in out


def test_retire_learner_rejects_an_unknown_username(learners):
    with pytest.raises(CommandError, match="No learner with username 'nobody'"):
        run_command("retire_learner", "nobody")
    assert not RetirementRecord.objects.exists()


def test_retire_learner_fails_loudly_when_a_file_is_left(learners, local_stores):
    alice, _ = learners
    certificate = GeneratedCertificate.objects.get(user=alice)
    path = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )[0]
    local_stores.refuse_legacy_deletes([path])
    with pytest.raises(CommandError, match="Run the command again"):
        run_command("retire_learner", "alice")


def test_retire_learners_skips_the_retired_reports_unknowns_and_resumes(learners, tmp_path):
    alice, bob = learners
    listing = tmp_path / "usernames.txt"
    listing.write_text("# retirements\nalice\n\nghost\nbob\nalice\n")
    run_command("retire_learner", "alice")  # as if a first run had been stopped after alice
    out = run_command("retire_learners", "--file", str(listing), "--no-progress")
    assert "Unknown usernames (nothing done): ghost" in out
    assert "retired 1, already retired 1, incomplete (run again) 0, unknown 1" in out
    assert LearnerProfile.objects.get(user=bob).retired_at is not None
    assert RetirementRecord.objects.count() == 2


def test_retire_learners_rejects_an_unreadable_or_empty_file(tmp_path, db):
    with pytest.raises(CommandError, match="Cannot read"):
        run_command("retire_learners", "--file", str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n")
    with pytest.raises(CommandError, match="lists no usernames"):
        run_command("retire_learners", "--file", str(empty))


def test_list_pdf_certificate_files_as_csv_and_json(learners):
    alice, bob = learners
    out = run_command("list_pdf_certificate_files", "--usernames", "bob")
    rows = list(csv.DictReader(io.StringIO(out)))
    certificate = GeneratedCertificate.objects.get(user=bob)
    paths = legacy_certificate_paths(
        download_uuid=certificate.download_uuid, verify_uuid=certificate.verify_uuid
    )
    assert [row["path"] for row in rows] == paths
    assert {row["username"] for row in rows} == {"bob"}
    assert paths[0] == f"downloads/{certificate.download_uuid}/Certificate.pdf"
    assert paths[1:] == [
        f"cert/{certificate.verify_uuid}/Certificate.pdf.sig",
        f"cert/{certificate.verify_uuid}/valid.html",
        f"cert/{certificate.verify_uuid}/verify.html",
    ]
    listed = json.loads(
        run_command(
            "list_pdf_certificate_files", "--certificate_ids", str(certificate.pk), "--format", "json"
        )
    )
    assert listed == [
        {
            "certificate_id": certificate.pk,
            "user_id": bob.pk,
            "username": "bob",
            "course_key": str(certificate.course_id),
            "paths": paths,
        }
    ]


def test_list_pdf_certificate_files_follows_the_path_settings(learners, settings):
    settings.LEGACY_CERT_PDF_PATH = "pdfs/{download_uuid}.pdf"
    certificate = GeneratedCertificate.objects.get(user__username="alice")
    out = run_command("list_pdf_certificate_files", "--certificate_ids", str(certificate.pk))
    assert f"pdfs/{certificate.download_uuid}.pdf" in out


def test_list_pdf_certificate_files_rejects_bad_ids(db):
    with pytest.raises(CommandError, match="must be positive integers"):
        run_command("list_pdf_certificate_files", "--certificate_ids", "x")


def test_list_pdf_certificate_files_says_when_a_learner_is_unknown_or_nothing_is_found(learners):
    """Not only a header: stderr names the usernames that match no learner and says nothing was found, while
    stdout stays a valid (empty) CSV."""
    out, err = io.StringIO(), io.StringIO()
    call_command("list_pdf_certificate_files", "--usernames", "nobody", stdout=out, stderr=err)
    assert out.getvalue() == "certificate_id,user_id,username,course_key,path\n"
    assert err.getvalue().splitlines() == [
        "No learner with username: nobody",
        "No legacy PDF certificates found (certificates with a download_url or download_uuid).",
    ]


def test_list_pdf_certificate_files_names_only_the_unknown_usernames(learners):
    out, err = io.StringIO(), io.StringIO()
    call_command("list_pdf_certificate_files", "--usernames", "bob", "nobody", stdout=out, stderr=err)
    assert err.getvalue() == "No learner with username: nobody\n"
    assert {row["username"] for row in csv.DictReader(io.StringIO(out.getvalue()))} == {"bob"}


def test_retire_learners_draws_one_progress_bar(learners, tmp_path):
    """The bar is redrawn in place (carriage returns), not printed again on a new line at each update."""
    listing = tmp_path / "learners.txt"
    listing.write_text("alice\nbob\nnobody\n")
    err = io.StringIO()
    call_command("retire_learners", "--file", str(listing), stdout=io.StringIO(), stderr=err)
    output = err.getvalue()
    assert output.count("\n") == 1, output  # one line, ended once the bar closes
    assert "| 3/3 [" in output.split("\r")[-1]
