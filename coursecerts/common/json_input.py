"""JSON from outside (API bodies, JSON-lines import lines): decoded with a nesting limit and no duplicated keys.

Python's decoder recurses once per level, so a document nested about 1,000 deep raises RecursionError (not
ValueError), and one a few hundred deep makes every later recursive walk of it fragile. A duplicated key is
silently collapsed to its last value by `json.loads`, so a client's mistake would go unnoticed. NaN and
Infinity are refused, as DRF's strict JSON does.
"""

from __future__ import annotations

import json

MAX_DEPTH = 32


class JsonInputError(ValueError):
    """Why the text is not acceptable JSON; `keys` names the duplicated keys, if that is the reason."""

    def __init__(self, message: str, keys: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.keys = keys or []


def json_loads(text: str | bytes, *, max_depth: int = MAX_DEPTH):
    """The decoded value, or JsonInputError: malformed, nested deeper than max_depth, or a duplicated key."""
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except RecursionError:
        raise JsonInputError(_too_deep(max_depth)) from None
    if _depth(value) > max_depth:
        raise JsonInputError(_too_deep(max_depth))
    return value


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicated = sorted({key for key, _ in pairs if key in seen or seen.add(key)})
        raise JsonInputError(f"Duplicated keys: {', '.join(duplicated)}.", duplicated)
    return result


def _no_constant(name: str):
    raise JsonInputError(f"{name} is not a JSON value.")


def _depth(value) -> int:
    """How deeply arrays and objects nest (a scalar is 0, [] is 1), walked without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


def _too_deep(max_depth: int) -> str:
    return f"JSON nested deeper than {max_depth} levels."
