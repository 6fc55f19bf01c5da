from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "coursecerts.events"
    label = "events"
    verbose_name = "Outbox"
