"""The master configuration: what to analyse, which control studies, which backend.

Keys and defaults follow fermipy.jobs' master file (see the fermipy.jobs guide and the
official ``master_dSphs.yaml``) and dmpipe's for the dark-matter stage (``astro_priors``,
``plot_channels``, ``specconfig`` and the DM plot types). Relative paths resolve against the
folder of the master file; fermipy.jobs writes them relative to the analysis root
(``config/sim_null.yaml``), so when the master sits in that ``config/`` folder itself the
file of the same name beside the master is used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyfermijobs import layout
from pyfermijobs.config.darkmatter import default_specconfig
from pyfermijobs.config.fields import (
    Field,
    at_least,
    check_section,
    check_value,
    file_field_name,
    non_empty,
)
from pyfermijobs.config.rosters import looks_like_path
from pyfermijobs.errors import InputError
from pyfermijobs.layout import RANDOM_SIM
from pyfermijobs.named_inputs import note
from pyfermijobs.yamlio import load_yaml

BACKENDS = ("builtin", "fermipy")
SPATIAL_MODELS = ("point",)


def _spatial_models(value: list[str]) -> str | None:
    for model in value:
        if model not in SPATIAL_MODELS:
            return (
                f"spatial model {model!r} is not supported: only 'point' is in scope for now "
                "(radial and map profiles are planned)"
            )
    return non_empty(value)


def _sim_names(value: dict) -> str | None:
    for name in value:
        if not isinstance(name, str) or file_field_name(name):
            return f"scenario name {name!r} cannot be used in file names"
        if name == RANDOM_SIM:
            return "'random' is the random-direction study: configure it in the 'random' section"
    return None


def _sed_files(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return None if "{target}" in value else "a path pattern must hold {target} (or give a mapping target -> path)"
    if isinstance(value, dict) and value and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return "must be a path pattern with {target} or a mapping of target names to SED files"


#: Keys of ``sim_defaults`` and of each entry of ``sims``.
SIM_FIELDS: dict[str, Field] = {
    "seed": Field("int", 0, "random-number seed (and file key) of the first realization", at_least(0)),
    "nsims": Field("int", 20, "number of realizations", at_least(1)),
    "profile": Field(
        "str|null",
        None,
        "target version (an alias, or a profile name) that is simulated; default: the target's only profile",
    ),
    # 20 realizations are ~10 s of work on a 10 x 10 deg ROI: enough to hide a task's overhead
    "nsims_job": Field("int", 20, "realizations per task; 0 means all in one task", at_least(0)),
    "simfile": Field("str|null", None, "scenario file; default config/sim_{name}.yaml"),
    "non_null_src": Field(
        "bool|null",
        None,
        "zero the source at the target before each realization's SED; default: true when a source is injected",
    ),
    "do_find_src": Field("bool", False, "search each realization's residuals for new sources (sqrt(TS) > 5)"),
}

#: Keys of the ``random`` section.
RANDOM_FIELDS: dict[str, Field] = {
    "rand_config": Field("str|null", None, "random-direction file; default config/random_{ttype}.yaml"),
    "rand_dirs": Field("str|null", None, "fermipy.jobs' older name for rand_config"),
    "nsims_job": Field("int", 20, "directions per task; 0 means all in one task", at_least(0)),
    "profile": Field(
        "str|null", None, "target version analysed at the random directions; default: every profile of the target"
    ),
}

#: Plots of the dark-matter stage (dmpipe's names), per plotting section.
DM_PLOT_TYPES = {
    "data_plotting": ("plot-dm", "plot-limits", "plot-stacked-dm", "plot-stacked-limits", "plot-final-limits"),
    "sim_plotting": ("plot-stacked-dm", "plot-stacked-limits", "plot-control-limits", "plot-control-mles"),
    "rand_plotting": ("plot-stacked-dm", "plot-stacked-limits", "plot-control-limits", "plot-control-mles"),
}

#: Plot types this project makes, per plotting section.
PLOT_TYPES = {
    "data_plotting": ("plot-castro", "plot-roi", *DM_PLOT_TYPES["data_plotting"]),
    "sim_plotting": ("plot-bands", "plot-calibration", *DM_PLOT_TYPES["sim_plotting"]),
    "rand_plotting": ("plot-bands", *DM_PLOT_TYPES["rand_plotting"]),
}

#: Plots made when a plotting section lists none (and, with the dark-matter stage, its own).
DEFAULT_PLOTS = {
    "data_plotting": ("plot-castro", "plot-roi"),
    "sim_plotting": ("plot-calibration", "plot-bands"),
    "rand_plotting": ("plot-bands",),
}
DM_DEFAULT_PLOTS = {
    "data_plotting": ("plot-stacked-limits", "plot-final-limits"),
    "sim_plotting": ("plot-control-limits",),
    "rand_plotting": ("plot-control-limits",),
}

#: Options of a dark-matter plot (dmpipe's): which channels and priors it shows.
DM_PLOT_FIELDS = {
    "plot_channels": Field("list[str]|null", None, "channels plotted; default: the master's plot_channels"),
    "jpriors": Field("list[str]|null", None, "J-factor priors plotted; default: every one of astro_priors"),
    "astro_priors": Field("list[str]|null", None, "dmpipe's name of jpriors (the same key)"),
}

#: Plot types refused where they are not made, with what to use instead.
NOT_MADE = {
    "plot-castro": "castro plots are made for the data (data_plotting); the control studies' "
    "realizations are summarised by plot-bands and plot-calibration",
    "plot-roi": "ROI diagnostics are made for the data's baseline fit (data_plotting)",
    "plot-calibration": "calibration plots are made for the simulations (sim_plotting)",
    "plot-dm": "per-target DM castro plots are made for the data (data_plotting)",
    "plot-limits": "per-target limit plots are made for the data (data_plotting)",
    "plot-final-limits": "the final limits are the data's (data_plotting), over the control studies' bands",
    "plot-control-limits": "expected limits come from the control studies (sim_plotting, rand_plotting)",
    "plot-control-mles": "best-fit distributions come from the control studies (sim_plotting, rand_plotting)",
}

MASTER_FIELDS: dict[str, Field] = {
    "ttype": Field("str", doc="target type; names the top-level folders", check=file_field_name),
    "rosters": Field("list[str]", doc="roster names (looked up in roster_files) or roster file paths", check=non_empty),
    "roster_files": Field(
        "list[str]|null", None, "files to look roster names up in; default: every *roster*.yaml beside the master file"
    ),
    "targets_file": Field("str|null", None, "positions for dmsky-style rosters, over the shipped dwarf-galaxy catalog"),
    "spatial_models": Field("list[str]", lambda: ["point"], "spatial models of the test source", _spatial_models),
    "alias_dict": Field("str|null", None, "map of long profile names to short ones (no '_')"),
    "config_template": Field("str|null", None, "analysis template; default config/config_{ttype}.yaml"),
    "config_localpath": Field(
        "str|null",
        None,
        f"name of the analysis configuration in each target's folder; default {layout.TARGET_CONFIG}",
        file_field_name,
    ),
    "sim_defaults": Field("dict", dict, "defaults for every simulation scenario"),
    "sims": Field("dict|null", dict, "simulation scenarios: name -> overrides of sim_defaults", _sim_names),
    "random": Field("dict|null", None, "random-direction control study; absent means none"),
    "data_plotting": Field("dict|null", dict, "plots for the data"),
    "sim_plotting": Field("dict|null", dict, "plots for the simulations"),
    "rand_plotting": Field("dict|null", dict, "plots for the random directions"),
    "astro_priors": Field(
        "list[str]|null",
        None,
        "J-factor priors of the dark-matter stage, dmsky's names (none, gauss, lgauss, lgauss_like, "
        "lgauss_log, lognorm, norm); absent: none",
    ),
    "jpriors": Field("list[str]|null", None, "dmpipe's older name for astro_priors"),
    "plot_channels": Field("list[str]|null", None, "channels the dark-matter plots show; default: bb and tautau"),
    "specconfig": Field("str|null", None, "dark-matter spectra file; default config/dm_spectra_{ttype}.yaml"),
    "sed_files": Field(
        "any",
        None,
        "likelihood SEDs made elsewhere, read instead of analysing those targets: a path with {target} "
        "(and optionally {version}), or a mapping target -> path",
        _sed_files,
    ),
    "reference_limits": Field(
        "str|null",
        None,
        "published limits in the LAT release's layout (limits_{channel}.txt, {channel} in the path), "
        "overlaid on the final-limits plot",
    ),
    "backend": Field("str", "builtin", "engine of the data analysis (AnalyzeROI, AnalyzeSED)", choices=BACKENDS),
    "sim_backend": Field(
        "str|null",
        None,
        "engine of the control studies (simulations, random directions); default: backend",
        choices=BACKENDS,
    ),
}


@dataclass(frozen=True)
class SimSettings:
    """One simulation scenario, or the random-direction study, with its files resolved."""

    name: str
    seed: int
    nsims: int
    nsims_job: int
    profile: str | None
    scenario_file: Path | None
    rand_config: Path | None = None
    non_null_src: bool | None = None
    do_find_src: bool = False

    @property
    def last(self) -> int:
        """Last seed, inclusive (fermipy's collected/summary file names use it)."""
        return self.seed + self.nsims - 1


@dataclass(frozen=True)
class MasterConfig:
    """A validated master configuration with every path made absolute."""

    source: Path | None
    ttype: str
    rosters: list[str]
    roster_files: list[Path]
    targets_file: Path | None
    spatial_models: list[str]
    alias_dict: Path | None
    config_template: Path
    sim_defaults: dict[str, Any]
    sims: dict[str, SimSettings]
    random: SimSettings | None
    plotting: dict[str, dict[str, dict]] = field(default_factory=dict)
    backend: str = "builtin"
    sim_backend: str = "builtin"
    config_localpath: str = layout.TARGET_CONFIG
    #: the dark-matter stage: priors, spectra file, plotted channels (None: no stage)
    darkmatter: DarkMatterSettings | None = None
    #: SEDs made elsewhere: a pattern with {target}/{version} or target -> path (None: every target is analysed)
    sed_files: str | dict[str, str] | None = None
    #: the folder the master's relative paths start from
    base: Path = Path(".")


@dataclass(frozen=True)
class DarkMatterSettings:
    priors: list[str]
    specconfig: Path
    plot_channels: list[str] | None
    #: published limits to compare with: a path with {channel} (the LAT release's limits_{channel}.txt)
    reference_limits: str | None = None


def resolve_input(value: str, base: Path, file: str | Path, key: str, must_exist: bool = True) -> Path:
    """Resolve a path from a configuration file, as the module docstring describes."""
    path = Path(value).expanduser()
    if path.is_absolute():
        candidates = [path]
    else:
        candidates = [base / path]
        if path.parent != Path("."):
            candidates.append(base / path.name)
    for candidate in candidates:
        if candidate.exists():
            return note(candidate.resolve())
    if not must_exist:
        return candidates[0].resolve()
    tried = " or ".join(str(c) for c in candidates)
    raise InputError(file, key, f"file {value!r} not found (looked for {tried})")


def _one_profile(section: Any, file: str | Path, prefix: str) -> Any:
    """``profile: ['point']`` (the fermipy.jobs guide's sample) means ``profile: point``."""
    if isinstance(section, dict) and isinstance(section.get("profile"), list):
        value = section["profile"]
        if len(value) != 1:
            raise InputError(
                file, f"{prefix}profile", f"one profile is simulated: give one name, not a list of {len(value)}"
            )
        section = {**section, "profile": value[0]}
    return section


def _plotting(raw: dict | None, section: str, file: str | Path) -> dict[str, dict]:
    fields = {name: Field("dict|null", None) for name in PLOT_TYPES[section]}
    for name in raw or {}:
        if name in NOT_MADE and name not in fields:
            raise InputError(file, f"{section}.{name}", f"not made here: {NOT_MADE[name]}")
    checked = check_section(raw, fields, file, f"{section}.")
    out = {}
    for name, opts in checked.items():
        if name not in (raw or {}):
            continue
        if name in DM_PLOT_TYPES[section]:
            opts = check_section(opts or {}, DM_PLOT_FIELDS, file, f"{section}.{name}.")
            if opts["astro_priors"] is not None:
                if opts["jpriors"] is not None:
                    raise InputError(file, f"{section}.{name}.astro_priors", "give astro_priors or jpriors, not both")
                opts["jpriors"] = opts["astro_priors"]
            opts = {k: v for k, v in opts.items() if v is not None and k != "astro_priors"}
        elif opts:
            raise InputError(file, f"{section}.{name}.{next(iter(opts))}", "this plot takes no options")
        out[name] = opts or {}
    return out


def load_master(path: str | Path | None, overrides: dict[str, Any] | None = None) -> MasterConfig:
    """Read and check a master configuration; ``overrides`` (CLI flags) win over the file.

    With ``path=None`` the configuration comes from ``overrides`` alone (the fermipy.jobs guide's
    flag-only ``fermipy-prepare-targets`` usage). Paths in ``overrides`` must be absolute
    (the CLI resolves them against the working directory). ``overrides['sims']`` may be a
    list of scenario names, as the guide's repeatable ``--sims`` flag gives, where
    ``random`` selects the random-direction study; ``overrides['rand_config']`` sets the
    random-direction file.
    """
    raw, file, base = _read_master(path)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    merged = _merged(raw, overrides)

    def where(key: str) -> str | Path:
        return "command line" if key in overrides else file

    top = check_section(merged, MASTER_FIELDS, file)
    ttype = top["ttype"]
    sim_defaults = check_section(
        _one_profile(top["sim_defaults"], where("sim_defaults"), "sim_defaults."),
        SIM_FIELDS,
        where("sim_defaults"),
        "sim_defaults.",
    )
    sims = {
        name: _sim_settings(name, opts, sim_defaults, base, where("sims")) for name, opts in (top["sims"] or {}).items()
    }
    random = None if top["random"] is None else _random_settings(top["random"], ttype, base, where("random"))

    def opt_path(key: str, default: str | None = None) -> Path | None:
        value = top[key] or default
        if value is None:
            return None
        return resolve_input(value, base, where(key), key)

    if top["roster_files"] is not None:
        roster_files = [resolve_input(v, base, where("roster_files"), "roster_files") for v in top["roster_files"]]
    else:
        roster_files = sorted(base.glob("*roster*.yaml")) + sorted(base.glob("*roster*.yml"))

    rosters = [
        str(resolve_input(r, base, where("rosters"), "rosters")) if looks_like_path(r) else r for r in top["rosters"]
    ]
    if top["sim_backend"] == "fermipy" and top["backend"] != "fermipy":
        raise InputError(
            where("sim_backend"),
            "sim_backend",
            "fermipy control studies start from fermipy's baseline fit: they need 'backend: fermipy'",
        )

    plotting = {s: _plotting(top[s], s, file) for s in PLOT_TYPES}
    darkmatter = _darkmatter(top, ttype, base, where, plotting, file)
    return MasterConfig(
        source=Path(path) if path is not None else None,
        ttype=ttype,
        rosters=rosters,
        roster_files=roster_files,
        targets_file=opt_path("targets_file"),
        spatial_models=list(top["spatial_models"]),
        alias_dict=opt_path("alias_dict"),
        config_template=_template_path(top["config_template"], ttype, base, where("config_template")),
        sim_defaults=sim_defaults,
        sims=sims,
        random=random,
        plotting=plotting,
        darkmatter=darkmatter,
        backend=top["backend"],
        sim_backend=top["sim_backend"] or top["backend"],
        config_localpath=top["config_localpath"] or layout.TARGET_CONFIG,
        sed_files=top["sed_files"],
        base=base,
    )


def _read_master(path: str | Path | None) -> tuple[dict[str, Any], str | Path, Path]:
    """The master file's mapping, what messages call it and the folder its paths are relative to
    (no file: the flags alone, relative to the working folder)."""
    if path is None:
        return {}, "command line", Path.cwd()
    path = Path(path).resolve()
    raw = load_yaml(path, "master configuration")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise InputError(path, None, "the master configuration must be a mapping of keys to values")
    return raw, path, path.parent


def _merged(raw: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The file's keys with the flags' over them; ``--sims`` (a list of names) selects studies of the
    file's ``sims`` (and ``random``), ``--rand_config`` sets the random-direction file."""
    merged = dict(raw)
    if isinstance(overrides.get("sims"), list):
        names = overrides.pop("sims")
        raw_sims = raw.get("sims") if isinstance(raw.get("sims"), dict) else {}
        merged["sims"] = {name: raw_sims.get(name, {}) for name in names if name != RANDOM_SIM}
        if RANDOM_SIM in names:
            merged["random"] = raw.get("random") or {}
        else:
            merged.pop("random", None)
    if "rand_config" in overrides:
        merged["random"] = {**(merged.get("random") or {}), "rand_config": overrides.pop("rand_config")}
    merged.update(overrides)
    return merged


def _sim_settings(name: str, opts: Any, sim_defaults: dict[str, Any], base: Path, file: str | Path) -> SimSettings:
    """One entry of ``sims``, its unset keys taken from ``sim_defaults``, every value checked."""
    prefix = f"sims.{name}."
    # no defaults of its own: an unset key is sim_defaults' (simfile's default is per scenario)
    fields = {k: Field(f.kind, f.default if k == "simfile" else None, f.doc, f.check) for k, f in SIM_FIELDS.items()}
    given = check_section(_one_profile(opts, file, prefix), fields, file, prefix)
    merged = {k: (v if v is not None else sim_defaults[k]) for k, v in {**sim_defaults, **given}.items()}
    for key in SIM_FIELDS:
        if merged[key] is not None:
            check_value(merged[key], SIM_FIELDS[key], file, prefix + key)
    simfile = merged["simfile"] or layout.default_simfile(name)
    return SimSettings(
        name=name,
        seed=merged["seed"],
        nsims=merged["nsims"],
        nsims_job=merged["nsims_job"],
        profile=merged["profile"],
        scenario_file=resolve_input(simfile, base, file, f"{prefix}simfile"),
        non_null_src=merged["non_null_src"],
        do_find_src=merged["do_find_src"],
    )


def _random_settings(opts: Any, ttype: str, base: Path, file: str | Path) -> SimSettings:
    """The ``random`` section: its direction file and options (seeds come from that file)."""
    ropts = check_section(_one_profile(opts, file, "random."), RANDOM_FIELDS, file, "random.")
    rand_value = ropts["rand_config"] or ropts["rand_dirs"] or layout.default_rand_config(ttype)
    rand_config = resolve_input(rand_value, base, file, "random.rand_config")
    scenario = resolve_input(layout.default_simfile(RANDOM_SIM), base, file, "random", must_exist=False)
    return SimSettings(
        name=RANDOM_SIM,
        seed=0,  # filled from the random-direction file by the preparation
        nsims=0,
        nsims_job=ropts["nsims_job"],
        profile=ropts["profile"],
        scenario_file=scenario if scenario.exists() else None,
        rand_config=rand_config,
    )


def _template_path(value: str | None, ttype: str, base: Path, file: str | Path) -> Path:
    """The analysis template; the default one may be absent (checked by the preparation, which
    needs it only when some target is analysed rather than read from an SED file)."""
    if value is not None:
        return resolve_input(value, base, file, "config_template")
    return resolve_input(layout.default_config_template(ttype), base, file, "config_template", must_exist=False)


def _darkmatter(
    top: dict[str, Any], ttype: str, base: Path, where: Any, plotting: dict[str, dict[str, dict]], file: str | Path
) -> DarkMatterSettings | None:
    """The dark-matter stage's settings; DM plots or keys without ``astro_priors`` are refused."""
    from pyfermijobs.darkmatter.priors import PRIORS

    if top["astro_priors"] is not None and top["jpriors"] is not None:
        raise InputError(where("jpriors"), "jpriors", "give astro_priors or its older name jpriors, not both")
    key = "astro_priors" if top["astro_priors"] is not None else "jpriors"
    priors = top[key]
    if priors is None:
        for name in ("plot_channels", "specconfig"):
            if top[name] is not None:
                raise InputError(where(name), name, "belongs to the dark-matter stage, which astro_priors turns on")
        for section, plots in plotting.items():
            for plot in plots:
                if plot in DM_PLOT_TYPES[section]:
                    raise InputError(
                        file, f"{section}.{plot}", "a dark-matter plot: set astro_priors to run the dark-matter stage"
                    )
        if top["reference_limits"] is not None:
            raise InputError(
                where("reference_limits"),
                "reference_limits",
                "belongs to the dark-matter stage, which astro_priors turns on",
            )
        return None
    if not priors:
        raise InputError(where(key), key, f"list at least one J-factor prior ({', '.join(PRIORS)})")
    for prior in priors:
        if prior not in PRIORS:
            raise InputError(where(key), key, f"unknown J-factor prior {prior!r}; known: {', '.join(PRIORS)}")
    for section, plots in plotting.items():
        for plot, opts in plots.items():
            for prior in opts.get("jpriors") or []:
                if prior not in priors:
                    raise InputError(
                        file, f"{section}.{plot}.jpriors", f"prior {prior!r} is not one of astro_priors {priors}"
                    )
    specconfig = resolve_input(top["specconfig"] or default_specconfig(ttype), base, where("specconfig"), "specconfig")
    reference = top["reference_limits"]
    if reference is not None:
        if "{channel}" not in reference:
            raise InputError(
                where("reference_limits"), "reference_limits", "the path must hold {channel} (limits_{channel}.txt)"
            )
        reference = os.path.expandvars(reference)
        if not Path(reference).expanduser().is_absolute():
            reference = str(base / reference)
    return DarkMatterSettings(list(priors), specconfig, top["plot_channels"], reference)


def master_from_options(args: Mapping[str, Any]) -> MasterConfig:
    """The master configuration of a step's options: ``--master`` and the flags beside it."""
    keys = ("ttype", "rosters", "spatial_models", "alias_dict", "sims", "rand_config", "backend", "sim_backend")
    overrides = {key: args.get(key) for key in keys}
    overrides["config_template"] = args.get("config")
    return load_master(args.get("master"), overrides)
