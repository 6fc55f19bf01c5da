"""System checks of the credentials app."""

from django.conf import settings
from django.core import checks

from coursecerts.credentials.kek import kek_from_var


@checks.register()
def check_key_encryption_key(app_configs=None, **kwargs):
    """Outside the embedded default (SQLite), the KEK must come from the environment: a key generated under one
    machine's var/ is missing on the others and in a restored backup, and the issuer keys with it."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if kek_from_var() and not engine.endswith("sqlite3"):
        return [
            checks.Error(
                "CREDENTIALS_KEY_ENCRYPTION_KEY is not set: issuer private keys would be encrypted with a key "
                "kept only in this machine's var/ directory.",
                hint="Set CREDENTIALS_KEY_ENCRYPTION_KEY (or _FILE) to a Fernet key, the same on every "
                "replica, and back it up apart from the database (README: Open Badges credentials).",
                id="credentials.E001",
            )
        ]
    return []
