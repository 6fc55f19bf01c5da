"""A credential handed in to be verified (POST /api/v1/credentials/verify and the page /credentials/verify): the
bytes a verifier pasted or uploaded, read with the same rules in both places, so that both refuse the same
inputs with the same reasons before any verification starts."""

from __future__ import annotations

from coursecerts.common.json_input import JsonInputError, json_loads

# A coursecerts credential is about 3 kB; credentials from other issuers with images inlined run larger.
MAX_CREDENTIAL_BYTES = 256 * 1024


class CredentialInputError(ValueError):
    """Why the input is not a credential to verify: `code` is the API's error_code, `message` the reason."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def credential_from_bytes(raw: bytes) -> dict:
    """The credential as a JSON object, or CredentialInputError: too large, not UTF-8 JSON, or not a verifiable
    credential with a proof (a JSON object whose `type` names VerifiableCredential)."""
    if len(raw) > MAX_CREDENTIAL_BYTES:
        raise CredentialInputError(
            "credential_too_large", f"The credential is larger than {MAX_CREDENTIAL_BYTES // 1024} KiB."
        )
    if not raw.strip():
        raise CredentialInputError("credential_missing", "No credential was given.")
    try:
        document = json_loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CredentialInputError("credential_not_json", "The credential is not UTF-8 text.") from None
    except JsonInputError as exc:
        raise CredentialInputError(
            "credential_not_json", f"The credential is not valid JSON: {exc.message}"
        ) from None
    except ValueError as exc:
        raise CredentialInputError(
            "credential_not_json", f"The credential is not valid JSON: {exc}"
        ) from None
    return credential_from_document(document)


def credential_from_document(document) -> dict:
    """The document if it has the shape of a verifiable credential, else CredentialInputError."""
    if not isinstance(document, dict):
        raise CredentialInputError("not_a_credential", "The JSON is not an object, so not a credential.")
    types = document.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiableCredential" not in types or "@context" not in document:
        raise CredentialInputError(
            "not_a_credential",
            "The JSON is not a verifiable credential: it needs an @context and a type that includes "
            "VerifiableCredential.",
        )
    if "proof" not in document:
        raise CredentialInputError("credential_unsigned", "The credential has no proof: nothing to verify.")
    return document
