from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "coursecerts.courses"
    label = "courses"
    verbose_name = "Courses"
