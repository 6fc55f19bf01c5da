"""Where outgoing events go: the sink interface and its registry (ADR 0015).

An app that delivers events somewhere registers one sink in its AppConfig.ready(): the Open edX event bus
(events.bus, this app) and the webhook endpoints (events.webhooks). The relay (events.relay) hands every sink
the outgoing events in order and keeps, per sink, a cursor of how far it got (SinkCursor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from coursecerts.events.models import OutgoingEvent


class Sink(Protocol):
    name: str  # the SinkCursor name: "event_bus", "webhooks"
    # Optional: OutgoingEvent fields the sink never reads, left unloaded by the relay.
    # deferred_fields: tuple[str, ...]

    def enabled(self) -> bool:
        """Whether events are owed to this sink now (the bus: EVENT_BUS_PRODUCER set; webhooks: an active
        endpoint). Events written while a sink is disabled are not owed to it: its cursor moves past them."""
        ...

    def enqueue(self, events: list[OutgoingEvent]) -> None:
        """The durable hand-over of these events, in order: returns once they are delivered or stored for
        delivery, raises otherwise. It runs inside the transaction that moves the sink's cursor, so database
        writes it makes commit with the cursor; the cursor moves only after it returns."""
        ...

    def run_due(self) -> int:
        """Deliveries and retries due now (outside any cursor lock); returns how many were done (0 for a sink
        whose enqueue delivers, such as the bus)."""
        ...


_SINKS: dict[str, Sink] = {}


def register(sink: Sink) -> None:
    """Register a sink (again under the same name: replaces it)."""
    _SINKS[sink.name] = sink


def unregister(name: str) -> None:
    _SINKS.pop(name, None)


def registered() -> list[Sink]:
    return list(_SINKS.values())


def get(name: str) -> Sink | None:
    return _SINKS.get(name)
