"""Helpers over iterables that every app may use."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of `size` items (the last one shorter), taken from any iterable as it goes (a streamed query
    too), so that the whole of it is never held at once."""
    rest = iter(items)
    while chunk := list(itertools.islice(rest, size)):
        yield chunk
