"""The issuer's public documents: did.json of each organisation and the signed status lists. Thin: parse,
call one selector or service, answer JSON."""

from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from coursecerts.credentials import selectors
from coursecerts.credentials.services.keys import issuer_key_signing
from coursecerts.credentials.services.status import StatusListNotFound, status_list_credential


@require_GET
def did_json(request, short_name: str):
    organization = selectors.organization_get_by_short_name(short_name)
    if organization is None:
        raise Http404("No such issuer.")
    if not selectors.issuer_has_key(organization=organization):
        # Credentials are issued on first request (ADR 0019), so an issuer may have certificates and no key yet:
        # the key that will sign them is made now, as the first credential would make it, so that the DID
        # resolves to it whichever a verifier asks for first.
        issuer_key_signing(organization=organization)
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
