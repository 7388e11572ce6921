"""dmsky's library of targets and rosters, as the configuration reads it.

dmsky is the field's J-factor library (fermipy.jobs and dmpipe use it): a roster name such as
``albert2017_dsphs`` lists ``target:version`` strings, and each version of a target holds its
position and J-factor (``j_integ`` in GeV2 cm-5, ``j_sigma`` in log10) from one publication.
Here a version name always means dmsky's numbers for it. dmsky prints on import and on every
lookup; that chatter is kept off the user's terminal. Loading its YAML library takes ~2 s, so
it is read once per process, and only when a configuration names something of dmsky's.
"""

from __future__ import annotations

import contextlib
import io
import math
from functools import cache
from typing import Any

#: Keys of a dmsky target version that the pipeline carries (J- and D-factors, distance).
CARRIED = ("j_integ", "j_sigma", "d_integ", "d_sigma", "distance")


@cache
def _libraries() -> tuple[Any, Any]:
    with contextlib.redirect_stdout(io.StringIO()):
        from dmsky.roster import RosterLibrary
        from dmsky.targets import TargetLibrary

        return RosterLibrary(), TargetLibrary()


def roster_names() -> list[str]:
    """The rosters dmsky ships."""
    return sorted(_libraries()[0].library)


def roster_entries(name: str) -> list[str] | None:
    """A dmsky roster's ``target:version`` strings, or None when dmsky has no roster of that name."""
    rosters = _libraries()[0]
    if name not in rosters.library:
        return None
    with contextlib.redirect_stdout(io.StringIO()):
        return [str(item) for item in rosters.get_roster_list(name)]


def target_names() -> list[str]:
    """Target names dmsky knows (its own spelling: ``bootes_I``)."""
    return sorted(_libraries()[1].library)


def versions(target: str) -> list[str]:
    """The versions dmsky has for a target (empty if it does not know the target)."""
    library = _libraries()[1].library
    return [v for v in library.get(target, {}) if v != "default"] if target in library else []


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def target_version(target: str, version: str) -> dict[str, Any] | None:
    """Position and J-factor of ``target:version`` as dmsky has them, or None if dmsky lacks that pair.

    A version whose J-factor dmsky computes from a density profile instead of tabulating it is
    built as a dmsky ``Target`` to read ``j_integ``/``j_sigma``.
    """
    targets = _libraries()[1]
    if version not in targets.library.get(target, {}):
        return None
    with contextlib.redirect_stdout(io.StringIO()):
        raw = targets.get_target_dict(target, version)
        info: dict[str, Any] = {"ra": float(raw["ra"]), "dec": float(raw["dec"])}
        for key in CARRIED:
            value = _finite(raw.get(key))
            if value is None and key in ("j_integ", "j_sigma") and "profile" in raw:
                with contextlib.suppress(Exception):  # dmsky could not integrate this profile
                    value = _finite(getattr(targets.create_target(target, version), key))
            if value is not None:
                info[key] = value
    info["j_ref"] = f"dmsky {target}:{version}"
    return info
