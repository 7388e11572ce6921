"""Progress of long local loops: a live line on a terminal, silence in batch logs."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")


def _clock(seconds: float) -> str:
    minutes, sec = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:d}:{minutes:02d}:{sec:02d}" if hours else f"{minutes:d}:{sec:02d}"


def progress(items: Iterable[T], total: int, label: str, stream: TextIO | None = None) -> Iterator[T]:
    """Yield ``items``, showing done/total, elapsed time and an estimate of what remains.

    Only a terminal gets the line (rewritten in place); a log file gets nothing, so that
    batch logs stay readable.
    """
    stream = stream if stream is not None else sys.stderr
    live = stream.isatty()
    start = time.monotonic()
    done = 0
    for item in items:
        yield item
        done += 1
        if live:
            elapsed = time.monotonic() - start
            remaining = elapsed / done * (total - done)
            stream.write(f"\r{label}: {done}/{total}  elapsed {_clock(elapsed)}  left ~{_clock(remaining)} ")
            stream.flush()
    if live and done:
        stream.write("\n")
