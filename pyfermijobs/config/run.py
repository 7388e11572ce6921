"""The prepared run (``{ttype}/pipeline_config.yaml``), typed: the questions the steps ask of it.

PrepareTargets writes the resolved configuration once; every later step, ``pfj plan`` (the
pipeline's channels) and the report read it back through :class:`RunConfig`: the targets
and their profiles, each control study (:class:`Study`: its seed range, chunks, options and
engine), the plots wanted. Nothing else reads that file by string keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyfermijobs.config.darkmatter import DarkMatter
from pyfermijobs.config.master import DEFAULT_PLOTS, DM_DEFAULT_PLOTS
from pyfermijobs.errors import InputError, closest
from pyfermijobs.layout import RANDOM_SIM, TARGET_CONFIG, Layout

BUILTIN = "builtin"
FERMIPY = "fermipy"


def resolve_profile(
    requested: str | None, profiles: list[str], target: str, aliases: dict[str, str], origin: Any, key: str
) -> str:
    """The profile of ``target`` that ``requested`` names, as fermipy.jobs' ``sim_profile`` does.

    ``requested`` is what the master file or ``--sim_profile`` give: a version (``nfw``), its
    alias or the long name the alias maps (``ackermann2016_photoj_0.6_nfw`` -> ``ack2016``), or a
    full profile name (``ack2016_point``); a spatial-model name (``point``, as the fermipy.jobs
    guide's sample writes) names the target's only profile of that model. Nothing requested
    and one profile: that one.
    """
    if requested is None:
        if len(profiles) == 1:
            return profiles[0]
        raise InputError(
            origin,
            key,
            f"target {target} has several profiles ({', '.join(profiles)}): say which one is simulated "
            "(sim_defaults.profile in the master file, or --sim_profile)",
        )
    name = aliases.get(requested, requested)
    if name in profiles:
        return name
    by_version = [p for p in profiles if p.rsplit("_", 1)[0] == name]
    if by_version:
        return by_version[0]
    by_model = [p for p in profiles if p.rsplit("_", 1)[-1] == name]
    if len(by_model) == 1:
        return by_model[0]
    raise InputError(
        origin,
        key,
        f"{requested!r} is no profile of target {target} (after aliasing; its profiles: {', '.join(profiles)})"
        + closest(name, [p.rsplit("_", 1)[0] for p in profiles]),
    )


@dataclass(frozen=True)
class Study:
    """A simulation scenario or the random-direction study, as prepared."""

    name: str
    seed: int
    nsims: int
    nsims_job: int
    profile: str | None  # what the master file asks to simulate (unresolved); None: the target's only profile
    injected: bool
    non_null_src: bool
    do_find_src: bool
    profiles: dict[str, list[str]]  # target -> profiles analysed in this study

    @property
    def last(self) -> int:
        """Last seed, inclusive (the collected/summary file names use it)."""
        return self.seed + self.nsims - 1

    def seeds(self, seed: int | None = None, nsims: int | None = None) -> range:
        """The seeds to run: the study's, unless ``--seed``/``--nsims`` say otherwise."""
        first = self.seed if seed is None else seed
        count = self.nsims if nsims is None else nsims
        if first < 0 or count < 1:
            raise InputError("command line", "--seed/--nsims", f"need seed >= 0 and nsims >= 1, got {first}, {count}")
        return range(first, first + count)

    def chunks(self) -> list[dict[str, int]]:
        """``[{first, nsims}, ...]`` covering the study's seeds, ``nsims_job`` each (0: one chunk).

        The same words as the study's own range and as the steps' ``--seed``/``--nsims``' meaning,
        from Python to the pipeline's ``meta``.
        """
        size = self.nsims if self.nsims_job <= 0 else self.nsims_job
        end = self.seed + self.nsims
        return [{"first": first, "nsims": min(size, end - first)} for first in range(self.seed, end, size)]

    @classmethod
    def from_doc(cls, name: str, doc: dict[str, Any]) -> Study:
        return cls(
            name=name,
            seed=int(doc["seed"]),
            nsims=int(doc["nsims"]),
            nsims_job=int(doc["nsims_job"]),
            profile=doc.get("profile"),
            injected=bool(doc["injected"]),
            non_null_src=bool(doc["non_null_src"]),
            do_find_src=bool(doc["do_find_src"]),
            profiles={t: list(p) for t, p in (doc.get("profiles") or {}).items()},
        )

    def to_doc(self) -> dict[str, Any]:
        """What ``pipeline_config.yaml`` holds for the study (read back by :meth:`from_doc`)."""
        return {
            "seed": self.seed,
            "nsims": self.nsims,
            "last": self.last,
            "nsims_job": self.nsims_job,
            "profile": self.profile,
            "injected": self.injected,
            "non_null_src": self.non_null_src,
            "do_find_src": self.do_find_src,
            "profiles": self.profiles,
        }


@dataclass(frozen=True)
class RunConfig:
    """The resolved configuration PrepareTargets ran with."""

    file: Path
    ttype: str
    backend: str
    sim_backend: str
    spatial_models: list[str]
    targets: dict[str, dict[str, Any]]  # target -> {ra, dec, profiles}
    sims: dict[str, Study]
    random: Study | None
    plotting: dict[str, dict[str, dict]]
    aliases: dict[str, str]
    master: str | None
    #: the analysis template PrepareTargets read (for the report)
    config_template: str | None = None
    #: the analysis configuration's name in each target's folder (master: config_localpath)
    config_name: str = TARGET_CONFIG
    #: the dark-matter stage (None: not run)
    darkmatter: DarkMatter | None = None

    @classmethod
    def read(cls, layout: Layout) -> RunConfig:
        from pyfermijobs.yamlio import load_yaml

        return cls.from_doc(load_yaml(layout.run_config(), "run configuration"), layout.run_config())

    @classmethod
    def from_doc(cls, doc: dict[str, Any], path: Path) -> RunConfig:
        """From the document PrepareTargets writes (or is about to write)."""
        try:
            backend = str(doc.get("backend") or BUILTIN)
            return cls(
                file=path,
                ttype=str(doc["ttype"]),
                backend=backend,
                sim_backend=str(doc.get("sim_backend") or backend),
                spatial_models=list(doc.get("spatial_models") or ["point"]),
                targets=dict(doc["targets"]),
                sims={n: Study.from_doc(n, s) for n, s in (doc.get("sims") or {}).items()},
                random=Study.from_doc(RANDOM_SIM, doc["random"]) if doc.get("random") else None,
                plotting=dict(doc.get("plotting") or {}),
                aliases=dict(doc.get("aliases") or {}),
                master=(doc.get("inputs") or {}).get("master"),
                config_template=(doc.get("inputs") or {}).get("config_template"),
                config_name=str(doc.get("config_localpath") or TARGET_CONFIG),
                darkmatter=DarkMatter.from_doc(doc["darkmatter"]) if doc.get("darkmatter") else None,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(path, str(exc), "malformed run configuration: prepare the analysis again") from None

    @property
    def origin(self) -> str:
        """Where the user wrote the configuration (for messages)."""
        return self.master or str(self.file)

    @property
    def studies(self) -> dict[str, Study]:
        """Every control study: the scenarios, then the random directions."""
        return {**self.sims, **({RANDOM_SIM: self.random} if self.random else {})}

    def study(self, sim: str | None, allow_random: bool = True) -> Study:
        """The study ``--sim`` names; an error naming the prepared ones otherwise."""
        if not sim:
            raise InputError("command line", "--sim", "required: the simulation scenario (or 'random')")
        known = [n for n in self.studies if allow_random or n != RANDOM_SIM]
        if sim not in known:
            raise InputError(
                self.origin,
                "--sim",
                f"scenario {sim!r} was not prepared (prepared: {', '.join(known) or 'none'})" + closest(sim, known),
            )
        return self.studies[sim]

    def engine(self, sim: str | None) -> str:
        """Engine of a step in the data area (``sim=None``) or in a control-study area."""
        return self.backend if sim is None else self.sim_backend

    def sed_source(self, target: str) -> str | None:
        """The file a target's SED was read from (made elsewhere: no ROI here), None if analysed here."""
        return (self.targets.get(target) or {}).get("sed_file")

    @property
    def analysed_targets(self) -> dict[str, dict[str, Any]]:
        """The targets whose ROI the pipeline analyses (the others' SEDs are files made elsewhere)."""
        return {t: info for t, info in self.targets.items() if not info.get("sed_file")}

    @property
    def uses_fermipy(self) -> bool:
        return FERMIPY in (self.backend, self.sim_backend)

    def baseline_prefix(self, prefix: str) -> str:
        """Name of the baseline ROI in the builtin engine's files: the fit, or its export from fermipy."""
        return prefix if self.backend == BUILTIN else Layout.exported_prefix(prefix)

    def baseline_for(self, engine: str, prefix: str) -> str:
        """The baseline an engine reads: fermipy's own files, or the builtin engine's ROI (:meth:`baseline_prefix`)."""
        return prefix if engine == FERMIPY else self.baseline_prefix(prefix)

    def plots(self, section: str) -> tuple[str, ...]:
        """The plot types a plotting section asks for (its defaults when it lists none)."""
        listed = tuple(self.plotting.get(section) or ())
        if listed:
            return listed
        return DEFAULT_PLOTS[section] + (DM_DEFAULT_PLOTS[section] if self.darkmatter else ())

    def plot_options(self, section: str, plot: str) -> dict[str, Any]:
        """A dark-matter plot's channels and priors: its own options, else the stage's."""
        opts = (self.plotting.get(section) or {}).get(plot) or {}
        dm = self.darkmatter
        return {
            "channels": list(opts.get("plot_channels") or (dm.plot_channels if dm else ())),
            "priors": list(opts.get("jpriors") or (dm.priors if dm else ())),
        }

    def sim_profile(self, study: Study, target: str, requested: str | None = None) -> str:
        """The profile of ``target`` that ``study`` simulates (``--sim_profile`` wins over the study's)."""
        key = (
            "--sim_profile"
            if requested
            else ("random.profile" if study.name == RANDOM_SIM else f"sims.{study.name}.profile")
        )
        origin = "command line" if requested else self.origin
        return resolve_profile(
            requested or study.profile, self.targets[target]["profiles"], target, self.aliases, origin, key
        )
