from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "coursecerts.events.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from coursecerts.events import sinks
        from coursecerts.events.webhooks.delivery import WebhookSink

        sinks.register(WebhookSink())
