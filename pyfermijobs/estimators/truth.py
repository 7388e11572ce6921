"""What a realization contains (``truth_{profile}_{seed}.yaml``), whichever engine made it.

The injected source is written per energy bin in the SED's own units (flux, and the
normalisation of the SED's reference power law), so calibration compares like with like.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.estimators.sed import reference_spectrum


def truth_doc(sim: str, seed: int, injected: dict[str, Any] | None) -> dict[str, Any]:
    """The truth document of one realization (``injected`` None for a null scenario)."""
    return {"sim": sim, "seed": seed, "injected": injected}


def injected_doc(
    name: str, ra: float, dec: float, spectrum: Any, emin: Any, emax: Any, bin_index: float, npred: Any
) -> dict[str, Any]:
    """An injected source per energy bin: flux and normalisation of the SED's reference."""
    ref = reference_spectrum(bin_index)
    flux = np.array([spectrum.flux(a, b) for a, b in zip(emin, emax, strict=True)])
    ref_flux = np.array([ref.flux(a, b) for a, b in zip(emin, emax, strict=True)])
    return {
        "name": name,
        "ra": ra,
        "dec": dec,
        "spectrum": spectrum.to_dict(),
        "flux": flux.tolist(),
        "norm": (flux / ref_flux).tolist(),
        "npred": np.asarray(npred, float).tolist(),
    }
