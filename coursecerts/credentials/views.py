"""The issuer's public documents: did.json of each organisation and the signed status lists. Thin: parse,
call one selector or service, answer JSON."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from coursecerts.credentials import selectors
from coursecerts.credentials.services.status import StatusListNotFound, status_list_credential


@require_GET
def did_json(request, short_name: str):
    organization = selectors.organization_get_by_short_name(short_name)
    if organization is None:
        raise Http404("No such issuer.")
    response = JsonResponse(
        selectors.did_document(organization=organization), content_type="application/did+json"
    )
    response["Access-Control-Allow-Origin"] = "*"  # resolvers in browsers (wallets, verifier pages)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def status_list(request, list_id):
    try:
        document = status_list_credential(list_id=list_id)
    except StatusListNotFound as exc:
        raise Http404("No such status list.") from exc
    response = JsonResponse(document, content_type="application/vc+ld+json")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"  # a revocation shows within a minute
    return response
