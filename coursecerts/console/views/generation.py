"""Generate and regenerate a run's certificates: the dry run (counts by outcome and reason, and a CSV of who
gets what), the confirmed start of a course-wide job, its live progress (polled with htmx; the page of a job is
an address, so a reload shows where it stands) and the run's jobs. The same services as the REST API
(coursecerts/api/v1/generation.py), under the same rule: instructors and global staff act, course staff read."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from coursecerts.certificates.generation_dry_run import LearnerOutcome, course_generation_dry_run
from coursecerts.certificates.generation_selectors import GenerationRequestError, job_get_unfinished
from coursecerts.certificates.models import CertificateGenerationJob
from coursecerts.certificates.services.generation_jobs import course_generation_start
from coursecerts.common.csv_export import SafeWriter
from coursecerts.console.access import can_act, course_run_for
from coursecerts.console.forms import GenerateForm, RegenerateForm
from coursecerts.console.views.reports import csv_response

FORMS = {"generate": GenerateForm, "regenerate": RegenerateForm}
DRY_RUN_COLUMNS = list(LearnerOutcome.__dataclass_fields__)


@login_required
@require_http_methods(["GET", "POST"])
def generate(request, course_key):
    run = course_run_for(request, course_key, act=request.method == "POST")
    forms = {kind: form_class(prefix=kind) for kind, form_class in FORMS.items()}
    context = {"run": run, "can_act": can_act(request.user, run), "forms": forms}
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in FORMS:
            raise Http404
        form = forms[kind] = FORMS[kind](request.POST, prefix=kind)
        if form.is_valid():
            answer = _act(request, run, kind, form, context)
            if answer is not None:
                return answer
    context["unfinished"] = job_get_unfinished(run)
    context["jobs"] = CertificateGenerationJob.objects.filter(course=run).select_related("requested_by")[:20]
    return render(request, "console/generate.html", context)


def _act(request, run, kind, form, context):
    """A dry run fills the context; a start asks for confirmation first, then redirects to the job's page."""
    arguments = form.service_arguments()
    try:
        if "dry_run" in request.POST:
            context["dry_run"] = course_generation_dry_run(course_run=run, **arguments)
            context["dry_run_kind"], context["dry_run_query"] = kind, _form_query(request.POST, kind)
            return None
        if request.POST.get("confirmed") != "yes":
            return _confirm(request, run, kind, form)
        job, created = course_generation_start(course_run=run, requested_by=request.user, **arguments)
    except GenerationRequestError as exc:
        form.add_error(None, exc.message)
        return None
    if created:
        messages.success(request, _("Generation started for %(n)s learners.") % {"n": job.total})
    else:
        messages.info(request, _("This run's unfinished generation goes on; it was started earlier."))
    return redirect("console:job", course_key=str(run.id), job_id=job.pk)


def _form_query(data, kind: str) -> str:
    """The form's own fields (never the CSRF token) as a query string, for the dry run's CSV link."""
    query = data.copy()
    for key in ("csrfmiddlewaretoken", "dry_run", "confirmed"):
        query.pop(key, None)
    query["kind"] = kind
    return query.urlencode()


def _confirm(request, run, kind, form):
    fields = [(k, v) for k in request.POST if k != "csrfmiddlewaretoken" for v in request.POST.getlist(k)]
    if kind == "regenerate":
        question = _("Regenerate the certificates of learners whose certificate is: %(s)s?") % {
            "s": ", ".join(form.cleaned_data["statuses"])
        }
    else:
        question = _("Generate certificates for: %(who)s?") % {
            "who": dict(form.fields["scope"].choices)[form.cleaned_data["scope"]]
        }
    context = {"run": run, "question": question, "fields": fields, "action": request.path,
               "cancel": reverse("console:generate", args=[run.id])}  # fmt: skip
    return render(request, "console/confirm.html", context)


@login_required
@require_GET
def dry_run_csv(request, course_key):
    """Who would get what, one learner a line (the same columns as the API's dry run with learners)."""
    run = course_run_for(request, course_key, act=True)
    kind = request.GET.get("kind")
    form = FORMS.get(kind, GenerateForm)(request.GET, prefix=kind)
    if kind not in FORMS or not form.is_valid():
        raise Http404
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(DRY_RUN_COLUMNS)
    try:
        course_generation_dry_run(
            course_run=run,
            each=lambda o: writer.writerow([getattr(o, c) or "" for c in DRY_RUN_COLUMNS]),
            **form.service_arguments(),
        )
    except GenerationRequestError:
        raise Http404 from None
    return csv_response(buffer.getvalue(), f"dry-run-{run.id.course}-{run.id.run}.csv")


@login_required
@require_GET
def job_detail(request, course_key, job_id):
    run, job = _job(request, course_key, job_id)
    return render(
        request, "console/job.html", {"run": run, "job": job, "can_act": can_act(request.user, run)}
    )


@login_required
@require_GET
def job_progress(request, course_key, job_id):
    """The progress fragment htmx polls: it asks to be polled again until the job has finished."""
    run, job = _job(request, course_key, job_id)
    return render(request, "console/_progress.html", {"run": run, "job": job})


def _job(request, course_key, job_id):
    run = course_run_for(request, course_key)
    job = CertificateGenerationJob.objects.filter(pk=job_id, course=run).first()
    if job is None:
        raise Http404(_("No such generation."))
    return run, job
