from django.apps import AppConfig


class OpenedxConfig(AppConfig):
    name = "coursecerts.openedx"
    label = "openedx"
    verbose_name = "Open edX integration"

    def ready(self):
        from coursecerts.openedx.receivers import receivers_connect

        receivers_connect()
