"""The fermipy analysis template (``config/config_{ttype}.yaml``).

Both engines read the same template: fermipy's ``GTAnalysis`` takes it as is, the builtin
engine reads the ROI geometry and energy range from it (``selection``, ``binning``,
``model``) plus its own ``synthetic`` section. PrepareTargets writes one copy per target
with the target's direction filled in, as fermipy.jobs does.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from pyfermijobs.config.fields import type_name
from pyfermijobs.errors import InputError
from pyfermijobs.yamlio import load_yaml

SECTIONS_THAT_ARE_MAPPINGS = ("selection", "binning", "data", "gtlike", "model", "fileio", "synthetic")


def load_template(path: Path) -> dict[str, Any]:
    """Read the analysis template; sections that fermipy expects as mappings must be ones."""
    data = load_yaml(path, "analysis configuration template")
    if data is None:  # an empty file is a failed copy more often than a wish for every default
        raise InputError(path, None, "the analysis template is empty (it needs at least selection and binning)")
    if not isinstance(data, dict):
        raise InputError(path, None, f"the analysis template must be a mapping, got {type_name(data)}")
    for section in SECTIONS_THAT_ARE_MAPPINGS:
        if section in data and data[section] is not None and not isinstance(data[section], dict):
            raise InputError(path, section, f"must be a mapping, got {type_name(data[section])}")
    return data


def config_for_target(template: dict[str, Any], ra: float, dec: float) -> dict[str, Any]:
    """The template with the ROI centred on one target (``selection.ra/dec``)."""
    config = copy.deepcopy(template)
    selection = config.get("selection") or {}
    selection["ra"] = ra
    selection["dec"] = dec
    config["selection"] = selection
    return config


def target_direction(config: dict[str, Any], file: Path) -> tuple[float, float]:
    """The target's direction in its analysis configuration (``selection.ra/dec``)."""
    selection = config.get("selection") or {}
    try:
        return float(selection["ra"]), float(selection["dec"])
    except (KeyError, TypeError, ValueError):
        raise InputError(file, "selection.ra", "the per-target configuration must give selection.ra/dec") from None
