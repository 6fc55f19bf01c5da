from django.apps import AppConfig


class LearnersConfig(AppConfig):
    name = "coursecerts.learners"
    label = "learners"
    verbose_name = "Learners"
