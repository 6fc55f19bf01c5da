"""Events in, for operators (ADR 0021): failed events listed, retried and discarded by command and in the admin;
a stream replayed from a position or a time; old inbox rows pruned without losing what orders later events."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coursecerts.certificates.models import GeneratedCertificate
from coursecerts.grades.models import PersistentCourseGrade
from coursecerts.openedx import event_apply
from coursecerts.openedx.models import InboxEvent, InboxStatus
from tests.admin.helpers import admin_url, messages_of
from tests.openedx.events_in.bus import T0, TOPIC, _run_after_commit, consume, enrolled, passing

pytestmark = pytest.mark.django_db


def command(*args) -> str:
    out = StringIO()
    with _run_after_commit[0](execute=True):
        call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def failed(bus, monkeypatch):
    """Two events that failed to apply (the grade writer raised), the writer then mended."""
    original = event_apply.course_grades_bulk_update

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(event_apply, "course_grades_bulk_update", broken)
    enrolled()
    passing()
    consume()
    monkeypatch.setattr(event_apply, "course_grades_bulk_update", original)
    return list(InboxEvent.objects.order_by("id"))


def test_list_shows_failed_events_with_their_errors(failed):
    out = command("inbox_events", "list")
    assert "2 failed event(s)" in out
    assert "RuntimeError: database went away" in out and "course.passing.status.updated.v1" in out


def test_discard_keeps_the_event_and_never_applies_it(failed):
    enrollment, passed = failed
    assert "1 event(s) discarded" in command("inbox_events", "discard", "--id", str(passed.pk))
    command("inbox_events", "retry")
    assert InboxEvent.objects.get(pk=passed.pk).status == InboxStatus.DISCARDED
    assert InboxEvent.objects.get(pk=enrollment.pk).status == InboxStatus.DONE
    assert not GeneratedCertificate.objects.exists()
    with pytest.raises(CommandError, match="--id, or give --all-failed"):
        command("inbox_events", "discard")
    with pytest.raises(CommandError, match="No inbox event with id 999"):
        command("inbox_events", "discard", "--id", "999")


def test_retry_by_id_applies_a_discarded_event(failed):
    command("inbox_events", "discard", "--all-failed")
    out = command("inbox_events", "retry", "--id", str(failed[0].pk), "--id", str(failed[1].pk))
    assert "2 event(s) due again" in out and "2 done" in out
    assert GeneratedCertificate.objects.get().status == "downloadable"


def test_the_admin_lists_failed_events_and_retries_them(failed, client, staff):
    client.force_login(staff)
    page = client.get(admin_url(InboxEvent), {"status__exact": "failed"})
    assert page.status_code == 200 and "RuntimeError: database went away" in page.text
    with _run_after_commit[0](execute=True):
        response = client.post(
            admin_url(InboxEvent),
            {"action": "retry", "_selected_action": [str(e.pk) for e in failed]},
            follow=True,
        )
    assert messages_of(response) == ["2 event(s) retried: 2 applied, 0 skipped, 0 failed"]
    assert GeneratedCertificate.objects.get().status == "downloadable"


def test_replay_from_a_position_records_only_what_is_new(bus):
    enrolled()
    consume()
    first = InboxEvent.objects.get()
    InboxEvent.objects.all().delete()  # as if the inbox had lost it (a restore from an older backup)
    passing()
    out = command("replay_events", "-t", TOPIC, "--from", first.position)
    assert "read 2, new 2; applied 2" in out
    assert GeneratedCertificate.objects.get().status == "downloadable"
    assert "read 2, new 0; applied 0" in command("replay_events", "-t", TOPIC, "--since", "2020-01-01T00:00Z")
    with pytest.raises(CommandError, match="neither a stream message id"):
        command("replay_events", "-t", TOPIC, "--since", "yesterday")


def test_prune_keeps_the_newest_applied_event_that_orders_later_ones(bus):
    enrolled()
    passing(time=T0)
    passing(is_passing=True, time=T0 + timedelta(minutes=1))
    consume()
    InboxEvent.objects.update(received_at=timezone.now() - timedelta(days=30))
    assert "1 event(s) deleted" in command("inbox_events", "prune", "--days", "7")  # the older passing event
    assert InboxEvent.objects.count() == 2
    passing(is_passing=False, time=T0)  # late and older than the kept one
    consume()
    assert PersistentCourseGrade.objects.get().passed is True


def test_retirement_drops_the_personal_data_of_the_learner_s_received_events(bus):
    from coursecerts.certificates.services.retirement import learner_retire

    enrolled()
    passing()
    consume()
    assert "ada@example.org" in str(InboxEvent.objects.values_list("data", flat=True))
    learner_retire(user=GeneratedCertificate.objects.get().user)
    assert list(InboxEvent.objects.values_list("data", flat=True)) == [None, None]
    # Nothing of the learner in any other text column either (the stream's coordinates aside: a test topic's
    # random hex prefix may contain "ada").
    for row in InboxEvent.objects.values():
        texts = [
            value
            for name, value in row.items()
            if isinstance(value, str) and name not in {"topic", "position"}
        ]
        assert not [text for text in texts if "ada" in text.lower()], row
