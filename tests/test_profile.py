"""Profile-likelihood limits when the curvature gives no useful scale (found on real photons).

A bin without counts in a null realization of a real-data ROI has an almost flat profile: its
Hessian error was 6e12 and the crossing search, with a tolerance relative to that bracket,
returned an upper limit of 0 (and the scan crashed on it). Regression tests.
"""

from __future__ import annotations

import numpy as np
import pytest

from pyfermijobs.estimators import limits
from pyfermijobs.estimators.profile import scan_points
from pyfermijobs.statistics import one_sided_drop


def linear(slope: float):
    return lambda x: -15.0 - slope * x


@pytest.mark.parametrize("scale", [6.3e12, np.nan, 0.0, 1e-30, 2.0])
def test_limits_of_a_nearly_flat_profile(scale: float) -> None:
    lim = limits(linear(1 / 36.0), 0.0, -15.0, scale, 0.95)
    assert lim.ul == pytest.approx(one_sided_drop(0.95) * 36.0, rel=1e-6)
    assert lim.err_hi == pytest.approx(0.5 * 36.0, rel=1e-6)
    points = scan_points(lim, linear(1 / 36.0), 20)
    assert len(points) == 20 and points[0] == 0.0 and np.all(np.diff(points) > 0)
