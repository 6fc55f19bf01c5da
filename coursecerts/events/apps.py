from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coursecerts.events"
    label = "events"
    verbose_name = "Outbox"

    def ready(self):
        from coursecerts.events import (
            handlers,  # noqa: F401  (a retirement blanks the learner's outgoing events, in its transaction)
            sinks,
        )
        from coursecerts.events.bus import EventBusSink

        sinks.register(EventBusSink())
