"""Look up a learner in a run: their certificate, the eligibility decision and its reason, the full history,
and the links to the public page, the PDF and the credential."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from coursecerts.certificates import selectors
from coursecerts.certificates.eligibility import Policy, decide
from coursecerts.certificates.links import certificate_url
from coursecerts.certificates.models import CertificateDateOverride, CertificateHistory, CertificateStatuses
from coursecerts.console.access import can_act, course_run_for


@login_required
@require_GET
def learner_lookup(request, course_key):
    run = course_run_for(request, course_key)
    query = request.GET.get("q", "").strip()
    context = {"run": run, "query": query, "can_act": can_act(request.user, run)}
    if query:
        user = _learner(run, query)
        context["learner"] = user and _learner_record(user, run)
    return render(request, "console/learner.html", context)


def _learner(run, query: str):
    """The user with this username or email who is, or was, enrolled in the run or holds a certificate in it."""
    in_run = Q(enrollments__course=run) | Q(certificates__course=run)
    users = get_user_model().objects.filter(Q(username=query) | Q(email__iexact=query)).filter(in_run)
    return users.distinct().order_by("pk").first()


def _learner_record(user, run) -> dict:
    certificate = selectors.certificate_get(user=user, course_run=run)
    facts = selectors.learner_facts_get(user=user, course_run=run, certificate=certificate)
    record = {
        "user": user,
        "facts": facts,
        "decision": decide(facts, Policy.from_settings()),
        "certificate": certificate,
        "allowlist_entry": selectors.allowlist_entry_get(user=user, course_run=run),
    }
    if certificate is not None:
        record["history"] = (
            CertificateHistory.objects.filter(certificate=certificate)
            .select_related("actor")
            .order_by("created", "pk")
        )
        record["invalidation"] = selectors.invalidation_get_active(certificate=certificate)
        record["date_override"] = CertificateDateOverride.objects.filter(
            generated_certificate=certificate
        ).first()
        if certificate.status == CertificateStatuses.DOWNLOADABLE:
            record["links"] = _links(certificate)
    return record


def _links(certificate) -> dict[str, str]:
    uuid = certificate.verify_uuid
    return {
        "page": certificate_url(certificate),
        "pdf": reverse("certificates:pdf", kwargs={"verify_uuid": uuid}),
        "credential": reverse("certificates:credential", kwargs={"verify_uuid": uuid}),
    }
