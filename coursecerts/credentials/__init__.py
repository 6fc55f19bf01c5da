"""Open Badges 3.0: every downloadable certificate is also a signed, portable, revocable credential (ADR 0019).

Issuer keys (did:web, Multikey), eddsa-rdfc-2022 Data Integrity proofs, Bitstring Status Lists, verification.
This app reads the certificates app's frozen records; the certificates app never imports it (it sends
`common.signals.CERTIFICATES_WRITTEN` inside its transactions, received in handlers.py)."""
