"""cert_generation: generate certificates for given learners in one run, through the eligibility rules."""

import logging

import pytest
from django.core.management import CommandError

from coursecerts.certificates.models import (
    CertificateGenerationCommandConfiguration,
    CertificateHistory,
    CertificateStatuses,
    GeneratedCertificate,
)
from tests.factories import GradeFactory, UserFactory, learner_in_course

pytestmark = pytest.mark.django_db

COMMAND_LOGGER = "coursecerts.certificates.management.commands.cert_generation"


def _store_arguments(arguments: str, *, enabled: bool = True) -> None:
    CertificateGenerationCommandConfiguration.objects.create(arguments=arguments, enabled=enabled)


def test_it_generates_for_eligible_learners_and_explains_the_others(run, course):
    passing = learner_in_course(course, mode="verified", username="passing")
    honor = learner_in_course(course, mode="honor", username="honor")
    auditor = learner_in_course(course, mode="audit", username="auditor")
    failing = learner_in_course(course, percent=0.3, passed=False, username="failing")

    result = run("cert_generation", "-u", passing.id, honor.id, auditor.id, failing.id, "-c", str(course.id))

    statuses = dict(GeneratedCertificate.objects.values_list("user__username", "status"))
    assert statuses == {
        "passing": CertificateStatuses.DOWNLOADABLE,
        "honor": CertificateStatuses.DOWNLOADABLE,
    }
    lines = result.stdout.splitlines()
    assert "passing\tdownloadable\tPassed the course" in lines
    assert "auditor\tno_certificate\tEnrollment mode does not lead to a certificate" in lines
    assert "failing\tno_certificate\tGrade below the passing mark" in lines
    assert result.returned == "Totals: downloadable 2, no_certificate 2"
    assert lines[-1] == result.returned


def test_it_records_the_command_as_the_source_of_the_change(run, course):
    learner = learner_in_course(course)

    run("cert_generation", "-u", learner.id, "-c", str(course.id))

    assert list(CertificateHistory.objects.values_list("source", "status_after")) == [
        ("cert_generation", CertificateStatuses.DOWNLOADABLE)
    ]


def test_running_it_again_changes_nothing(run, course):
    learner = learner_in_course(course)
    run("cert_generation", "-u", learner.id, "-c", str(course.id))
    certificate = GeneratedCertificate.objects.get()

    again = run("cert_generation", "-u", learner.id, "-c", str(course.id))

    assert GeneratedCertificate.objects.get().verify_uuid == certificate.verify_uuid
    assert CertificateHistory.objects.count() == 1
    assert f"{learner.username}\tdownloadable\tAlready holds a downloadable certificate" in again.stdout


def test_it_reports_and_skips_unknown_user_ids(run, course, caplog):
    learner = learner_in_course(course)

    with caplog.at_level(logging.INFO, logger=COMMAND_LOGGER):
        result = run("cert_generation", "-u", "999999", learner.id, "-c", str(course.id))

    assert GeneratedCertificate.objects.get().user == learner
    assert "999999\tunknown_user\tno user with this id" in result.stdout.splitlines()
    assert result.returned == "Totals: downloadable 1, unknown_user 1"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == COMMAND_LOGGER]
    assert [r.getMessage() for r in warnings] == ["User 999999 could not be found"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-c", "course-v1:edX+C0+2026"], "You must specify a list of users"),
        (["-u", "1"], "You must specify a course-key"),
        (
            ["-u", "1", "-c", "not a key"],
            "You must specify a valid course-key, got 'not a key' (a key looks like course-v1:Org+Course+Run)",
        ),
        (
            ["-u", "1", "-c", "course-v1:edX+Nowhere+2026"],
            "Course run course-v1:edX+Nowhere+2026 does not exist",
        ),
        (
            ["-u", "1", "abc", "2.5", "-c", "course-v1:edX+C0+2026"],
            "User ids must be positive integers, got: 'abc', '2.5' (-u takes user ids, not usernames)",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(run, course, arguments, message):
    learner_in_course(course, username="eligible")

    with pytest.raises(CommandError) as error:
        run("cert_generation", *arguments)

    assert str(error.value) == message
    assert not GeneratedCertificate.objects.exists()


def test_a_username_given_to_u_is_refused_with_its_user_id(run, course):
    """-u takes user ids; an operator who typed a username learns so, and which id to type instead."""
    learner = learner_in_course(course, username="demo-learner-0012")

    with pytest.raises(CommandError) as error:
        run("cert_generation", "-u", "demo-learner-0012", "-c", str(course.id))

    assert str(error.value) == (
        "User ids must be positive integers, got: 'demo-learner-0012' "
        f"(-u takes user ids, not usernames: demo-learner-0012 is user id {learner.id})"
    )
    assert not GeneratedCertificate.objects.exists()


def test_the_help_says_u_takes_user_ids(run):
    from coursecerts.certificates.management.commands.cert_generation import Command

    help_text = Command().create_parser("coursecerts", "cert_generation").format_help()

    assert "USER_ID" in help_text and "not usernames" in help_text


def test_args_from_database_replace_the_command_line(run, course):
    stored = learner_in_course(course, username="stored")
    typed = learner_in_course(course, username="typed")
    _store_arguments(f"-u {stored.id} -c {course.id}")

    run("cert_generation", "--args-from-database", "-u", typed.id, "-c", str(course.id))

    assert list(GeneratedCertificate.objects.values_list("user__username", flat=True)) == ["stored"]


def test_args_from_database_need_an_enabled_configuration(run, course):
    learner = learner_in_course(course)
    _store_arguments(f"-u {learner.id} -c {course.id}", enabled=False)

    with pytest.raises(
        CommandError,
        match="^CertificateGenerationCommandConfiguration is disabled, but "
        "--args-from-database was requested$",
    ):
        run("cert_generation", "--args-from-database")

    assert not GeneratedCertificate.objects.exists()


def test_args_from_database_without_any_configuration_is_an_error(run):
    with pytest.raises(CommandError, match="is disabled"):
        run("cert_generation", "--args-from-database")


def test_unparsable_stored_arguments_are_a_clear_error(run, course):
    learner = learner_in_course(course)
    _store_arguments(f"-u {learner.id} -c {course.id} --no-such-option")

    with pytest.raises(
        CommandError,
        match="arguments stored in CertificateGenerationCommandConfiguration .* are "
        "invalid: .*--no-such-option",
    ):
        run("cert_generation", "--args-from-database")

    assert not GeneratedCertificate.objects.exists()


def test_stored_arguments_are_checked_like_typed_ones(run, course):
    _store_arguments("-u 1")

    with pytest.raises(CommandError, match="^You must specify a course-key$"):
        run("cert_generation", "--args-from-database")


def test_a_graded_user_without_enrollment_gets_no_certificate(run, course):
    outsider = UserFactory(username="outsider")
    GradeFactory(user=outsider, course=course)

    result = run("cert_generation", "-u", outsider.id, "-c", str(course.id))

    assert not GeneratedCertificate.objects.exists()
    assert "outsider\tno_certificate\tNot enrolled in the course" in result.stdout


def test_console_script_exits_non_zero_with_the_error(console):
    completed = console("cert_generation", "-u", "1", "-c", "not-a-key")

    assert completed.returncode == 1
    assert "CommandError: You must specify a valid course-key, got 'not-a-key'" in completed.stderr


def test_console_script_rejects_an_unknown_course(console):
    completed = console("cert_generation", "-u", "1", "-c", "course-v1:edX+Nowhere+2026")

    assert completed.returncode == 1
    assert "CommandError: Course run course-v1:edX+Nowhere+2026 does not exist" in completed.stderr


def test_console_script_rejects_a_missing_option_value(console):
    completed = console("cert_generation", "-u", "1", "-c")

    assert completed.returncode == 2
    assert "argument -c/--course-key: expected one argument" in completed.stderr
