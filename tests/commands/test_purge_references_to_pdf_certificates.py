"""purge_references_to_pdf_certificates: blank the PDF columns of exactly the named certificates."""

import logging
import uuid

import pytest
from django.core.management import CommandError
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from coursecerts.certificates.models import (
    CertificateHistory,
    CertificateStatuses,
    GeneratedCertificate,
    PurgeReferencestoPDFCertificatesCommandConfiguration,
)
from coursecerts.common import signals
from tests.factories import GeneratedCertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMAND_LOGGER = "coursecerts.certificates.management.commands.purge_references_to_pdf_certificates"
MESSAGE = "Purging download_url and download_uri from the following certificate records: {}"


@pytest.fixture
def certificates():
    """Three legacy PDF certificates of one learner, in different statuses."""
    user = UserFactory()
    return [
        GeneratedCertificateFactory(
            user=user,
            status=status,
            grade=grade,
            download_url=f"http://example.com/{n}",
            download_uuid=uuid.uuid4().hex,
            key=f"key{n}",
            error_reason=f"reason {n}",
        )
        for n, (status, grade) in enumerate(
            [
                (CertificateStatuses.DOWNLOADABLE, "1.0"),
                (CertificateStatuses.NOTPASSING, "0.2"),
                (CertificateStatuses.UNAVAILABLE, "0.9"),
            ],
            start=1,
        )
    ]


def _rows():
    return {row["id"]: row for row in GeneratedCertificate.objects.values()}


def _ids(*certificates):
    return [str(certificate.pk) for certificate in certificates]


def test_it_blanks_only_the_two_columns_of_exactly_the_named_certificates(run, certificates):
    first, second, third = certificates
    before = _rows()

    result = run("purge_references_to_pdf_certificates", "--certificate_ids", second.pk, third.pk)

    after = _rows()
    assert after[first.pk] == before[first.pk]
    for certificate in (second, third):
        assert after[certificate.pk]["download_url"] == ""
        assert after[certificate.pk]["download_uuid"] == ""
        unchanged = {
            k: v for k, v in before[certificate.pk].items() if k not in ("download_url", "download_uuid")
        }
        assert {k: after[certificate.pk][k] for k in unchanged} == unchanged  # status, modified_date, ...
    assert result.returned == "2 rows changed"


def test_it_logs_the_ids_at_info_before_updating(run, certificates, caplog):
    _, second, third = certificates

    with caplog.at_level(logging.INFO):
        run("purge_references_to_pdf_certificates", "--certificate_ids", second.pk, third.pk)

    first_record = caplog.records[0]
    assert (first_record.name, first_record.levelno) == (COMMAND_LOGGER, logging.INFO)
    assert first_record.msg == MESSAGE.format(_ids(second, third))


def _updates(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_it_purges_with_one_bulk_update(run, certificates):
    with CaptureQueriesContext(connection) as queries:
        run("purge_references_to_pdf_certificates", "--certificate_ids", *[c.pk for c in certificates])

    assert len(_updates(queries)) == 1


def test_it_writes_no_history_and_sends_no_signals(run, certificates):
    received = []

    def receiver(**kwargs):
        received.append(kwargs)

    post_save.connect(receiver, sender=GeneratedCertificate, weak=False)
    signals.COURSE_CERT_CHANGED.connect(receiver, weak=False)
    try:
        run("purge_references_to_pdf_certificates", "--certificate_ids", *[c.pk for c in certificates])
    finally:
        post_save.disconnect(receiver, sender=GeneratedCertificate)
        signals.COURSE_CERT_CHANGED.disconnect(receiver)

    assert received == []
    assert not CertificateHistory.objects.exists()


def test_a_dry_run_changes_nothing_and_says_what_would_change(run, certificates, caplog):
    third = certificates[2]
    before = _rows()

    with caplog.at_level(logging.INFO), CaptureQueriesContext(connection) as queries:
        result = run("purge_references_to_pdf_certificates", "--dry-run", "--certificate_ids", third.pk)

    assert _rows() == before
    assert _updates(queries) == []
    assert caplog.records[0].msg == "[DRY RUN] " + MESSAGE.format(_ids(third))
    assert f"Would purge download_url and download_uuid of 1 records: {third.pk}" in result.stdout
    assert result.returned == "0 rows changed"


def test_unknown_ids_are_reported_and_the_others_purged(run, certificates, caplog):
    first = certificates[0]

    with caplog.at_level(logging.INFO):
        result = run(
            "purge_references_to_pdf_certificates", "--certificate_ids", first.pk, "999998", "999999"
        )

    assert GeneratedCertificate.objects.get(pk=first.pk).download_url == ""
    assert "Not found (nothing purged): 999998, 999999" in result.stdout
    assert result.returned == "1 rows changed"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["These certificate records do not exist, nothing purged for them: [999998, 999999]"]


def test_rows_already_purged_are_not_counted_as_changed(run, certificates):
    first = certificates[0]
    run("purge_references_to_pdf_certificates", "--certificate_ids", first.pk)

    assert (
        run("purge_references_to_pdf_certificates", "--certificate_ids", first.pk).returned
        == "0 rows changed"
    )


def test_no_ids_is_an_error(run, certificates):
    with pytest.raises(CommandError, match="^You must specify one or more certificate IDs$"):
        run("purge_references_to_pdf_certificates")


def test_ids_that_are_not_integers_are_an_error_naming_them_and_nothing_changes(run, certificates):
    before = _rows()

    with pytest.raises(CommandError) as error:
        run("purge_references_to_pdf_certificates", "--certificate_ids", certificates[0].pk, "abc", "1.5")

    assert str(error.value) == "Certificate IDs must be positive integers, got: 'abc', '1.5'"
    assert _rows() == before


def _store(arguments, *, enabled=True):
    PurgeReferencestoPDFCertificatesCommandConfiguration.objects.create(arguments=arguments, enabled=enabled)


def test_args_from_database_replace_the_command_line(run, certificates):
    first, second, _ = certificates
    _store(f"--certificate_ids {second.pk}")

    # The --dry-run typed here is replaced by the stored arguments, which have none: the purge happens.
    run(
        "purge_references_to_pdf_certificates",
        "--args-from-database",
        "--dry-run",
        "--certificate_ids",
        first.pk,
    )

    rows = _rows()
    assert rows[second.pk]["download_url"] == ""
    assert rows[first.pk]["download_url"] == "http://example.com/1"


def test_a_stored_dry_run_changes_nothing(run, certificates, caplog):
    second = certificates[1]
    _store(f"--dry-run --certificate_ids {second.pk}")
    before = _rows()

    with caplog.at_level(logging.INFO):
        run("purge_references_to_pdf_certificates", "--args-from-database")

    assert _rows() == before
    assert caplog.records[0].msg == "[DRY RUN] " + MESSAGE.format(_ids(second))


def test_args_from_database_need_an_enabled_configuration(run, certificates):
    _store(f"--certificate_ids {certificates[0].pk}", enabled=False)
    before = _rows()

    with pytest.raises(
        CommandError,
        match="^PurgeReferencestoPDFCertificatesCommandConfiguration is disabled, but "
        "--args-from-database was requested$",
    ):
        run("purge_references_to_pdf_certificates", "--args-from-database")

    assert _rows() == before


def test_stored_arguments_without_ids_are_the_same_error(run, certificates):
    _store("--dry-run")

    with pytest.raises(CommandError, match="^You must specify one or more certificate IDs$"):
        run("purge_references_to_pdf_certificates", "--args-from-database")


def test_console_script_exits_non_zero_without_ids(console):
    completed = console("purge_references_to_pdf_certificates")

    assert completed.returncode == 1
    assert "CommandError: You must specify one or more certificate IDs" in completed.stderr


def test_console_script_reports_unknown_ids(console):
    completed = console("purge_references_to_pdf_certificates", "--certificate_ids", "424242")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == "Not found (nothing purged): 424242\n0 rows changed\n"
