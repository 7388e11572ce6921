"""The mark every product of the synthetic sky carries (FITS header ``SYNTHET``), read in one place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: FITS header keyword: True on every file made from the synthetic sky
SYNTHETIC_KEY = "SYNTHET"


def is_synthetic(header: Mapping[str, Any] | Any) -> bool:
    """Whether a FITS header (or a mapping of its keys) marks its file as made from the synthetic sky;
    a file without the mark is real data."""
    return bool(header.get(SYNTHETIC_KEY, False))
