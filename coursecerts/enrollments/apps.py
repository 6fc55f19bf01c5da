from django.apps import AppConfig


class EnrollmentsConfig(AppConfig):
    name = "coursecerts.enrollments"
    label = "enrollments"
    verbose_name = "Enrollments"
