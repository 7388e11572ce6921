"""What the step modules share: locating the analysis, choosing targets, the run configuration."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pyfermijobs.errors import InputError
from pyfermijobs.layout import Layout
from pyfermijobs.progress import progress
from pyfermijobs.yamlio import load_yaml


def layout_of(args: dict[str, Any]) -> Layout:
    if not args.get("ttype"):
        raise InputError("command line", "--ttype", "required: the target type of the prepared analysis")
    layout = Layout(Path(args.get("outdir") or "."), args["ttype"])
    if not layout.run_config().exists():
        raise InputError(
            layout.run_config(), None, "no prepared analysis here: run 'pfj prepare-targets' first (or pass --outdir)"
        )
    return layout


def run_config(layout: Layout) -> dict[str, Any]:
    return load_yaml(layout.run_config(), "run configuration")


def target_profiles(args: dict[str, Any], layout: Layout, sim: str | None = None) -> dict[str, list[str]]:
    """{target: [profile, ...]} for ``--target`` (one) or ``--targetlist`` (all of a list)."""
    listing = args.get("targetlist") or layout.target_list(sim)
    targets = load_yaml(listing, "target list")
    if not isinstance(targets, dict):
        raise InputError(listing, None, "a target list maps target names to lists of profiles")
    if args.get("target"):
        name = args["target"]
        if name not in targets:
            from pyfermijobs.errors import closest

            raise InputError(listing, name, "unknown target" + closest(name, targets))
        targets = {name: targets[name]}
    elif not args.get("targetlist"):
        raise InputError("command line", "--target", "give --target NAME or --targetlist FILE")
    if args.get("profile"):
        for name, profiles in targets.items():
            if args["profile"] not in profiles:
                raise InputError(
                    listing, f"{name}.{args['profile']}", f"unknown profile (target {name} has {', '.join(profiles)})"
                )
        targets = {name: [args["profile"]] for name in targets}
    return targets


def require_sim(args: dict[str, Any], config: dict[str, Any], allow_random: bool = True) -> str:
    sim = args.get("sim")
    if not sim:
        raise InputError("command line", "--sim", "required: the simulation scenario (or 'random')")
    known = list(config.get("sims") or {}) + (["random"] if config.get("random") and allow_random else [])
    if sim not in known:
        from pyfermijobs.errors import closest

        raise InputError(
            config.get("inputs", {}).get("master") or "run configuration",
            "--sim",
            f"scenario {sim!r} was not prepared (prepared: {', '.join(known) or 'none'})" + closest(sim, known),
        )
    return sim


def fermitools_for(config: dict[str, Any], sim: str | None) -> Any:
    """Fermitools when the step's engine is fermipy (None for the builtin engine).

    Checked before any work: without Fermitools the step stops with how to get it.
    """
    from pyfermijobs.backends import FERMIPY, step_backend

    if step_backend(config, sim) != FERMIPY:
        return None
    from pyfermijobs.backends.fermitools import require_fermitools

    key = "backend" if sim is None else "sim_backend"
    return require_fermitools(config.get("inputs", {}).get("master") or "run configuration", key)


def builtin_prefix(config: dict[str, Any], prefix: str) -> str:
    """Name of the baseline ROI in the builtin engine's files: the fit itself, or its export from fermipy."""
    from pyfermijobs.backends import BUILTIN, data_backend

    return prefix if data_backend(config) == BUILTIN else Layout.exported_prefix(prefix)


def for_each(items: Iterable[Any], total: int, label: str, work: Callable[[Any], None]) -> None:
    """Run ``work`` over items, with progress on a terminal."""
    for item in progress(items, total, label):
        work(item)
