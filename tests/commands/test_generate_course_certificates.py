import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coursecerts.certificates.models import CertificateGenerationJob, GeneratedCertificate
from tests.factories import GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("generate_course_certificates", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def learners(course):
    return [
        learner_in_course(course, username="p1"),
        learner_in_course(course, username="f1", percent=0.1, passed=False),
    ]


def test_it_generates_the_course_with_a_progress_bar_and_a_summary(course, learners):
    out, err = run(str(course.id))
    assert "2 learners in 1 chunks" in out and "succeeded: 2/2 learners decided." in out
    assert "downloadable" in out and "Grade below the passing mark" in out
    assert "Generating" in err and "100%" in err
    assert GeneratedCertificate.objects.get().user.username == "p1"


def test_a_dry_run_writes_nothing(course, learners):
    out, _ = run(str(course.id), "--dry-run")
    assert out.startswith("[DRY RUN]") and "downloadable" in out
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_regenerate_by_status(course, learners):
    GeneratedCertificateFactory(user=learners[0], course=course, status="notpassing")
    run(str(course.id), "--statuses", "notpassing")
    assert GeneratedCertificate.objects.get().status == "downloadable"
    assert CertificateGenerationJob.objects.get().history.is_regeneration


@pytest.mark.parametrize("args, message", [
    (["not-a-key"], "is not a valid course key"),
    (["course-v1:edX+Nope+2026"], "Course run course-v1:edX+Nope+2026 does not exist"),
    (["{course}", "--scope", "learners"], "Name at least one learner"),
    (["{course}", "--scope", "learners", "--usernames", "ghost"], "Unknown learners: ghost"),
    (["{course}", "--statuses", "notpassing", "--scope", "all"], "either --statuses"),
])  # fmt: skip
def test_bad_input_is_a_clear_error_and_changes_nothing(course, learners, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*[a.format(course=course.id) for a in args])
    assert not GeneratedCertificate.objects.exists() and not CertificateGenerationJob.objects.exists()


def test_an_unknown_status_is_refused_by_the_parser(course):
    with pytest.raises(CommandError, match="invalid choice"):
        run(str(course.id), "--statuses", "unavailable")


def test_a_failing_chunk_stops_the_command_with_its_error_and_running_it_again_resumes(
    course, monkeypatch, settings
):
    from coursecerts.certificates import selectors

    settings.CERTIFICATE_GENERATION_CHUNK_SIZE = 1
    for name in ("a1", "a2", "a3"):
        learner_in_course(course, username=name)
    original = selectors.course_learner_facts

    def third_chunk_fails(**kwargs):
        if GeneratedCertificate.objects.count() == 2:
            raise RuntimeError("database went away")
        return original(**kwargs)

    monkeypatch.setattr(selectors, "course_learner_facts", third_chunk_fails)
    with pytest.raises(CommandError, match=r"Chunk 2 failed \(RuntimeError: database went away\)"):
        run(str(course.id))
    assert GeneratedCertificate.objects.count() == 2
    monkeypatch.setattr(selectors, "course_learner_facts", original)
    out, _ = run(str(course.id))
    assert "Resuming the unfinished run" in out and "succeeded: 3/3 learners decided." in out
    assert GeneratedCertificate.objects.count() == 3 and CertificateGenerationJob.objects.count() == 1


def test_a_dry_run_writes_who_would_get_what_and_why_to_a_csv_file(course, learners, tmp_path):
    GeneratedCertificateFactory(user=learners[1], course=course, status="unavailable")
    report = tmp_path / "who.csv"
    out, _ = run(str(course.id), "--dry-run", "--output", str(report))
    assert f"One line per learner in {report}" in out
    assert report.read_text().splitlines() == [
        "username,certificate_status,outcome,reason,reason_message",
        "p1,,downloadable,eligible,Passed the course",
        "f1,unavailable,notpassing,not_passing,Grade below the passing mark",
    ]
    assert not CertificateGenerationJob.objects.exists()
    assert GeneratedCertificate.objects.get().status == "unavailable"


def test_output_needs_a_dry_run_and_a_writable_file(course, learners, tmp_path):
    with pytest.raises(CommandError, match="--output writes a dry run's report: add --dry-run"):
        run(str(course.id), "--output", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="Cannot write .*/missing/x.csv: No such file or directory"):
        run(str(course.id), "--dry-run", "--output", str(tmp_path / "missing" / "x.csv"))
    with pytest.raises(CommandError, match="Unknown learners: ghost"):
        run(
            str(course.id),
            "--dry-run",
            "--scope",
            "learners",
            "--usernames",
            "ghost",
            "--output",
            str(tmp_path / "y.csv"),
        )
    assert not (tmp_path / "y.csv").exists()  # no half report
    assert not CertificateGenerationJob.objects.exists()
