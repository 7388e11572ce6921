"""The prepared analysis: rosters -> targets x profiles, and every file of the analysis areas.

:func:`prepare_analysis` builds the complete set of files in memory (a :class:`Preparation`), reading
and checking every input, the analysis template's engine sections included; only then does
:func:`write_preparation` touch the disk, so bad input never leaves a half-prepared layout.
PrepareTargets writes it; ``pfj validate`` (the pipeline's check before any task) builds it
and writes nothing.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs import __version__
from pyfermijobs.config.analysis import config_for_target, load_template
from pyfermijobs.config.master import MasterConfig, SimSettings
from pyfermijobs.config.profiles import profile_source
from pyfermijobs.config.rosters import Target, load_aliases, load_catalog, merge_rosters
from pyfermijobs.config.run import Study, resolve_profile
from pyfermijobs.config.scenarios import load_rand_config, load_scenario
from pyfermijobs.config.template import data_settings, with_absolute_data_paths
from pyfermijobs.errors import InputError, closest
from pyfermijobs.io.sed_fits import sed_identity, write_sed
from pyfermijobs.layout import RANDOM_SIM, Layout, profile_name
from pyfermijobs.named_inputs import note
from pyfermijobs.preflight import check_target_data, check_template
from pyfermijobs.yamlio import dump_yaml, load_yaml, write_yaml


@dataclass
class Preparation:
    """Everything PrepareTargets writes, as relative path -> YAML data, and the run configuration."""

    master: MasterConfig
    targets: dict[str, Target]
    run_config: dict[str, Any]
    files: dict[Path, Any] = field(default_factory=dict)
    #: SEDs made elsewhere, as fermipy SED files to write: relative path -> (columns, header)
    seds: dict[Path, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)

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
        for path in sorted(self.seds):
            digest.update(str(path).encode())
            for name, column in sorted(self.seds[path][0].items()):
                digest.update(name.encode() + np.ascontiguousarray(column, dtype=float).tobytes())
        return digest.hexdigest()


def prepare_analysis(master: MasterConfig) -> Preparation:
    """Read and check every input the master names; return the files to write."""
    origin = master.source or "command line"
    aliases = load_aliases(master.alias_dict)
    catalog = load_catalog(master.targets_file)
    targets, membership = merge_rosters(master.rosters, master.roster_files, catalog, aliases, origin)
    external = sed_sources(master, targets)
    analysed = {name: t for name, t in targets.items() if name not in external}
    template = analysis_template(master, bool(analysed))
    if not analysed and (master.sims or master.random is not None):
        raise InputError(
            origin,
            "sims" if master.sims else "random",
            "control studies simulate or move the targets' ROIs, and every target's SED is read from a file "
            "(sed_files / sed_file): remove the studies or analyse some targets",
        )
    scenarios, settings, rand_config = control_studies(master)
    target_list = {
        t.name: [profile_name(v, s) for v in t.versions for s in master.spatial_models] for t in targets.values()
    }
    lists = area_lists(master, target_list, analysed, list(settings), aliases)
    studies = {name: prepared_study(name, sim, scenarios[name], lists[name]) for name, sim in settings.items()}
    areas = Areas(targets, analysed, target_list, lists, roster_lists(master, membership, analysed))
    files = area_files(master, areas, template)
    layout = Layout(Path("."), master.ttype)
    if external:
        files[layout.external_list()] = {t: target_list[t] for t in external}
    for name in settings:
        files[layout.scenario_copy(name)] = scenarios[name]
    if rand_config is not None:
        files[layout.rand_config_copy()] = rand_config
    run_config = {
        "pyfermijobs_version": __version__,
        "ttype": master.ttype,
        "backend": master.backend,
        "sim_backend": master.sim_backend,
        "spatial_models": master.spatial_models,
        "targets": {
            t.name: {
                "ra": t.ra,
                "dec": t.dec,
                "profiles": target_list[t.name],
                **({"sed_file": str(external[t.name][0])} if t.name in external else {}),
            }
            for t in targets.values()
        },
        "sims": {name: studies[name].to_doc() for name in master.sims},
        "random": studies[RANDOM_SIM].to_doc() if RANDOM_SIM in studies else None,
        "plotting": master.plotting,
        "aliases": aliases,
        "config_localpath": master.config_localpath,
        "darkmatter": darkmatter_doc(master, targets, scenarios),
        "inputs": {
            "master": str(master.source) if master.source else None,
            "config_template": str(master.config_template),
            "alias_dict": str(master.alias_dict) if master.alias_dict else None,
        },
    }
    seds = external_seds(master.ttype, targets, target_list, external)
    return Preparation(master=master, targets=targets, run_config=run_config, files=files, seds=seds)


def analysis_template(master: MasterConfig, needed: bool) -> dict[str, Any]:
    """The analysis template, its engine sections checked (real data: paths made absolute); none is
    needed when every target's SED is read from a file."""
    if not needed:
        return {}
    if not master.config_template.is_file():
        origin = master.source or "command line"
        raise InputError(origin, "config_template", f"analysis template {master.config_template} not found")
    template = load_template(master.config_template)
    check_template(template, master.config_template)  # the engine's sections too, before any work
    if data_settings(template, master.config_template) is not None:  # real data: absolute paths, ROIs checked
        template = with_absolute_data_paths(template, master.config_template.parent, master.config_template)
    return template


def control_studies(
    master: MasterConfig,
) -> tuple[dict[str, dict[str, Any]], dict[str, SimSettings], dict[str, Any] | None]:
    """Each control study's scenario and settings (the random directions' from their own file), and
    that file, read."""
    scenarios = {name: load_scenario(sim.scenario_file) for name, sim in master.sims.items()}
    settings: dict[str, SimSettings] = dict(master.sims)
    if master.random is None:
        return scenarios, settings, None
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
    settings[RANDOM_SIM] = SimSettings(
        name=RANDOM_SIM,
        seed=rand_config["seed"],
        nsims=rand_config["nsims"],
        nsims_job=master.random.nsims_job,
        profile=master.random.profile,
        scenario_file=None,
        rand_config=master.random.rand_config,
    )
    return scenarios, settings, rand_config


def area_lists(
    master: MasterConfig,
    target_list: dict[str, list[str]],
    analysed: dict[str, Target],
    studies: list[str],
    aliases: dict[str, str],
) -> dict[str, dict[str, list[str]]]:
    """Each study's target list: every profile of an analysed target (targets read from SED files
    have no ROI to simulate), except random directions with ``random.profile``. The simulated profile
    (``sim_defaults.profile``) is resolved where it is used (SimulateROI, ``pfj validate``)."""
    study_list = {t: p for t, p in target_list.items() if t in analysed}
    lists = {name: study_list for name in studies}
    if master.random is not None and master.random.profile is not None:
        origin = master.source or "command line"
        lists[RANDOM_SIM] = {
            t: [resolve_profile(master.random.profile, profiles, t, aliases, origin, "random.profile")]
            for t, profiles in study_list.items()
        }
    return lists


def roster_lists(
    master: MasterConfig, membership: dict[str, list[tuple[str, str]]], analysed: dict[str, Target]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The data's roster list ({roster}_{spatial model} -> target:profile) and the studies' (a study
    stacks the realizations it has: those of the analysed members)."""
    data: dict[str, list[str]] = {}
    for roster, entries in membership.items():
        for spatial in master.spatial_models:
            data[f"{roster}_{spatial}"] = [f"{name}:{profile_name(v, spatial)}" for name, v in entries]
    studies = {
        key: kept for key, members in data.items() if (kept := [m for m in members if m.split(":", 1)[0] in analysed])
    }
    return data, studies


def prepared_study(name: str, sim: SimSettings, scenario: dict[str, Any], profiles: dict[str, list[str]]) -> Study:
    """A study as the steps read it: ``non_null_src`` defaults to whether it injects (fermipy.jobs')."""
    injected = scenario["injected_source"] is not None
    non_null_src = injected if sim.non_null_src is None else sim.non_null_src
    return Study(
        name, sim.seed, sim.nsims, sim.nsims_job, sim.profile, injected, non_null_src, sim.do_find_src, profiles
    )


@dataclass(frozen=True)
class Areas:
    """What the data area and each study area list: targets, their profiles and rosters."""

    targets: dict[str, Target]
    analysed: dict[str, Target]
    target_list: dict[str, list[str]]  # the data's
    study_lists: dict[str, dict[str, list[str]]]  # study -> its target list
    rosters: tuple[dict[str, list[str]], dict[str, list[str]]]  # the data's, the studies'


def area_files(master: MasterConfig, areas: Areas, template: dict[str, Any]) -> dict[Path, Any]:
    """Per area: target and roster lists; per target: its analysis configuration (analysed targets;
    the data's checked against the real data), astro values and profile files."""
    layout = Layout(Path("."), master.ttype)
    files: dict[Path, Any] = {}
    for area in [None, *areas.study_lists]:
        files[layout.target_list(area)] = areas.target_list if area is None else areas.study_lists[area]
        files[layout.roster_list(area)] = areas.rosters[0] if area is None else areas.rosters[1]
        for target in areas.targets.values():
            if area is not None and target.name not in areas.analysed:
                continue
            if target.name in areas.analysed:
                local = layout.target_config(target.name, area, master.config_localpath)
                files[local] = config_for_target(template, target.ra, target.dec)
                if area is None:
                    check_target_data(template, target.ra, target.dec, master.config_template)
            for version in target.versions:
                astro = {k: v for k, v in target.info[version].items() if k not in SED_KEYS}
                files[layout.astro_value_file(target.name, version, area)] = astro
                for spatial in master.spatial_models:
                    files[layout.profile_file(target.name, profile_name(version, spatial), area)] = profile_source(
                        target.ra, target.dec, version, spatial
                    )
    return files


def external_seds(
    ttype: str, targets: dict[str, Target], target_list: dict[str, list[str]], external: dict[str, tuple[Path, str]]
) -> dict[Path, tuple[dict[str, Any], dict[str, Any]]]:
    """The SEDs read from files made elsewhere, as fermipy SED files of each of the target's profiles."""
    from pyfermijobs.io.castro_files import read_castro

    layout = Layout(Path("."), ttype)
    seds = {}
    for name, (path, row) in external.items():
        target = targets[name]
        sed, header = read_castro(path, row)
        for profile in target_list[name]:
            keys = sed_identity(name, name, profile, None, None, target.ra, target.dec, False)
            seds[layout.sed_file(name, profile)] = (sed, {**header, **keys})
    return seds


#: Roster / targets-file keys that say a target's SED is a file made elsewhere.
SED_KEYS = ("sed_file", "sed_row")


def sed_sources(master: MasterConfig, targets: dict[str, Target]) -> dict[str, tuple[Path, str]]:
    """Targets whose SED is a file made elsewhere: name -> (file, row of a multi-target file).

    A target's ``sed_file`` (explicit roster or targets file) wins over the master's ``sed_files``
    (a pattern with ``{target}``/``{version}``, or a mapping). Paths take ``$VARIABLES`` and are
    relative to the master file's folder. A target is either analysed or read, for all its versions.
    """
    origin = master.source or "command line"
    out: dict[str, tuple[Path, str]] = {}
    mapping = master.sed_files if isinstance(master.sed_files, dict) else {}
    for name in mapping:
        if name not in targets:
            raise InputError(origin, f"sed_files.{name}", "no roster lists this target" + closest(name, targets))
    for name, target in targets.items():
        chosen: set[tuple[str, str]] = set()
        read = 0
        for version in target.versions:
            info = target.info[version]
            if info.get("sed_file") is not None:
                value, key = str(info["sed_file"]), f"{name}.sed_file"
            elif isinstance(master.sed_files, str):
                value = master.sed_files.replace("{target}", name).replace("{version}", version)
                key = "sed_files"
            elif name in mapping:
                value, key = mapping[name], f"sed_files.{name}"
            else:
                continue
            path = Path(os.path.expandvars(value)).expanduser()
            path = path if path.is_absolute() else master.base / path
            if not path.is_file():
                raise InputError(origin, key, f"SED file {path} not found (target {name}, version {version})")
            chosen.add((str(note(path).resolve()), str(info.get("sed_row") or name)))
            read += 1
        if not chosen:
            continue
        if len(chosen) != 1 or read != len(target.versions):
            raise InputError(
                origin, name, "a target is analysed or read from one SED file, for all its versions (profiles)"
            )
        path, row = chosen.pop()
        out[name] = (Path(path), row)
    if master.sed_files is not None and not out:
        raise InputError(origin, "sed_files", "names no target of the rosters")
    return out


def darkmatter_doc(
    master: MasterConfig, targets: dict[str, Target], scenarios: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    """The dark-matter stage as prepared: its spectra file read, every J-factor (annihilation channels)
    and D-factor (decay channels) it needs checked."""
    from pyfermijobs.config.darkmatter import DarkMatter, check_astro_factor, load_spec_config
    from pyfermijobs.darkmatter.spectra import channel_name, is_decay
    from pyfermijobs.models.spectra import dm_decay

    settings = master.darkmatter
    origin = master.source or "command line"
    for name, scenario in scenarios.items():  # injected DM spectra with norm nan take the target's J (D)
        model = (scenario.get("injected_source") or {}).get("source_model") or {}
        if str(model.get("SpectrumType", "")).lower() == "dmfitfunction":
            decay = dm_decay(model)
            if decay and master.sim_backend != "builtin":
                raise InputError(
                    origin,
                    f"sims.{name}",
                    "a decay channel (channel0 101-112) is injected by the builtin engine only: sim_backend: builtin",
                )
            for target in targets.values():
                for version in target.versions:
                    info = target.info[version]
                    check_astro_factor(info, ["none"], target.name, version, f"{origin} (sims.{name})", decay)
    if settings is None:
        return None
    spec = load_spec_config(settings.specconfig)
    plot_channels = settings.plot_channels
    if plot_channels is None:
        plot_channels = [c for c in ("bb", "tautau") if c in spec.channels] or list(spec.channels[:2])
    for section, plots in master.plotting.items():
        for plot, opts in plots.items():
            for channel in [*plot_channels, *(opts.get("plot_channels") or [])]:
                key = f"{section}.{plot}.plot_channels" if channel not in plot_channels else "plot_channels"
                try:
                    short = channel_name(channel)
                except ValueError as exc:
                    raise InputError(origin, key, str(exc)) from None
                if short not in spec.channels:
                    raise InputError(
                        origin, key, f"channel {channel!r} is not in {settings.specconfig} (channels: {spec.channels})"
                    )
    kinds = {is_decay(c) for c in spec.channels}  # J for annihilation channels, D for decay ones
    for target in targets.values():
        for version in target.versions:
            for decay in sorted(kinds):
                check_astro_factor(target.info[version], settings.priors, target.name, version, origin, decay)
    dm = DarkMatter(
        tuple(settings.priors), spec, tuple(channel_name(c) for c in plot_channels), settings.reference_limits
    )
    if dm.reference_limits is not None and not any(dm.reference_file(c) for c in dm.spec.channels):
        raise InputError(
            origin,
            "reference_limits",
            f"no file {dm.reference_limits} for any channel of the stage ({', '.join(dm.spec.channels)})",
        )
    doc = dm.to_doc()
    return {**doc, "specconfig": str(settings.specconfig)}


def check_outdir(plan: Preparation, outdir: Path, overwrite: bool = False) -> Layout:
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


def write_preparation(plan: Preparation, outdir: Path, overwrite: bool = False) -> Layout:
    """Write the prepared files below ``outdir``, after :func:`check_outdir`."""
    layout = check_outdir(plan, outdir, overwrite)
    fingerprint = plan.fingerprint
    existing = layout.run_config()
    for relpath, data in plan.files.items():
        write_yaml(outdir / relpath, data)
    for relpath, (sed, header) in plan.seds.items():
        write_sed(outdir / relpath, sed, None, None, header)
    # Written last: its presence marks a complete preparation.
    write_yaml(existing, {**plan.run_config, "fingerprint": fingerprint})
    return layout
