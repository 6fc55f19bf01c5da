from django.apps import AppConfig


class OpenedxConfig(AppConfig):
    name = "coursecerts.openedx"
    label = "openedx"
    verbose_name = "Open edX integration"
