"""Standard Webhooks signing: secrets `whsec_<base64 of random bytes>`, and the three headers a receiver checks
with the official `standardwebhooks` library (`Webhook(secret).verify(body, headers)`).

The signature is over the exact bytes sent: `<webhook-id>.<webhook-timestamp>.<body>`, HMAC-SHA256, base64,
prefixed `v1,`. During a secret rotation's grace period the header carries one signature per secret, separated
by a space, so a receiver that still holds the old secret keeps verifying.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the specification allows 24 to 64


def secret_generate() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def body_bytes(*, event_type: str, time: datetime, data: dict) -> bytes:
    """The message body: `{"type", "timestamp", "data"}` as compact ASCII JSON (the same bytes on every attempt)."""
    timestamp = time.astimezone(UTC).isoformat().replace("+00:00", "Z")
    payload = {"type": event_type, "timestamp": timestamp, "data": data}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True, sort_keys=True).encode("ascii")


def signed_headers(*, message_id: str, body: bytes, secrets_: Iterable[str], now: datetime) -> dict[str, str]:
    """The Standard Webhooks headers for `body` sent now, signed with each secret (current first)."""
    moment = now.astimezone(UTC).replace(microsecond=0)
    text = body.decode("utf-8")
    signatures = [Webhook(secret).sign(message_id, moment, text) for secret in secrets_]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
