"""modify_cert_template: replace the first occurrence of a text in certificate templates, in a Celery task."""

import logging

import pytest
from django.core.management import CommandError

from coursecerts import celery_app
from coursecerts.certificates.management.commands.modify_cert_template import Command
from coursecerts.certificates.models import (
    CertificateTemplate,
    ModifiedCertificateTemplateCommandConfiguration,
)
from tests.factories import CertificateTemplateFactory

pytestmark = pytest.mark.django_db

OLD, NEW = "Course Certificate", "Certificate of Achievement"


@pytest.fixture
def templates():
    """One template with the text twice, one without it."""
    with_text = CertificateTemplateFactory(
        template="<h1>Course Certificate</h1>\n<p>Course Certificate</p>\n"
    )
    without_text = CertificateTemplateFactory(template="<h1>Diploma</h1>\n")
    return with_text, without_text


def _sources():
    return dict(CertificateTemplate.objects.values_list("pk", "template"))


def test_it_replaces_only_the_first_occurrence_and_summarises(run, templates):
    with_text, without_text = templates

    result = run(
        "modify_cert_template",
        "--old-text",
        OLD,
        "--new-text",
        NEW,
        "--templates",
        with_text.pk,
        without_text.pk,
        "999999",
    )

    assert _sources() == {
        with_text.pk: "<h1>Certificate of Achievement</h1>\n<p>Course Certificate</p>\n",
        without_text.pk: "<h1>Diploma</h1>\n",
    }
    assert result.returned == (
        f"Changed: 1 ({with_text.pk})\n"
        f"Unchanged (old text not found): 1 ({without_text.pk})\n"
        "Missing (no such template): 1 (999999)"
    )


def test_missing_templates_are_logged(run, templates, caplog):
    with caplog.at_level(logging.INFO):
        run("modify_cert_template", "--old-text", OLD, "--new-text", NEW, "--templates", "999999")

    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "Template 999999 could not be found"
    ]


def test_a_dry_run_prints_a_diff_and_saves_nothing(run, templates, caplog):
    with_text, _ = templates
    before = _sources()

    with caplog.at_level(logging.INFO):
        result = run(
            "modify_cert_template",
            "--old-text",
            OLD,
            "--new-text",
            NEW,
            "--templates",
            with_text.pk,
            "--dry-run",
        )

    assert _sources() == before
    diff = (
        f"--- template {with_text.pk} (old)\n"
        f"+++ template {with_text.pk} (new)\n"
        "@@ -1,2 +1,2 @@\n"
        "-<h1>Course Certificate</h1>\n"
        "+<h1>Certificate of Achievement</h1>\n"
        " <p>Course Certificate</p>"
    )
    assert result.stdout.startswith(diff + "\n")
    assert f"Would change: 1 ({with_text.pk})" in result.returned
    messages = [r.getMessage() for r in caplog.records]
    assert f"DRY-RUN: Not making the following template change to {with_text.pk}." in messages
    assert diff in messages


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--templates", "1"], "You must specify --old-text, --new-text"),
        (["--old-text", OLD], "You must specify --new-text, --templates"),
        (["--old-text", OLD, "--new-text", NEW], "You must specify --templates"),
        (["--old-text", "", "--new-text", NEW, "--templates", "1"], "--old-text must not be empty"),
        (
            ["--old-text", OLD, "--new-text", OLD, "--templates", "1"],
            "--old-text and --new-text are the same: nothing to change",
        ),
        (
            ["--old-text", OLD, "--new-text", NEW, "--templates", "1", "one"],
            "Template ids must be positive integers, got: 'one'",
        ),
    ],
)
def test_bad_input_is_a_clear_error_and_changes_nothing(run, templates, arguments, message):
    before = _sources()

    with pytest.raises(CommandError) as error:
        run("modify_cert_template", *arguments)

    assert str(error.value) == message
    assert _sources() == before


def test_new_text_may_be_empty_to_delete_text(run, templates):
    with_text, _ = templates

    run(
        "modify_cert_template",
        "--old-text",
        "<p>Course Certificate</p>\n",
        "--new-text",
        "",
        "--templates",
        with_text.pk,
    )

    assert CertificateTemplate.objects.get(pk=with_text.pk).template == "<h1>Course Certificate</h1>\n"


def _store(arguments, *, enabled=True):
    ModifiedCertificateTemplateCommandConfiguration.objects.create(arguments=arguments, enabled=enabled)


def test_args_from_database_replace_the_command_line(run, templates):
    with_text, _ = templates
    _store(f'--old-text "{OLD}" --new-text "{NEW}" --templates {with_text.pk}')

    run(
        "modify_cert_template",
        "--args-from-database",
        "--dry-run",
        "--old-text",
        "x",
        "--new-text",
        "y",
        "--templates",
        "1",
    )

    assert CertificateTemplate.objects.get(pk=with_text.pk).template.startswith(
        "<h1>Certificate of Achievement"
    )


def test_args_from_database_need_an_enabled_configuration(run, templates):
    with_text, _ = templates
    _store(f'--old-text "{OLD}" --new-text "{NEW}" --templates {with_text.pk}', enabled=False)
    before = _sources()

    with pytest.raises(
        CommandError,
        match="^ModifiedCertificateTemplateCommandConfiguration is disabled, but "
        "--args-from-database was requested$",
    ):
        run("modify_cert_template", "--args-from-database")

    assert _sources() == before


def test_stored_arguments_that_cannot_be_split_are_an_error(run, templates):
    _store('--old-text "unterminated --new-text x --templates 1')

    with pytest.raises(CommandError, match="cannot be split: No closing quotation"):
        run("modify_cert_template", "--args-from-database")


def test_with_a_broker_it_only_queues_the_task(run, templates, monkeypatch):
    with_text, _ = templates
    before = _sources()
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    result = run("modify_cert_template", "--old-text", OLD, "--new-text", NEW, "--templates", with_text.pk)

    assert _sources() == before  # no worker ran it
    assert result.returned.startswith("Queued task ")


def test_help_warns_that_it_is_a_raw_string_replacement():
    assert "DANGEROUS" in Command.help
    assert "raw string replacement" in Command.help
    assert "--dry-run" in Command.help


def test_modify_cert_template_dry_run_prints_no_log_lines_without_a_broker(console):
    """No INFO lines and no kombu "No hostname was supplied" warning when Celery runs in-process."""
    completed = console(
        "modify_cert_template", "--old-text", "a", "--new-text", "b", "--templates", "1", "--dry-run"
    )

    assert completed.returncode == 0, completed.stderr
    assert "kombu" not in completed.stderr and "INFO" not in completed.stderr
    assert "Missing (no such template): 1 (1)" in completed.stdout
