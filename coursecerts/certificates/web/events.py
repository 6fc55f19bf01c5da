"""The evidence-visited event: someone other than the owner opened a certificate (Open edX
edx.certificate.evidence_visited, emitted from the web view)."""

from __future__ import annotations

from coursecerts.certificates.events import track

# utm_source values of our share links that Open edX names as social networks.
SOCIAL_NETWORKS = frozenset({"linkedin", "facebook", "twitter"})


def track_evidence_visited(request, certificate) -> None:
    """Record the visit unless the viewer is the certificate's owner (anonymous visitors count)."""
    if request.user.is_authenticated and request.user.pk == certificate.user_id:
        return
    data = {"enrollment_mode": certificate.mode}
    source = request.GET.get("utm_source", "").lower()
    if source in SOCIAL_NETWORKS:
        data["social_network"] = source
    track("edx.certificate.evidence_visited", certificate, **data)
