"""purge_pii_from_generatedcertificates: blank retired learners' names on certificates and in history."""

import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from coursecerts.certificates.models import CertificateHistory, GeneratedCertificate
from coursecerts.certificates.services import certificate_generation_attempt
from tests.factories import learner_in_course

pytestmark = pytest.mark.django_db

COMMAND_LOGGER = "coursecerts.certificates.management.commands.purge_pii_from_generatedcertificates"


def _learner_with_certificate(course, name, **profile):
    """A learner whose certificate was issued by the services, so its history holds the name; plus an older
    history row where the name changed (name_before and name_after both set)."""
    user = learner_in_course(course, profile__name=name, **{f"profile__{k}": v for k, v in profile.items()})
    certificate_generation_attempt(user=user, course_run=course, source="test")
    certificate = GeneratedCertificate.objects.get(user=user)
    CertificateHistory.objects.create(
        certificate=certificate, source="admin", name_before="Old Name", name_after=name
    )
    return user


@pytest.fixture
def active(course):
    return _learner_with_certificate(course, "Teysa Karlov")


@pytest.fixture
def retired(course):
    return _learner_with_certificate(course, "Nicol Bolas", retired_at=timezone.now())


def _certificate_name(user):
    return GeneratedCertificate.objects.get(user=user).name


def _history_names(user):
    return sorted(
        name
        for pair in CertificateHistory.objects.filter(certificate__user=user).values_list(
            "name_before", "name_after"
        )
        for name in pair
    )


def _everything():
    return list(GeneratedCertificate.objects.values()), list(CertificateHistory.objects.values())


@pytest.mark.parametrize("redact_history", [True, False])
def test_it_blanks_the_name_of_retired_learners_only(run, active, retired, redact_history):
    active_history = _history_names(active)
    retired_history = _history_names(retired)

    with override_settings(REDACT_CERTIFICATES_HISTORICAL_PII=redact_history):
        result = run("purge_pii_from_generatedcertificates")

    assert _certificate_name(active) == "Teysa Karlov"
    assert _history_names(active) == active_history
    assert _certificate_name(retired) == ""
    if redact_history:
        assert set(_history_names(retired)) == {""}
    else:
        assert _history_names(retired) == retired_history == ["", "Nicol Bolas", "Nicol Bolas", "Old Name"]
    history_rows = 2 if redact_history else 0
    assert (
        result.returned
        == f"Blanked the name on 1 certificates and {history_rows} history rows of 1 retired learners"
    )


def test_it_changes_no_other_field_and_writes_no_history(run, retired):
    certificate = GeneratedCertificate.objects.values().get(user=retired)
    history_count = CertificateHistory.objects.count()

    run("purge_pii_from_generatedcertificates")

    assert GeneratedCertificate.objects.values().get(user=retired) == {**certificate, "name": ""}
    assert CertificateHistory.objects.count() == history_count


def test_it_logs_a_warning_naming_the_users(run, active, retired, caplog):
    with caplog.at_level(logging.INFO):
        run("purge_pii_from_generatedcertificates")

    warnings = [(r.name, r.msg) for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        (
            COMMAND_LOGGER,
            f"Purging `name` from the certificate records of the following users: [{retired.id}]",
        )
    ]


@override_settings(REDACT_CERTIFICATES_HISTORICAL_PII=True)
def test_redacting_history_logs_a_second_warning(run, retired, caplog):
    with caplog.at_level(logging.INFO):
        run("purge_pii_from_generatedcertificates")

    warnings = [r.msg for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"Purging `name` from the certificate records of the following users: [{retired.id}]",
        f"Purging `name` from the certificate history records of the following users: [{retired.id}]",
    ]


@pytest.mark.parametrize("redact_history", [True, False])
def test_a_dry_run_changes_nothing_and_logs_who_would_be_purged(run, active, retired, caplog, redact_history):
    before = _everything()

    with override_settings(REDACT_CERTIFICATES_HISTORICAL_PII=redact_history), caplog.at_level(logging.INFO):
        result = run("purge_pii_from_generatedcertificates", "--dry-run")

    assert _everything() == before
    first = caplog.records[0]
    assert (first.name, first.levelno) == (COMMAND_LOGGER, logging.INFO)
    assert first.msg == (
        "DRY RUN: running this management command would purge `name` data from the following users: "
        f"[{retired.id}]"
    )
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    history_rows = 2 if redact_history else 0
    assert result.returned == (
        f"Would blank the name on 1 certificates and {history_rows} history rows of 1 retired learners"
    )


def test_without_retired_learners_nothing_changes(run, active, caplog):
    before = _everything()

    with caplog.at_level(logging.INFO):
        result = run("purge_pii_from_generatedcertificates")

    assert _everything() == before
    assert caplog.records[0].msg == "Purging `name` from the certificate records of the following users: []"
    assert result.returned == "Blanked the name on 0 certificates and 0 history rows of 0 retired learners"
