"""Random streams keyed by what they are for, never by the order work is done in.

A realization's stream depends only on its key, e.g. ("sim", target, profile, sim, seed),
so chunking seeds across tasks or running them in another order gives the same numbers.
"""

from __future__ import annotations

import hashlib

import numpy as np


def generator(*key: object) -> np.random.Generator:
    """A numpy Generator seeded from a stable hash of ``key`` (same key, same numbers)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in key).encode()).digest()
    words = np.frombuffer(digest, dtype=np.uint32)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(words.tolist())))
