"""Rosters, target positions and profile aliases: from roster files to a target list.

Two roster forms are in use in the field:

* explicit (fermipy's PrepareTargets input): ``{roster: {target: {ra, dec, version?, ...}}}``
* dmsky style: ``{roster: ['target:profile_version', ...]}``, positions from a targets file
  or from the dwarf-galaxy catalog shipped with this package.

Targets are merged across rosters: a target+profile that several rosters list is analysed
once, while the same target twice in one roster is an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pyfermijobs.config.dmsky_library import roster_entries, roster_names, target_names, target_version, versions
from pyfermijobs.config.fields import Field, check_section, file_field_name, type_name
from pyfermijobs.errors import InputError, closest
from pyfermijobs.yamlio import load_yaml

DEFAULT_VERSION = "default"
#: Marks a catalog entry that the user's targets file gave (it wins over dmsky's numbers).
USER = "targets_file"
#: Positions that differ by more than this (deg) make two entries different targets.
POSITION_TOLERANCE_DEG = 1e-3


def _ra(value: float) -> str | None:
    return None if 0.0 <= value < 360.0 else f"ra must be in [0, 360) deg, got {value}"


def _dec(value: float) -> str | None:
    return None if -90.0 <= value <= 90.0 else f"dec must be in [-90, 90] deg, got {value}"


POSITION_FIELDS = {
    "ra": Field("float", doc="ICRS right ascension (deg)", check=_ra),
    "dec": Field("float", doc="ICRS declination (deg)", check=_dec),
}


#: a target's astrophysical factors where a roster or targets file gives them (dmsky's names)
ASTRO_KEYS = ("j_integ", "j_sigma", "d_integ", "d_sigma")


def check_astro_values(entry: dict[str, Any], path: Path | str, prefix: str) -> None:
    """A J or D factor (or its log10 width) given in a file is a finite number > 0, named where it is."""
    for key in ASTRO_KEYS:
        value = entry.get(key)
        if key not in entry or value is None:
            continue
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value <= 0:
            raise InputError(path, f"{prefix}{key}", f"must be a finite number > 0, got {value!r}")


@dataclass
class Target:
    """One analysis target: a position and the profile versions asked for it."""

    name: str
    ra: float
    dec: float
    versions: list[str] = field(default_factory=list)
    #: Extra keys of each version as given in the roster (J-factor, distance, ...).
    info: dict[str, dict[str, Any]] = field(default_factory=dict)
    origin: str = ""


def load_catalog(targets_file: Path | None) -> dict[str, dict[str, Any]]:
    """Positions by target name: the shipped dwarf catalog, overridden by ``targets_file``."""
    shipped = resources.files("pyfermijobs") / "data" / "dsph_targets.yaml"
    with resources.as_file(shipped) as shipped_path:
        catalog = _read_positions(shipped_path)
    if targets_file is not None:
        catalog.update(
            {name: {**entry, USER: str(targets_file)} for name, entry in _read_positions(targets_file).items()}
        )
    return catalog


def _read_positions(path: Path) -> dict[str, dict[str, Any]]:
    data = load_yaml(path, "targets file")
    if not isinstance(data, dict):
        raise InputError(path, None, f"a targets file maps target names to {{ra, dec}}, got {type_name(data)}")
    out = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            raise InputError(path, str(name), f"must be a mapping with ra and dec, got {type_name(entry)}")
        pos = {k: v for k, v in entry.items() if k in POSITION_FIELDS}
        checked = check_section(pos, POSITION_FIELDS, path, f"{name}.")
        check_astro_values(entry, path, f"{name}.")
        out[str(name)] = {**entry, **checked}
    return out


def load_aliases(path: Path | None) -> dict[str, str]:
    """Long profile name -> short alias; aliases carry no '_' and never collide."""
    if path is None:
        return {}
    data = load_yaml(path, "alias dictionary")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(path, None, f"an alias dictionary maps long names to short ones, got {type_name(data)}")
    owner: dict[str, str] = {}
    for long_name, alias in data.items():
        if not isinstance(alias, str) or not alias:
            raise InputError(path, str(long_name), f"alias must be a non-empty string, got {alias!r}")
        if "_" in alias:
            raise InputError(path, str(long_name), f"alias {alias!r} contains '_', the field separator of file names")
        if file_field_name(alias):
            raise InputError(path, str(long_name), file_field_name(alias))
        if alias in owner:
            raise InputError(
                path,
                str(long_name),
                f"alias {alias!r} is already the alias of {owner[alias]!r}: two profiles would share file names",
            )
        owner[alias] = str(long_name)
    return {str(k): v for k, v in data.items()}


def looks_like_path(entry: str) -> bool:
    """Roster entries ending in .yaml/.yml or holding a '/' are files, others are names."""
    return entry.endswith((".yaml", ".yml")) or "/" in entry


def _roster_sources(
    rosters: list[str],
    roster_files: list[Path],
    origin: str | Path,
) -> list[tuple[str, Any, Path]]:
    """(roster name, roster body, file) for each requested roster name or file."""
    index: dict[str, tuple[Any, Path]] = {}
    loaded: dict[Path, dict] = {}

    def read(path: Path) -> dict:
        if path not in loaded:
            data = load_yaml(path, "roster file")
            if not isinstance(data, dict) or not data:
                raise InputError(path, None, "a roster file maps roster names to targets, got " + type_name(data))
            loaded[path] = data
        return loaded[path]

    out = []
    for entry in rosters:
        if looks_like_path(entry):
            path = Path(entry)
            out.extend((str(name), body, path) for name, body in read(path).items())
            continue
        if not index:
            for path in roster_files:
                for name, body in read(path).items():
                    if str(name) in index:
                        raise InputError(path, str(name), f"roster also defined in {index[str(name)][1]}: ambiguous")
                    index[str(name)] = (body, path)
        if entry in index:
            out.append((entry, *index[entry]))
            continue
        library = roster_entries(entry)
        if library is None:
            files = ", ".join(str(p) for p in roster_files) or "no roster files"
            known = [*index, *roster_names()]
            raise InputError(
                origin,
                "rosters",
                f"roster {entry!r} not found in {files} nor in dmsky's library" + closest(entry, known),
            )
        out.append((entry, library, Path(f"dmsky:{entry}")))
    return out


def with_jfactor(entry: dict[str, Any], version: str) -> dict[str, Any]:
    """A catalog entry for one profile version: its published J-factor as dmsky's ``j_integ``
    (GeV2 cm-5) and ``j_sigma`` (log10), when the catalog has one for that version."""
    info = {k: v for k, v in entry.items() if k not in ("jfactors", USER)}
    published = (entry.get("jfactors") or {}).get(version)
    if published and "j_integ" not in info:
        info["j_integ"] = float(10.0 ** float(published["log10_j"]))
        info["j_sigma"] = float(published["log10_j_sigma"])
        info["j_ref"] = str(published.get("ref", "shipped dwarf catalog"))
    return info


def dmsky_entry(target: str, version: str, catalog: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """``target:version`` from dmsky's library (its version names mean its numbers), under what the
    user's targets file says of that target; None when dmsky lacks the pair."""
    info = target_version(target, version)
    if info is None:
        return None
    user = catalog.get(target, {})
    if USER in user:
        info.update({k: v for k, v in user.items() if k not in ("jfactors", USER)})
    return info


def _parse_roster(
    name: str,
    body: Any,
    path: Path,
    catalog: dict[str, dict[str, Any]],
) -> list[tuple[str, str, dict[str, Any]]]:
    """(target, version, info with ra/dec) for every entry of one roster."""
    entries: list[tuple[str, str, dict[str, Any]]] = []
    if isinstance(body, list):  # dmsky style
        for item in body:
            if not isinstance(item, str):
                raise InputError(path, name, f"dmsky-style entries are 'target:version' strings, got {item!r}")
            target, _, version = item.partition(":")
            target, version = target.strip(), version.strip() or DEFAULT_VERSION
            from_dmsky = dmsky_entry(target, version, catalog) if version != DEFAULT_VERSION else None
            if from_dmsky is not None:
                entries.append((target, version, from_dmsky))
                continue
            if target not in catalog:
                known = [*catalog, *target_names()]
                known_versions = versions(target)
                hint = (
                    f" (dmsky's versions of it: {', '.join(known_versions)})"
                    if known_versions
                    else closest(target, known)
                )
                raise InputError(
                    path,
                    name,
                    f"target {target!r} (version {version!r}) is in no targets file, nor the shipped dwarf "
                    "catalog, nor dmsky's library; add it to a targets_file" + hint,
                )
            entries.append((target, version, with_jfactor(catalog[target], version)))
    elif isinstance(body, dict):  # explicit
        for target, info in body.items():
            target = str(target)
            if not isinstance(info, dict):
                raise InputError(path, f"{name}.{target}", f"must be a mapping with ra and dec, got {type_name(info)}")
            pos = check_section(
                {k: v for k, v in info.items() if k in POSITION_FIELDS}, POSITION_FIELDS, path, f"{name}.{target}."
            )
            check_astro_values(info, path, f"{name}.{target}.")
            version = info.get("version", DEFAULT_VERSION)
            if not isinstance(version, str):
                raise InputError(path, f"{name}.{target}.version", f"must be a string, got {version!r}")
            entries.append((target, version, {**info, **pos}))
    else:
        raise InputError(
            path,
            name,
            "a roster is a list of 'target:version' strings or a mapping "
            f"of targets to {{ra, dec}}, got {type_name(body)}",
        )
    seen: set[str] = set()
    for target, version, _ in entries:
        problem = file_field_name(target) or file_field_name(version)
        if problem:
            raise InputError(path, f"{name}.{target}", problem)
        if target in seen:
            raise InputError(path, name, f"target {target!r} appears twice in this roster")
        seen.add(target)
    return entries


def merge_rosters(
    rosters: list[str],
    roster_files: list[Path],
    catalog: dict[str, dict[str, Any]],
    aliases: dict[str, str],
    origin: str | Path = "command line",
) -> tuple[dict[str, Target], dict[str, list[tuple[str, str]]]]:
    """Targets by name, and each roster's (target, aliased version) entries."""
    targets: dict[str, Target] = {}
    membership: dict[str, list[tuple[str, str]]] = {}
    for roster, body, path in _roster_sources(rosters, roster_files, origin):
        if roster in membership:
            raise InputError(path, roster, "roster requested twice")
        membership[roster] = []
        for name, version, info in _parse_roster(roster, body, path, catalog):
            short = aliases.get(version, version)
            membership[roster].append((name, short))
            target = targets.get(name)
            if target is None:
                target = targets[name] = Target(name, info["ra"], info["dec"], origin=f"{path}: {roster}")
            elif (
                abs(target.ra - info["ra"]) > POSITION_TOLERANCE_DEG
                or abs(target.dec - info["dec"]) > POSITION_TOLERANCE_DEG
            ):
                raise InputError(
                    path,
                    f"{roster}.{name}",
                    f"position ({info['ra']}, {info['dec']}) differs from "
                    f"({target.ra}, {target.dec}) in {target.origin}",
                )
            if short not in target.versions:
                target.versions.append(short)
                target.info[short] = {k: v for k, v in info.items() if k not in ("version",)}
    return targets, membership
