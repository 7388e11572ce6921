"""Validate: every check PrepareTargets makes, and what the chosen engines can run; no writes but
the list of the files the master names (``--inputs_file``), which the pipeline stages.

The pipeline calls it on the launching machine before any task starts, so a bad
configuration, or a fermipy backend without Fermitools where its tasks would run, fails fast
with the same message the CLI gives.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from pyfermijobs.atomic import atomic_write
from pyfermijobs.config.master import master_from_options
from pyfermijobs.config.run import BUILTIN, RunConfig
from pyfermijobs.errors import InputError
from pyfermijobs.named_inputs import inside, recording
from pyfermijobs.preparation import check_outdir, prepare_analysis
from pyfermijobs.steps.typed_options import ValidateOptions

#: A container reference that names a registry host ("host.domain/...", "host:port/...").
_REGISTRY = re.compile(r"^[^/]+[.:][^/]*/")


def validate(master: Any) -> Any:
    """Raise InputError on the first problem; return the plan PrepareTargets would write."""
    from pyfermijobs.config.scenarios import load_scenario

    plan = prepare_analysis(master)
    run_config = RunConfig.from_doc(plan.run_config, master.source or Path("command line"))
    for study in run_config.sims.values():  # the pipeline simulates each injected scenario's profile
        if study.injected:
            for target in run_config.targets:
                run_config.sim_profile(study, target)
    if run_config.sim_backend == BUILTIN:  # the engine must know the injected spectra
        from pyfermijobs.models.spectra import spectrum_from_fermipy

        for sim in master.sims.values():
            injected = load_scenario(sim.scenario_file)["injected_source"]
            if injected is not None:
                # the form and its parameters; a DMFitFunction's J or D (norm: nan) is the target's, checked by prepare
                model = injected["source_model"]
                spectrum_from_fermipy(model, str(sim.scenario_file), "injected_source.source_model", 1.0, 1.0)
    return plan


def check_fermitools(master: Any, container_engine: str | None, image: str | None) -> str | None:
    """Where the fermipy steps will find Fermitools; InputError when they would not.

    Without a container engine the tasks run this machine's ``pfj``, so this Python must have
    Fermitools. With one they run in ``image``, which must be given, and for Docker be present
    locally unless it names a registry to pull from.
    """
    key = "backend"  # sim_backend fermipy goes with backend fermipy (load_master checks)
    file = master.source or "command line"
    if not container_engine:
        from pyfermijobs.engines.fermitools import require_fermitools

        return require_fermitools(file, key).origin
    from pyfermijobs.engines.fermitools import HOW_TO_GET

    if not image:
        raise InputError(file, key, f"the fermipy steps need an image with Fermitools: {HOW_TO_GET}")
    if container_engine == "docker" and not _REGISTRY.match(image) and shutil.which("docker"):
        found = subprocess.run(["docker", "image", "inspect", image], capture_output=True, check=False)
        if found.returncode != 0:
            raise InputError(
                file,
                key,
                f"the Fermitools image {image!r} is not on this Docker engine (build it from "
                f"containers/fermitools/Dockerfile, or give --fermitools_container REGISTRY/IMAGE); {HOW_TO_GET}",
            )
    if container_engine in ("singularity", "apptainer") and image.endswith(".sif") and not Path(image).exists():
        raise InputError(file, key, f"the Fermitools image {image} does not exist; {HOW_TO_GET}")
    return f"image {image}"


def matches_note(template: dict[str, Any], file: Path, targets: dict[str, dict[str, Any]]) -> str:
    """Which targets are catalog sources, whose own SED AnalyzeSED will make."""
    from pyfermijobs.config.template import catalog_matches, data_settings, with_absolute_data_paths

    if data_settings(template, file) is not None:
        template = with_absolute_data_paths(template, file.parent, file)
    found = catalog_matches(template, file, {t: (i["ra"], i["dec"]) for t, i in targets.items()})
    if not found:
        return "; no target is a catalog source"
    return "; targets that are catalog sources (their SEDs are the sources'): " + ", ".join(
        f"{t} = {name} ({sep:.3f} deg)" for t, (name, sep) in found.items()
    )


def write_inputs(path: Path, named: set[Path], folder: Path) -> None:
    """The files PrepareTargets reads below the master's folder, relative to it, one per line (the
    output folder is checked outside the recording: a previous run's record is not an input)."""
    with atomic_write(path) as out:
        out.writelines(f"{name}\n" for name in inside(named, folder))


def run(args: ValidateOptions) -> None:
    """With ``--outdir``, also refuse a folder holding another configuration's results; with
    ``--inputs_file``, list the files the master names inside its folder (the pipeline stages them)."""
    with recording() as named:
        master = master_from_options(args)
        plan = validate(master)
    if args.outdir:
        check_outdir(plan, Path(args.outdir), bool(args.overwrite))
    where = ""
    run_config = RunConfig.from_doc(plan.run_config, master.source or Path("command line"))
    if run_config.uses_fermipy:
        from pyfermijobs.config.analysis import load_template
        from pyfermijobs.engines.fermipy.inputs import check_fermipy_template

        engine = args.container_engine
        origin = check_fermitools(master, engine, args.fermitools_container)
        check_fermipy_template(load_template(master.config_template), master.config_template, check_files=not engine)
        where = f"; fermipy steps use Fermitools from {origin}"
    binning = ""
    if run_config.analysed_targets:  # fermipy's binning keys: say which one set the energy bins
        from pyfermijobs.config.analysis import load_template
        from pyfermijobs.datasets.geom import ROIGeom

        template = load_template(master.config_template)
        binning = "; " + ROIGeom.binning_note(template, master.config_template)
        if run_config.backend == "builtin":
            binning += matches_note(template, master.config_template, run_config.analysed_targets)
    if args.inputs_file:  # written once every check has passed
        write_inputs(Path(args.inputs_file), named, master.base)
    external = len(run_config.targets) - len(run_config.analysed_targets)
    print(
        f"valid: {len(run_config.targets)} targets"
        + (f" ({external} read from SED files)" if external else "")
        + f", control studies: {', '.join(run_config.studies) or 'none'}, "
        f"engines: data {run_config.backend}, controls {run_config.sim_backend}{where}{binning}"
    )
