from django.apps import AppConfig


class GradesConfig(AppConfig):
    name = "coursecerts.grades"
    label = "grades"
    verbose_name = "Grades"
