"""PrepareTargets: rosters -> targets x profiles, and the analysis areas on disk.

The step first builds the complete set of files in memory (:func:`plan_targets`), which
reads and checks every input; only then does :func:`write_plan` touch the disk. So bad
input never leaves a half-prepared layout.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyfermijobs import __version__
from pyfermijobs.config.analysis import load_template, target_config
from pyfermijobs.config.master import MasterConfig, SimSettings
from pyfermijobs.config.rosters import Target, load_aliases, load_catalog, merge_rosters
from pyfermijobs.config.run import resolve_profile
from pyfermijobs.config.scenarios import load_rand_config, load_scenario
from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM, Layout, profile_name
from pyfermijobs.yamlio import dump_yaml, load_yaml, write_yaml


@dataclass
class Plan:
    """Everything PrepareTargets will write, as relative path -> YAML data."""

    master: MasterConfig
    targets: dict[str, Target]
    run_config: dict[str, Any]
    files: dict[Path, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Hash of every planned file and of the run configuration (less the tool version):
        equal fingerprints mean the same configuration."""
        digest = hashlib.sha256()
        settings = {k: v for k, v in self.run_config.items() if k != "pyfermijobs_version"}
        digest.update(dump_yaml(settings).encode())
        for path in sorted(self.files):
            digest.update(str(path).encode())
            digest.update(dump_yaml(self.files[path]).encode())
        return digest.hexdigest()


def _profile_dict(target: Target, version: str, spatial: str) -> dict[str, Any]:
    """Test-source definition of one profile, in fermipy.jobs' ``profile_*.yaml`` form."""
    return {
        "name": profile_name(version, spatial),
        "source_model": {"SpectrumType": "PowerLaw", "RA": target.ra, "DEC": target.dec, "SpatialModel": "PointSource"},
    }


def plan_targets(master: MasterConfig) -> Plan:
    """Read and check every input the master names; return the files to write."""
    origin = master.source or "command line"
    aliases = load_aliases(master.alias_dict)
    catalog = load_catalog(master.targets_file)
    targets, membership = merge_rosters(master.rosters, master.roster_files, catalog, aliases, origin)
    template = load_template(master.config_template)

    scenarios = {name: load_scenario(sim.scenario_file) for name, sim in master.sims.items()}
    studies: dict[str, SimSettings] = dict(master.sims)
    rand_config = None
    if master.random is not None:
        rand_config = load_rand_config(master.random.rand_config)
        scenario = {"injected_source": None}
        if master.random.scenario_file is not None:
            scenario = load_scenario(master.random.scenario_file)
            if scenario["injected_source"] is not None:
                raise InputError(
                    master.random.scenario_file,
                    "injected_source",
                    "the random-direction study injects nothing: leave it empty",
                )
        scenarios[RANDOM_SIM] = scenario
        studies[RANDOM_SIM] = SimSettings(
            name=RANDOM_SIM,
            seed=rand_config["seed"],
            nsims=rand_config["nsims"],
            nsims_job=master.random.nsims_job,
            profile=master.random.profile,
            scenario_file=None,
            rand_config=master.random.rand_config,
        )
    layout = Layout(Path("."), master.ttype)
    files: dict[Path, Any] = {}
    target_list = {
        t.name: [profile_name(v, s) for v in t.versions for s in master.spatial_models] for t in targets.values()
    }
    # Each study analyses every profile of a target, except random directions with random.profile.
    # The simulated profile (sim_defaults.profile) is resolved where it is used (SimulateROI, pfj validate).
    area_lists = {name: target_list for name in studies}
    if master.random is not None and master.random.profile is not None:
        area_lists[RANDOM_SIM] = {
            t: [resolve_profile(master.random.profile, profiles, t, aliases, origin, "random.profile")]
            for t, profiles in target_list.items()
        }
    roster_list: dict[str, list[str]] = {}
    for roster, entries in membership.items():
        for spatial in master.spatial_models:
            roster_list[f"{roster}_{spatial}"] = [f"{name}:{profile_name(v, spatial)}" for name, v in entries]

    for area in [None, *studies]:
        files[layout.target_list(area)] = target_list if area is None else area_lists[area]
        files[layout.roster_list(area)] = roster_list
        for target in targets.values():
            files[layout.target_config(target.name, area)] = target_config(template, target.ra, target.dec)
            for version in target.versions:
                files[layout.astro_value_file(target.name, version, area)] = target.info[version]
                for spatial in master.spatial_models:
                    files[layout.profile_file(target.name, profile_name(version, spatial), area)] = _profile_dict(
                        target, version, spatial
                    )
    for name in studies:
        files[layout.scenario_copy(name)] = scenarios[name]
    if rand_config is not None:
        files[layout.rand_config_copy()] = rand_config

    def study_entry(name: str, sim: SimSettings) -> dict[str, Any]:
        injected = scenarios[name]["injected_source"] is not None
        return {
            "seed": sim.seed,
            "nsims": sim.nsims,
            "last": sim.last,
            "nsims_job": sim.nsims_job,
            "profile": sim.profile,
            "injected": injected,
            "non_null_src": injected if sim.non_null_src is None else sim.non_null_src,
            "do_find_src": sim.do_find_src,
            "profiles": area_lists[name],
        }

    run_config = {
        "pyfermijobs_version": __version__,
        "ttype": master.ttype,
        "backend": master.backend,
        "sim_backend": master.sim_backend,
        "spatial_models": master.spatial_models,
        "targets": {t.name: {"ra": t.ra, "dec": t.dec, "profiles": target_list[t.name]} for t in targets.values()},
        "sims": {name: study_entry(name, sim) for name, sim in master.sims.items()},
        "random": study_entry(RANDOM_SIM, studies[RANDOM_SIM]) if RANDOM_SIM in studies else None,
        "plotting": master.plotting,
        "aliases": aliases,
        "inputs": {
            "master": str(master.source) if master.source else None,
            "config_template": str(master.config_template),
            "alias_dict": str(master.alias_dict) if master.alias_dict else None,
        },
    }
    return Plan(master=master, targets=targets, run_config=run_config, files=files)


def check_outdir(plan: Plan, outdir: Path, overwrite: bool = False) -> Layout:
    """Refuse an output folder that holds the results of another configuration."""
    layout = Layout(outdir, plan.master.ttype)
    existing = layout.run_config()
    if existing.exists():
        previous = load_yaml(existing, "previous run configuration") or {}
        if previous.get("fingerprint") != plan.fingerprint and not overwrite:
            raise InputError(
                outdir,
                plan.master.ttype,
                "this output folder holds the results of a different configuration "
                f"({existing}); choose another output folder or pass --overwrite",
            )
    elif layout.target_list().exists() and not overwrite:
        raise InputError(
            outdir,
            plan.master.ttype,
            f"{layout.target_list()} exists but was not written by pyfermijobs; "
            "choose another output folder or pass --overwrite",
        )
    return layout


def write_plan(plan: Plan, outdir: Path, overwrite: bool = False) -> Layout:
    """Write the planned files below ``outdir``, after :func:`check_outdir`."""
    layout = check_outdir(plan, outdir, overwrite)
    fingerprint = plan.fingerprint
    existing = layout.run_config()
    for relpath, data in plan.files.items():
        write_yaml(outdir / relpath, data)
    # Written last: its presence marks a complete preparation.
    write_yaml(existing, {**plan.run_config, "fingerprint": fingerprint})
    return layout


def prepare_targets(master: MasterConfig, outdir: Path | str = ".", overwrite: bool = False) -> Layout:
    """PrepareTargets: plan (reading and checking every input), then write."""
    return write_plan(plan_targets(master), Path(outdir), overwrite)


def master_from_args(args: dict[str, Any]) -> MasterConfig:
    """The master configuration of a step's options: ``--master`` and the flags beside it."""
    from pyfermijobs.config.master import load_master

    overrides = {
        key: args.get(key)
        for key in ("ttype", "rosters", "spatial_models", "alias_dict", "sims", "rand_config", "backend", "sim_backend")
    }
    overrides["config_template"] = args.get("config")
    return load_master(args.get("master"), overrides)


def run(args: dict[str, Any]) -> None:
    """CLI / API entry: ``args`` holds the options given (absolute paths)."""
    master = master_from_args(args)
    layout = prepare_targets(master, args.get("outdir") or ".", bool(args.get("overwrite")))
    targets = load_yaml(layout.target_list(), "target list")
    nprof = sum(len(p) for p in targets.values())
    studies = [*master.sims, *(["random"] if master.random else [])]
    print(
        f"prepared {len(targets)} targets, {nprof} target profiles, "
        f"control studies: {', '.join(studies) or 'none'}; target list: {layout.target_list()}"
    )
