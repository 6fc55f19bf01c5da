"""The progress bar of long commands, on the command's stderr."""

from __future__ import annotations

from tqdm import tqdm


def progress_bar(stderr, iterable=None, **options) -> tqdm:
    """A tqdm bar written to the stream under the command's stderr: Django's OutputWrapper ends every write with
    a newline, so each redraw of a bar written through it would start a new line (the bar printed twice, or once
    per update). Keyword options are tqdm's (total, unit, desc, disable...)."""
    return tqdm(iterable, file=getattr(stderr, "_out", stderr), dynamic_ncols=True, **options)
