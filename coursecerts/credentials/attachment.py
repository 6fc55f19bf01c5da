"""The credential as a file: the bytes served at /certificates/<verify_uuid>/credential.json and embedded in the
certificate's PDF are the same (credential_json), so the PDF's file equals the downloaded one.
`certificate_pdf_attachment` is the PDF's attachment provider (certificates.services.pdf; registered in
CredentialsConfig.ready), so the certificates app never imports this one."""

from __future__ import annotations

import json

from coursecerts.certificates.rendering.pdf import PdfAttachment

CREDENTIAL_FILENAME = "credential.json"
CREDENTIAL_MEDIA_TYPE = "application/ld+json"
CREDENTIAL_DESCRIPTION = "Open Badges 3.0 credential of this certificate (W3C Verifiable Credential, signed)"


def credential_json(document: dict) -> bytes:
    """The credential file's bytes: UTF-8 JSON, names in their own script, indented for people.

    Keys are sorted, so the bytes do not depend on where the document was read from: PostgreSQL's jsonb gives
    back a stored credential with its keys in its own order, which would otherwise make the first download
    (signed in memory) and every later one (read back) differ, and the PDF carrying it be drawn twice."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True).encode() + b"\n"


def certificate_pdf_attachment(certificate) -> PdfAttachment | None:
    """The credential the certificate's PDF carries; None when it has none (not downloadable)."""
    from coursecerts.credentials.services.issuance import CredentialNotAvailable, credential_for_certificate

    try:
        document = credential_for_certificate(certificate=certificate)
    except CredentialNotAvailable:
        return None
    return PdfAttachment(
        name=CREDENTIAL_FILENAME,
        data=credential_json(document),
        mime_type=CREDENTIAL_MEDIA_TYPE,
        description=CREDENTIAL_DESCRIPTION,
    )
