"""Control-study inputs: simulation scenario files and the random-direction file.

A scenario file holds one key, ``injected_source``: empty for null simulations, or a
source in fermipy's format (``name`` and ``source_model``). The random-direction file
describes the grid of offsets RandomDirGen draws from.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pyfermijobs.config.fields import Field, at_least, check_section, positive, type_name
from pyfermijobs.errors import InputError
from pyfermijobs.yamlio import load_yaml

SCENARIO_FIELDS = {"injected_source": Field("dict|null", doc="source to inject; empty for null simulations")}
INJECTED_FIELDS = {
    "name": Field("str", doc="name of the injected source"),
    "source_model": Field("dict", doc="fermipy source dictionary (SpatialModel, SpectrumType, parameters)"),
}

RANDOM_CONFIG_FIELDS = {
    "seed": Field("int", 0, "key of the first direction", at_least(0)),
    "nsims": Field("int", 20, "number of directions", at_least(1)),
    "step_x": Field("float", 1.0, "grid step in longitude offset (deg)", positive),
    "step_y": Field("float", 1.0, "grid step in latitude offset (deg)", positive),
    "max_x": Field("float", 3.0, "largest offset from the ROI centre in x (deg)", at_least(0.0)),
    "max_y": Field("float", 3.0, "largest offset from the ROI centre in y (deg)", at_least(0.0)),
    "min_sep_target": Field("float", 0.5, "directions closer than this to the target are dropped (deg)", at_least(0.0)),
    "min_sep_source": Field(
        "float",
        0.5,
        "directions closer than this to a significant source (TS > 25 in the baseline) are dropped (deg)",
        at_least(0.0),
    ),
    "order_seed": Field("int", 0, "seed of the reproducible shuffle of the grid", at_least(0)),
}


def load_scenario(path: Path) -> dict[str, Any]:
    """Read a scenario file; ``injected_source`` is None for null simulations."""
    data = load_yaml(path, "simulation scenario file")
    if not isinstance(data, dict) or "injected_source" not in data:
        raise InputError(path, "injected_source", "required key is missing (leave it empty for a null simulation)")
    checked = check_section(data, SCENARIO_FIELDS, path)
    injected = checked["injected_source"]
    if injected is not None:
        if "source_model" not in injected:
            raise InputError(
                path, "injected_source.source_model", "required key is missing: an injected source needs a source_model"
            )
        injected = check_section(injected, INJECTED_FIELDS, path, "injected_source.")
        model = injected["source_model"]
        for key in ("SpatialModel", "SpectrumType"):
            if key in model and not isinstance(model[key], str):
                raise InputError(
                    path, f"injected_source.source_model.{key}", f"must be a string, got {type_name(model[key])}"
                )
        for key, value in model.items():
            if key in ("SpatialModel", "SpectrumType", "SpatialWidth", "Spatial_Filename"):
                continue
            number = value.get("value") if isinstance(value, dict) else value
            if not _is_number(number):
                raise InputError(
                    path,
                    f"injected_source.source_model.{key}",
                    f"parameter must be a number or {{value: number}}, got {value!r}",
                )
        _check_known_spectrum(model, path)
    return {"injected_source": injected}


def _check_known_spectrum(model: dict[str, Any], path: Path) -> None:
    """A spectrum the builtin engine knows is read whole now (finite parameters, normalisation >= 0;
    a DMFitFunction's ``norm: nan`` stands for the target's J or D factor); others are fermipy's to read."""
    from pyfermijobs.models.spectra import FORMS, spectrum_from_fermipy

    kind = str(model.get("SpectrumType", "PowerLaw")).lower()
    if kind in {k.lower() for k in FORMS} | {"plsuperexpcutoff2"}:
        spectrum_from_fermipy(model, str(path), "injected_source.source_model", jfactor=1.0, dfactor=1.0)


def _is_number(value: Any) -> bool:
    """Numbers, and YAML strings such as 'nan' or '1e-9' that fermipy turns into floats."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def grid_size(cfg: dict[str, Any]) -> int:
    """Number of grid points of a random-direction configuration (centre included)."""
    nx = 2 * math.floor(cfg["max_x"] / cfg["step_x"] + 1e-9) + 1
    ny = 2 * math.floor(cfg["max_y"] / cfg["step_y"] + 1e-9) + 1
    return nx * ny


def load_rand_config(path: Path) -> dict[str, Any]:
    """Read and check the random-direction file against the size of its grid."""
    data = load_yaml(path, "random-direction file")
    if data is None:  # a failed copy more often than a wish for every default
        raise InputError(path, None, "the random-direction file is empty: give its keys (seed, nsims, step_x, ...)")
    cfg = check_section(data, RANDOM_CONFIG_FIELDS, path)
    usable = grid_size(cfg) - (1 if cfg["min_sep_target"] > 0 else 0)
    if cfg["seed"] + cfg["nsims"] > usable:
        raise InputError(
            path,
            "nsims",
            f"seed + nsims = {cfg['seed'] + cfg['nsims']} exceeds the {usable} grid points "
            "away from the target; widen max_x/max_y or shrink step_x/step_y",
        )
    return cfg
