"""The relay hands each sink every event once, in order; a failing hand-over moves nothing; an id committed
late (below the cursor) is still handed over; old events are pruned only once every sink has them."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from coursecerts.events import sinks
from coursecerts.events.models import EventTypes, OutgoingEvent, SinkCursor
from coursecerts.events.relay import (
    hand_over,
    newest_event_id,
    outgoing_events_prune,
    relay_once,
    sink_states,
)

pytestmark = pytest.mark.django_db


class RecordingSink:
    """A sink that records what it is handed (and fails while `failing` is set)."""

    def __init__(self, name="recording"):
        self.name, self.handed, self.failing = name, [], None

    def enabled(self):
        return True

    def enqueue(self, events):
        if self.failing:
            raise ConnectionError(self.failing)
        self.handed.extend(event.id for event in events)

    def run_due(self):
        return 0


@pytest.fixture
def sink():
    recording = RecordingSink()
    sinks.register(recording)
    SinkCursor.objects.all().delete()  # only this sink's cursor (the installed email sink's would hold events)
    SinkCursor.objects.create(name=recording.name, position=newest_event_id())
    yield recording
    sinks.unregister(recording.name)


def event(pk=None, **fields):
    now = timezone.now()
    return OutgoingEvent.objects.create(
        id=pk, event_type=EventTypes.CERTIFICATE_CREATED, time=now, course_key="course-v1:a+b+c", user_id=1,
        data={}, **fields,
    )  # fmt: skip


def test_events_are_handed_over_once_in_order_in_batches(sink):
    ids = [event().id for _ in range(5)]
    with override_settings(EVENT_RELAY_BATCH_SIZE=2):
        (outcome,) = relay_once(names=["recording"])
        relay_once(names=["recording"])
    assert (outcome.handed, sink.handed) == (5, ids)
    assert SinkCursor.objects.get(name="recording").position == ids[-1]


def test_a_failed_hand_over_moves_nothing_and_keeps_its_error(sink):
    first = event()
    sink.failing = "receiver down"
    (outcome,) = relay_once(names=["recording"])
    cursor = SinkCursor.objects.get(name="recording")
    assert outcome.error == "ConnectionError: receiver down" and cursor.last_error == outcome.error
    assert cursor.position == 0 and sink.handed == []
    sink.failing = None
    relay_once(names=["recording"])
    assert sink.handed == [first.id]


def test_an_id_committed_after_the_cursor_passed_it_is_still_handed_over(sink):
    """Ids are given at insert, seen at commit: event 11's transaction commits after 12 was relayed."""
    SinkCursor.objects.filter(name="recording").update(position=9)
    event(pk=10), event(pk=12)
    relay_once(names=["recording"])
    assert sink.handed == [10, 12]
    assert [gap[:2] for gap in SinkCursor.objects.get(name="recording").gaps["ranges"]] == [[11, 11]]
    event(pk=11)
    relay_once(names=["recording"])
    relay_once(names=["recording"])
    assert sink.handed == [10, 12, 11]
    assert SinkCursor.objects.get(name="recording").gaps == {}
    (state,) = [s for s in sink_states() if s.name == "recording"]
    assert (state.pending, state.sent) == (0, 3)


def test_a_gap_never_filled_is_dropped_after_event_relay_gap_seconds(sink):
    SinkCursor.objects.filter(name="recording").update(position=19)
    event(pk=20), event(pk=23)
    relay_once(names=["recording"])
    assert [gap[:2] for gap in SinkCursor.objects.get(name="recording").gaps["ranges"]] == [[21, 22]]
    with (
        time_machine.travel(timezone.now() + timedelta(hours=1)),
        override_settings(EVENT_RELAY_GAP_SECONDS=60),
    ):
        relay_once(names=["recording"])
    assert SinkCursor.objects.get(name="recording").gaps == {}


def test_pending_count_and_oldest_age_for_operators(sink):
    relay_once(names=["recording"])
    first = event()
    event()
    (state,) = [s for s in sink_states() if s.name == "recording"]
    assert (state.pending, state.oldest_pending) == (2, first.created)


def test_old_events_are_pruned_only_once_every_sink_has_them(sink):
    old = [event(created=timezone.now() - timedelta(days=30)) for _ in range(3)]
    assert outgoing_events_prune(older_than_days=7) == 0  # the sink has none of them yet
    with override_settings(EVENT_RELAY_BATCH_SIZE=2):
        assert hand_over(sink) == 2
    assert outgoing_events_prune(older_than_days=7) == 2
    assert list(OutgoingEvent.objects.values_list("id", flat=True)) == [old[2].id]


def test_the_admin_shows_each_sink_s_sent_and_pending_events_and_its_last_error(sink, client, staff):
    relay_once(names=["recording"])
    event()
    relay_once(names=["recording"])
    event(), event()
    sink.failing = "receiver down"
    relay_once(names=["recording"])
    client.force_login(staff)
    page = client.get("/admin/events/sinkcursor/").content.decode()
    row = page[page.index(">recording<") :]
    cells = [cell.split(">")[-1] for cell in row.split("</td>")[:6]]
    assert cells[1:3] == ["1", "2"]  # sent, pending
    assert "ago" in cells[3] and "ConnectionError: receiver down" in row


def test_relay_events_runs_until_sigterm_and_finishes_cleanly(sink):
    """The worker form: it sends what appears while it runs, and a SIGTERM stops it with exit status 0."""
    import os
    import signal
    import threading
    from io import StringIO

    from django.core.management import call_command

    first = event()

    def stop_when_sent():
        for _ in range(200):
            if sink.handed:
                break
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=stop_when_sent, daemon=True).start()
    out = StringIO()
    call_command("relay_events", stdout=out)  # returns: no exception, exit status 0
    assert sink.handed == [first.id]
    assert out.getvalue().splitlines()[-1] == "Relay stopped."
    assert signal.getsignal(signal.SIGTERM) == before  # the command's handler is removed again
