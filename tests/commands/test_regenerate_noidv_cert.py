"""regenerate_noidv_cert: re-run generation for `unverified` certificates; returns the count as a string."""

from unittest import mock

import pytest
from django.core.management import CommandError
from django.test import override_settings

from coursecerts.certificates.models import CertificateHistory, CertificateStatuses, GeneratedCertificate
from tests.factories import CourseRunFactory, GeneratedCertificateFactory, learner_in_course

pytestmark = pytest.mark.django_db


def _certificate(course, status, **learner):
    user = learner_in_course(course, **learner)
    return GeneratedCertificateFactory(user=user, course=course, status=status, grade="")


@pytest.fixture
def runs():
    """Run 1: two unverified and one downloadable certificate; run 2: one unverified, one notpassing."""
    first, second = CourseRunFactory(), CourseRunFactory()
    _certificate(first, CertificateStatuses.UNVERIFIED)
    _certificate(first, CertificateStatuses.UNVERIFIED)
    _certificate(first, CertificateStatuses.DOWNLOADABLE)
    _certificate(second, CertificateStatuses.UNVERIFIED)
    _certificate(second, CertificateStatuses.NOTPASSING, percent=0.3, passed=False)
    return first, second


def _statuses(course):
    return sorted(GeneratedCertificate.objects.filter(course=course).values_list("status", flat=True))


@pytest.fixture(autouse=True)
def sleep():
    with mock.patch("time.sleep") as patched:
        yield patched


def test_it_regenerates_unverified_certificates_of_the_given_runs(run, runs):
    first, second = runs

    result = run("regenerate_noidv_cert", "-c", str(first.id), str(second.id))

    assert result.returned == "3"
    assert result.stdout.splitlines()[-1] == "3"
    assert _statuses(first) == ["downloadable"] * 3
    assert _statuses(second) == ["downloadable", "notpassing"]


def test_nothing_is_left_for_a_second_run(run, runs):
    first, second = runs
    run("regenerate_noidv_cert", "-c", str(first.id), str(second.id))

    assert run("regenerate_noidv_cert", "-c", str(first.id), str(second.id)).returned == "0"


def test_one_run_at_a_time(run, runs):
    first, second = runs

    assert run("regenerate_noidv_cert", "-c", str(first.id)).returned == "2"
    assert _statuses(second) == ["notpassing", "unverified"]
    assert run("regenerate_noidv_cert", "-c", str(second.id)).returned == "1"


def test_without_keys_it_regenerates_every_run(run, runs):
    assert run("regenerate_noidv_cert").returned == "3"
    assert not GeneratedCertificate.objects.filter(status=CertificateStatuses.UNVERIFIED).exists()


def test_excluded_runs_are_left_alone(run, runs):
    first, second = runs

    assert run("regenerate_noidv_cert", "--excluded-keys", str(first.id)).returned == "1"
    assert _statuses(first) == ["downloadable", "unverified", "unverified"]
    assert _statuses(second) == ["downloadable", "notpassing"]


def test_it_records_the_command_as_the_source(run, runs):
    first, _ = runs

    run("regenerate_noidv_cert", "-c", str(first.id))

    assert (
        list(CertificateHistory.objects.values_list("source", "status_before", "status_after"))
        == [("regenerate_noidv_cert", "unverified", "downloadable")] * 2
    )


def test_it_counts_certificates_that_stay_unverified_and_says_so(run, runs):
    first, _ = runs

    with override_settings(ENABLE_CERTIFICATES_IDV_REQUIREMENT=True):
        result = run("regenerate_noidv_cert", "-c", str(first.id))

    assert result.returned == "2"
    assert "Outcomes: unverified 2" in result.stdout
    assert _statuses(first) == ["downloadable", "unverified", "unverified"]


def test_it_sleeps_after_every_batch(run, runs, sleep):
    result = run("regenerate_noidv_cert", "--batch_size", "2", "--sleep_seconds", "7")

    assert result.returned == "3"
    assert sleep.call_args_list == [mock.call(7)]


def test_a_batch_of_one_sleeps_after_each_certificate(run, runs, sleep):
    run("regenerate_noidv_cert", "--batch_size", "1", "--sleep_seconds", "0")

    assert sleep.call_args_list == [mock.call(0)] * 3


def test_by_default_it_sleeps_20_seconds_every_200_certificates(run, runs, sleep):
    run("regenerate_noidv_cert")

    sleep.assert_not_called()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["-c", "course-v1:edX+A+1", "--excluded-keys", "course-v1:edX+B+1"],
            "You may not specify both course keys and excluded course keys.",
        ),
        (["-c", "blah"], "blah is not a valid course-key"),
        (["--excluded-keys", "bleh"], "bleh is not a valid course-key"),
        (["-c", "course-v1:edX+Nowhere+2026"], "No course run with key: course-v1:edX+Nowhere+2026"),
        (
            ["--excluded-keys", "course-v1:edX+Nowhere+2026"],
            "No course run with key: course-v1:edX+Nowhere+2026",
        ),
        (["--batch_size", "0"], "--batch_size must be at least 1 and --sleep_seconds at least 0"),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(run, runs, arguments, message):
    with pytest.raises(CommandError) as error:
        run("regenerate_noidv_cert", *arguments)

    assert str(error.value) == message
    assert GeneratedCertificate.objects.filter(status=CertificateStatuses.UNVERIFIED).count() == 3


def test_console_script_prints_the_count(console):
    completed = console("regenerate_noidv_cert")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "0\n"


def test_console_script_exits_non_zero_on_a_malformed_key(console):
    completed = console("regenerate_noidv_cert", "-c", "blah")

    assert completed.returncode == 1
    assert "CommandError: blah is not a valid course-key" in completed.stderr
