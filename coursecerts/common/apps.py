from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "coursecerts.common"
    label = "common"
