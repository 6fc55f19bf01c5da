from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "coursecerts.console"
    label = "console"
    verbose_name = "Course-team console"
