"""The console's URLs, mounted at /console/ (README "The course-team console")."""

from django.urls import path

from coursecerts.console.views import configuration, exceptions, generation, learners, reports, runs

app_name = "console"

RUN = "<str:course_key>/"

urlpatterns = [
    path("", runs.run_list, name="runs"),
    path(RUN, runs.run_detail, name="run"),
    path(f"{RUN}exceptions", exceptions.exceptions, name="exceptions"),
    path(f"{RUN}configuration", configuration.configuration, name="configuration"),
    path(f"{RUN}learners", learners.learner_lookup, name="learners"),
    path(f"{RUN}generate", generation.generate, name="generate"),
    path(f"{RUN}generate/dry-run.csv", generation.dry_run_csv, name="dry_run_csv"),
    path(f"{RUN}jobs/<uuid:job_id>/", generation.job_detail, name="job"),
    path(f"{RUN}jobs/<uuid:job_id>/progress", generation.job_progress, name="job_progress"),
    path(f"{RUN}generation-history.csv", reports.generation_history_csv, name="generation_history_csv"),
]
