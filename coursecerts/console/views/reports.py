"""The run's downloads: the certificate report is the REST API's own CSV (GET /api/v1/courses/<key>/report,
read with the console's session; linked from the run's page), and the generation history as CSV here."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from coursecerts.certificates.models import CertificateGenerationHistory
from coursecerts.common.csv_export import SafeWriter
from coursecerts.console.access import course_run_for

HISTORY_COLUMNS = ["created", "generated_by", "task_id", "task_name", "candidates", "is_regeneration"]


@login_required
@require_GET
def generation_history_csv(request, course_key):
    run = course_run_for(request, course_key)
    history = (
        CertificateGenerationHistory.objects.filter(course=run)
        .select_related("generated_by")
        .order_by("-created", "-pk")
    )
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(HISTORY_COLUMNS)
    writer.writerows(_history_row(row) for row in history)
    return csv_response(buffer.getvalue(), f"generation-history-{run.id.course}-{run.id.run}.csv")


def _history_row(row) -> list:
    generated_by = row.generated_by.username if row.generated_by else ""
    return [
        row.created.isoformat(),
        generated_by,
        row.task_id,
        row.get_task_name(),
        row.get_certificate_generation_candidates(),
        row.is_regeneration,
    ]


def csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
