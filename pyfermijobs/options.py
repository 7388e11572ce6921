"""The command-line options of every step, with fermipy.jobs' names and defaults.

One table serves the ``pfj`` CLI (argparse and its ``--help``) and the Python API's
``update_args``. A default is either a value, applied in one place for the CLI and the
Python links (:meth:`pyfermijobs.steps.Step.arguments`), or ``None`` with a ``default_text``
saying where the value comes from when the flag is not given (the master file, the prepared
study): ``--help`` prints what really applies. Importing this must stay cheap: every
Nextflow task is a fresh process.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Self


@dataclass(frozen=True)
class Option:
    """One flag. ``kind`` is ``str int bool list``; lists are repeatable flags.

    ``path``: the value is a file or folder, made absolute against the working folder.
    ``default_text``: what applies when the flag is absent and ``default`` is None.
    """

    kind: str
    default: Any
    help: str
    path: bool = False
    default_text: str | None = None
    #: other names of the flag (dmpipe's, fermipy.jobs'), same meaning
    aliases: tuple[str, ...] = ()

    @property
    def shown_default(self) -> str | None:
        """The default as ``--help`` states it (None: nothing to state)."""
        if self.default_text is not None:
            return self.default_text
        if self.default in (None, [], False):
            return None
        return str(self.default)


_STUDY = "the prepared study's value (master file)"

OPTIONS: dict[str, Option] = {
    # --- fermipy.jobs' flags (the fermipy.jobs guide), same names ---
    "ttype": Option("str", None, "target type: names the top-level folders"),
    "rosters": Option("list", None, "roster files or roster names (repeatable)", default_text="the master's"),
    "spatial_models": Option(
        "list", None, "spatial models of the test source (repeatable)", default_text="the master's, else point"
    ),
    "sims": Option(
        "list",
        None,
        "simulation scenarios to prepare; 'random' for random directions (repeatable)",
        default_text="the master's",
    ),
    "alias_dict": Option("str", None, "file mapping long profile names to short ones", path=True),
    "targetlist": Option("str", None, "run over every target of this target_list.yaml", path=True),
    "config": Option(
        "str",
        None,
        "name of the fermipy analysis configuration file in each target's folder",
        default_text="the master's config_localpath, else config.yaml",
    ),
    "sim": Option("str", None, "simulation scenario name ('random' for random directions)"),
    "rand_config": Option(
        "str", None, "random-direction file", path=True, default_text="the prepared one (config/random_{ttype}.yaml)"
    ),
    "skydirs": Option(
        "str",
        None,
        "directions to build SEDs at: a file in each target's random-direction folder (skydirs.yaml), "
        "or a path; implies --sim random",
    ),
    "roi_baseline": Option("str", "fit_baseline", "prefix of the baseline ROI files"),
    "make_plots": Option("bool", False, "also make the step's standard plots"),
    "non_null_src": Option("bool", False, "zero the test source before computing the SED"),
    "do_find_src": Option("bool", False, "search the residuals for new sources (sqrt(TS) > 5)"),
    "sim_profile": Option(
        "str",
        None,
        "profile that is simulated: a version (nfw, an alias) or a profile name (nfw_point)",
        default_text="the study's profile (sim_defaults.profile), else the target's only profile",
    ),
    "nsims": Option("int", None, "number of simulations (or directions)", default_text=_STUDY),
    "seed": Option("int", None, "first random-number seed (also the file key)", default_text=_STUDY),
    "nsims_job": Option(
        "int", 0, "simulations per job (fermipy.jobs' flag; a local run does all its seeds, the pipeline chunks them)"
    ),
    "extracopy": Option("list", [], "extra files or glob patterns to copy from the baseline folder (repeatable)"),
    "write_full": Option("bool", False, "write every realization's SED (the collected file)"),
    "write_summary": Option("bool", False, "write per-bin statistics across realizations"),
    # --- pyfermijobs' own ---
    "master": Option("str", None, "master configuration YAML; flags given beside it win", path=True),
    "outdir": Option("str", ".", "folder the analysis layout lives in", path=True),
    "overwrite": Option("bool", False, "allow writing over the results of a different configuration"),
    "target": Option("str", None, "run for this one target (what a pipeline task does)"),
    "profile": Option("str", None, "only this profile of the target", default_text="all its profiles"),
    "backend": Option(
        "str", None, "engine of the data analysis: builtin or fermipy", default_text="the master's, else builtin"
    ),
    "sim_backend": Option(
        "str", None, "engine of the control studies: builtin or fermipy", default_text="the master's, else backend"
    ),
    "pdf": Option("bool", False, "also write plots as PDF"),
    "container_engine": Option("str", None, "container engine the pipeline's tasks run in (docker, singularity)"),
    "fermitools_container": Option("str", None, "image the fermipy steps run in, with a container engine"),
    "inputs_file": Option(
        "str",
        None,
        "write the files the master names inside its folder here, one relative path per line "
        "(what the pipeline stages for prepare-targets)",
        path=True,
    ),
    "allow_missing": Option("bool", False, "collect the realizations present; record the missing seeds"),
    "dag": Option("str", None, "the pipeline's DAG file, relative to --outdir: the report links it"),
    # --- the dark-matter stage (dmpipe's flags) ---
    "jpriors": Option(
        "list",
        None,
        "J-factor priors, dmsky's names (none, gauss, lgauss, lgauss_like, lgauss_log, lognorm, norm; repeatable)",
        default_text="the master's astro_priors",
        aliases=("astro_prior", "astro_priors"),
    ),
    "roster": Option("str", None, "only this roster (a key of roster_list.yaml)", default_text="every roster"),
    "channels": Option("list", None, "channels plotted (repeatable)", default_text="the plot's plot_channels"),
}

#: ``--config`` where a configuration is being defined (prepare-targets, validate, chain): the template.
CONFIG_TEMPLATE = replace(
    OPTIONS["config"],
    default=None,
    help="fermipy analysis configuration template",
    path=True,
    default_text="the master's config_template, else config/config_{ttype}.yaml",
)

#: Boolean flags of SimulateROI whose default is the study's setting (``--no-FLAG`` turns one off).
STUDY_FLAGS = {
    "non_null_src": replace(
        OPTIONS["non_null_src"],
        default=None,
        default_text="the study's non_null_src (true for a scenario with an injected source)",
    ),
    "do_find_src": replace(OPTIONS["do_find_src"], default=None, default_text="the study's do_find_src (false)"),
}


_KINDS: dict[str, type | tuple[type, ...]] = {"str": str, "int": numbers.Integral, "bool": bool, "list": (list, tuple)}


def _normalised(value: Any, kind: str) -> Any:
    """One representation whatever the caller gave: a numpy integer is an int, a tuple a list."""
    if value is None:
        return None
    return int(value) if kind == "int" else list(value) if kind == "list" else value


class StepOptions(Mapping[str, Any]):
    """The options one step runs with: exactly the names the registry declares for it, each None or of
    its declared kind, read as attributes (``options.sim``; a name the step does not take is an
    AttributeError naming the step). Built in one place, :meth:`pyfermijobs.steps.Step.arguments`,
    for the CLI, the Python classes and the pipeline's tasks alike; read-only. It is also a read-only
    mapping, for the helpers several steps share (``steps.common``), which ``.get`` what a step may
    not take."""

    __slots__ = ("_kinds", "_step", "_values")
    _step: str
    _values: dict[str, Any]
    _kinds: dict[str, str]

    def __init__(self, step: str, values: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
        from pyfermijobs.errors import InputError

        checked: dict[str, Any] = {}
        for name, value in values.items():
            kind = kinds[name]
            if value is not None and not (
                isinstance(value, _KINDS[kind]) and (kind != "int" or not isinstance(value, bool))
            ):
                raise InputError(f"pfj {step}", f"--{name}", f"must be {kind}, got {type(value).__name__} ({value!r})")
            checked[name] = _normalised(value, kind)
        object.__setattr__(self, "_step", step)
        object.__setattr__(self, "_values", checked)
        object.__setattr__(self, "_kinds", dict(kinds))

    if not TYPE_CHECKING:  # a type checker reads the options from each step's class (steps.typed_options)

        def __getattr__(self, name: str) -> Any:
            if name.startswith("_"):  # not an option (and no recursion before __init__ has run)
                raise AttributeError(name)
            try:
                return self._values[name]
            except KeyError:
                raise AttributeError(f"step {self._step!r} takes no option {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("step options are read-only: use replace()")

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._step!r}, {self._values!r})"

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild it through __init__'s checks
        return (type(self), (self._step, self._values, self._kinds))

    def replace(self, **changes: Any) -> Self:
        """A copy with some options changed (only names the step takes, of their kinds)."""
        unknown = sorted(set(changes) - set(self._values))
        if unknown:
            raise AttributeError(f"step {self._step!r} takes no option {unknown[0]!r}")
        return type(self)(self._step, {**self._values, **changes}, self._kinds)
