"""The console's URLs, mounted at /console/ (README "The course-team console")."""

from django.urls import path

from coursecerts.console.views import learners, reports, runs

app_name = "console"

RUN = "<str:course_key>/"

urlpatterns = [
    path("", runs.run_list, name="runs"),
    path(RUN, runs.run_detail, name="run"),
    path(f"{RUN}learners", learners.learner_lookup, name="learners"),
    path(f"{RUN}generation-history.csv", reports.generation_history_csv, name="generation_history_csv"),
]
