"""Residual significance map: how far the counts of each pixel (summed over energy) sit from the model.

The significance is the signed square root of the Poisson likelihood-ratio statistic,
``sign(n - mu) sqrt(2 (n ln(n/mu) - (n - mu)))``, which for a correct model is close to a
unit Gaussian once a pixel holds a few counts (and exactly so in the large-count limit).
"""

from __future__ import annotations

import numpy as np


def residual_significance(counts: np.ndarray, model: np.ndarray) -> np.ndarray:
    """Per pixel, summed over energy bins: shape (ny, npix)."""
    n = counts.sum(axis=0).astype(float)
    mu = model.sum(axis=0)
    term = np.where(n > 0, n * np.log(np.where(n > 0, n, 1.0) / mu), 0.0) - (n - mu)
    return np.sign(n - mu) * np.sqrt(np.clip(2.0 * term, 0.0, None))
