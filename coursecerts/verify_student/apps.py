from django.apps import AppConfig


class VerifyStudentConfig(AppConfig):
    name = "coursecerts.verify_student"
    label = "verify_student"
    verbose_name = "ID verification"
