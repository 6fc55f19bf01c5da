"""The runs a person works on, at a glance, and one run's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from coursecerts.certificates.models import CertificateGenerationJob
from coursecerts.console.access import can_act, course_run_for
from coursecerts.console.selectors import run_summaries
from coursecerts.courses.access import course_runs_readable

RUNS_PER_PAGE = 25


@login_required
@require_GET
def run_list(request):
    """Every run the person has a role in (all of them for global staff), with its counts; none for anyone else."""
    page = Paginator(course_runs_readable(request.user), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "console/run_list.html", {"page": page, "summaries": run_summaries(list(page.object_list))}
    )


@login_required
@require_GET
def run_detail(request, course_key):
    run = course_run_for(request, course_key)
    (summary,) = run_summaries([run])
    jobs = CertificateGenerationJob.objects.filter(course=run).order_by("-created")[:5]
    context = {"run": run, "summary": summary, "jobs": jobs, "can_act": can_act(request.user, run)}
    return render(request, "console/run_detail.html", context)
