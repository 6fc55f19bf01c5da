from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API: Open edX v0 reads, v1 data in and course-team operations, bearer tokens."""

    name = "coursecerts.api"
    label = "api"
    verbose_name = "API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from coursecerts.api import schema  # noqa: F401  (registers the bearer scheme with drf-spectacular)
