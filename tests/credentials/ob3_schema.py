"""1EdTech's Open Badges 3.0 JSON schema for an AchievementCredential (schemas/README.md says where it is from),
and the errors `jsonschema` finds in a credential against it."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft201909Validator

SCHEMA_PATH = Path(__file__).parent / "schemas" / "achievementcredential.schema.json"


@functools.cache
def _validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


def ob3_schema_errors(credential: dict) -> list[str]:
    """Each violation as '<JSON path>: <message>'; empty when the credential is valid."""
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(_validator().iter_errors(credential), key=lambda error: error.json_path)
    ]
