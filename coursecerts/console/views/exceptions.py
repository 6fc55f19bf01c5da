"""A run's exceptions: the allowlist (one learner with notes, a CSV answered row by row as Open edX does, remove),
invalidations (invalidate with notes, re-validate) and date overrides. Each action calls the service the REST API
calls (coursecerts/api/v1/course_team.py), asks for confirmation first when it can change certificates, and
shows the result or the service's refusal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from coursecerts.certificates import selectors
from coursecerts.certificates.allowlist_csv import allowlist_csv_rows
from coursecerts.certificates.models import (
    CertificateAllowlist,
    CertificateDateOverride,
    CertificateInvalidation,
)
from coursecerts.certificates.services import (
    allowlist_entry_remove,
    certificate_revalidate,
    date_override_remove,
)
from coursecerts.certificates.services.allowlist import allowlist_bulk_add, allowlist_entry_put
from coursecerts.certificates.services.date_override import date_override_put
from coursecerts.certificates.services.invalidation import certificate_invalidation_put
from coursecerts.common.errors import ApplicationError
from coursecerts.console import forms
from coursecerts.console.access import can_act, course_run_for


@dataclass(frozen=True)
class Action:
    form: type
    run: Any  # (request, course_run, cleaned_data) -> a message, or a dict to show (the CSV's answer)
    question: str = ""  # asked before acting, when the action can change certificates ("" asks nothing)


@login_required
@require_http_methods(["GET", "POST"])
def exceptions(request, course_key):
    run = course_run_for(request, course_key, act=request.method == "POST")
    bound = {}
    if request.method == "POST":
        name = request.POST.get("action")
        if name not in ACTIONS:
            raise Http404
        action = ACTIONS[name]
        form = bound[name] = action.form(request.POST, request.FILES, prefix=name)
        if form.is_valid():
            if action.question and request.POST.get("confirmed") != "yes":
                return _confirm(request, run, action, form)
            try:
                outcome = action.run(request, run, form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if isinstance(outcome, str):
                    messages.success(request, outcome)
                    return redirect(reverse("console:exceptions", args=[run.id]) + f"#{name.split('_')[0]}")
                bound["csv_result"] = outcome
    return render(request, "console/exceptions.html", _context(request, run, bound))


def _context(request, run, bound: dict) -> dict:
    forms_ = {name: bound.get(name) or action.form(prefix=name) for name, action in ACTIONS.items()}
    return {
        "run": run,
        "can_act": can_act(request.user, run),
        "forms": forms_,
        "csv_result": bound.get("csv_result"),
        "allowlist": CertificateAllowlist.objects.filter(course=run, allowlist=True)
        .select_related("user")
        .order_by("user__username"),
        "invalidations": CertificateInvalidation.objects.filter(
            generated_certificate__course=run, active=True
        )
        .select_related("generated_certificate__user", "invalidated_by")
        .order_by("generated_certificate__user__username"),
        "overrides": CertificateDateOverride.objects.filter(generated_certificate__course=run)
        .select_related("generated_certificate__user", "overridden_by")
        .order_by("generated_certificate__user__username"),
    }


def _confirm(request, run, action, form):
    fields = [(k, v) for k in request.POST if k != "csrfmiddlewaretoken" for v in request.POST.getlist(k)]
    context = {
        "run": run,
        "question": action.question % {"learner": form.cleaned_data.get("learner", "")},
        "fields": fields,
        "action": request.path,
        "cancel": reverse("console:exceptions", args=[run.id]),
    }
    return render(request, "console/confirm.html", context)


# --- the actions ----------------------------------------------------------------------------------------------


def _user(query: str):
    """The person with this username, else with this email (the API's message when there is none)."""
    users = get_user_model().objects.filter(Q(username=query) | Q(email__iexact=query)).order_by("pk")
    user = next((u for u in users if u.username == query), None) or users.first()
    if user is None:
        raise ApplicationError(
            _("%(q)s does not exist in the LMS. Please check your spelling and retry.") % {"q": query}
        )
    return user


def _certificate(user, run):
    certificate = selectors.certificate_get(user=user, course_run=run)
    if certificate is None:
        raise ApplicationError(
            _("%(user)s has no certificate in this run. Check the username or email and try again.")
            % {"user": user.username}
        )
    return certificate


def _allowlist_add(request, run, data) -> str:
    user = _user(data["learner"])
    allowlist_entry_put(user=user, course_run=run, notes=data["notes"], actor=request.user)
    return _("%(user)s is on the allowlist.") % {"user": user.username}


def _allowlist_remove(request, run, data) -> str:
    user = _user(data["learner"])
    if not allowlist_entry_remove(user=user, course_run=run, actor=request.user):
        raise ApplicationError(_("%(user)s is not on the allowlist.") % {"user": user.username})
    return _("%(user)s is off the allowlist.") % {"user": user.username}


def _allowlist_csv(request, run, data) -> dict:
    rows, general_errors = allowlist_csv_rows(data["students_list"])
    result = allowlist_bulk_add(course_run=run, rows=rows, actor=request.user) if rows else {}
    return {"general_errors": general_errors, **result}


def _invalidate(request, run, data) -> str:
    certificate = _certificate(_user(data["learner"]), run)
    certificate_invalidation_put(certificate=certificate, invalidated_by=request.user, notes=data["notes"])
    return _("%(user)s's certificate is invalidated.") % {"user": certificate.user.username}


def _revalidate(request, run, data) -> str:
    certificate = _certificate(_user(data["learner"]), run)
    decision = certificate_revalidate(certificate=certificate, actor=request.user)
    certificate.refresh_from_db()
    return _("%(user)s's certificate is re-validated: %(status)s (%(reason)s).") % {
        "user": certificate.user.username,
        "status": certificate.status,
        "reason": _(decision.message),
    }


def _override_set(request, run, data) -> str:
    certificate = _certificate(_user(data["learner"]), run)
    date = datetime.combine(data["date"], time.min, tzinfo=UTC)
    date_override_put(certificate=certificate, date=date, reason=data["reason"], actor=request.user)
    return _("%(user)s's certificate now shows the date %(date)s.") % {
        "user": certificate.user.username,
        "date": data["date"].isoformat(),
    }


def _override_remove(request, run, data) -> str:
    certificate = _certificate(_user(data["learner"]), run)
    if not date_override_remove(certificate=certificate, actor=request.user):
        raise ApplicationError(
            _("%(user)s's certificate has no date override.") % {"user": certificate.user.username}
        )
    return _("%(user)s's certificate shows its own date again.") % {"user": certificate.user.username}


ACTIONS = {
    "allowlist_add": Action(
        forms.LearnerNotesForm,
        _allowlist_add,
        gettext_lazy("Put %(learner)s on the allowlist? A certificate may be issued."),
    ),
    "allowlist_csv": Action(forms.AllowlistCsvForm, _allowlist_csv),
    "allowlist_remove": Action(
        forms.LearnerForm,
        _allowlist_remove,
        gettext_lazy("Take %(learner)s off the allowlist? Their certificate, if any, is invalidated."),
    ),
    "invalidation_add": Action(
        forms.LearnerNotesForm,
        _invalidate,
        gettext_lazy("Invalidate %(learner)s's certificate? It stops being valid at once."),
    ),
    "invalidation_remove": Action(
        forms.LearnerForm,
        _revalidate,
        gettext_lazy("Re-validate %(learner)s's certificate? Generation runs again for them."),
    ),
    "override_set": Action(
        forms.DateOverrideForm,
        _override_set,
        gettext_lazy("Change the date printed on %(learner)s's certificate?"),
    ),
    "override_remove": Action(
        forms.LearnerForm,
        _override_remove,
        gettext_lazy("Remove the date override of %(learner)s's certificate?"),
    ),
}
