"""The CLI's shape: fast start, fermipy.jobs' names, quiet progress in logs."""

from __future__ import annotations

import io
import subprocess
import sys

from pyfermijobs.options import OPTIONS
from pyfermijobs.progress import progress
from pyfermijobs.steps import STEPS

HEAVY = ("numpy", "scipy", "astropy", "matplotlib", "fermipy", "gammapy", "fitsio")


def test_cli_start_imports_nothing_heavy() -> None:
    """Every Nextflow task is a fresh process: `pfj --help` must not pay for numpy & co."""
    code = (
        "import sys; from pyfermijobs.cli import build_parser; build_parser().format_help();"
        "import pyfermijobs, pyfermijobs.links;"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_lists_registered_steps() -> None:
    out = subprocess.run([sys.executable, "-m", "pyfermijobs", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for name in STEPS:
        assert name in out.stdout


def test_fermipy_jobs_flags_and_defaults() -> None:
    """fermipy.jobs' flags exist; fixed defaults are fermipy.jobs', the rest say where they come from."""
    fixed = {
        "roi_baseline": "fit_baseline",
        "make_plots": False,
        "non_null_src": False,
        "do_find_src": False,
        "nsims_job": 0,
        "write_full": False,
        "write_summary": False,
        "extracopy": [],
    }
    for name, default in fixed.items():
        assert OPTIONS[name].default == default, name
    # values from the prepared study or the master file: no made-up number in --help
    for name in ("nsims", "seed", "sim_profile", "spatial_models", "rand_config", "config"):
        assert OPTIONS[name].default is None and OPTIONS[name].default_text, name
    for name in ("ttype", "rosters", "sims", "alias_dict", "targetlist", "config", "sim", "rand_config", "skydirs"):
        assert name in OPTIONS


def test_help_shows_the_defaults_that_apply() -> None:
    """`pfj simulate-roi --help` says nsims/seed/sim_profile come from the study, not 20/0/'default'."""
    out = subprocess.run(
        [sys.executable, "-m", "pyfermijobs", "simulate-roi", "--help"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(out.split())
    assert "(default: 20)" not in flat and "(default: default)" not in flat
    assert "--nsims NSIMS number of simulations (or directions) (default: the prepared study's value" in flat
    assert "(default: the study's profile (sim_defaults.profile), else the target's only profile)" in flat
    assert "--non_null_src, --no-non_null_src" in flat  # the study's setting can be turned off
    assert "(default: the master's config_localpath, else config.yaml)" in flat
    prep = subprocess.run(
        [sys.executable, "-m", "pyfermijobs", "prepare-targets", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "config/config_{ttype}.yaml" in " ".join(prep.split())


def test_no_step_exits_2(pfj) -> None:
    code, out, _ = pfj()
    assert code == 2 and "prepare-targets" in out


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_terminal_only() -> None:
    log = io.StringIO()
    assert list(progress(range(3), 3, "seeds", stream=log)) == [0, 1, 2]
    assert log.getvalue() == ""
    tty = _Tty()
    list(progress(range(4), 4, "seeds", stream=tty))
    text = tty.getvalue()
    assert "seeds: 4/4" in text and "elapsed" in text and "left" in text


def test_pipeline_task_reruns_cleanly_in_the_same_folder(tmp_path, monkeypatch) -> None:
    """A task killed after writing its outputs is rerun in the same folder by -resume."""
    from conftest import make_small_analysis

    from pyfermijobs.pipeline_task import main as task

    master = make_small_analysis(tmp_path / "cfg")
    monkeypatch.chdir(tmp_path)
    assert task(["--", "prepare-targets", "--master", str(master)]) == 0
    first = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert (tmp_path / "publish/small/target_list.yaml").samefile(tmp_path / "out/small/target_list.yaml")
    assert task(["--", "prepare-targets", "--master", str(master)]) == 0
    again = sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert first == again and len(first) > 10


def test_an_internal_error_is_one_line_and_a_kept_traceback(tmp_path, monkeypatch, capsys) -> None:
    """Not the input's fault (a bug, a full disk): exit 1, one line saying where the traceback is,
    no traceback on the terminal; ``pfj --debug`` raises it."""
    import pytest

    from pyfermijobs.cli import main
    from pyfermijobs.steps import STEPS

    def broken(args):
        raise RuntimeError("something no input explains")

    import importlib

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(importlib.import_module(STEPS["plan"].module), STEPS["plan"].function, broken)
    code = main(["plan", "--outdir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "internal error: RuntimeError: something no input explains" in err
    log = tmp_path / "pfj-error-plan.log"
    assert str(log) in err and "Traceback" in log.read_text()
    with pytest.raises(RuntimeError):
        main(["--debug", "plan", "--outdir", str(tmp_path)])


def test_version_points_to_the_citations_and_they_exist(capsys) -> None:
    """`pfj --version` names CITATIONS.md; the file is there and cites what the results rest on."""
    import pytest
    from conftest import REPO

    from pyfermijobs.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert "CITATIONS.md" in capsys.readouterr().out
    text = (REPO / "CITATIONS.md").read_text()
    for work in ("fermipy", "Fermitools", "dmsky", "DMFit", "gammapy", "Nextflow", "4FGL", "Albert, A. et al."):
        assert work in text, work


def test_every_step_runs_with_the_options_the_registry_declares(tmp_path, monkeypatch) -> None:
    """The CLI and the Python classes build the same checked options object (the pipeline's tasks run
    the CLI): exactly the step's names, of their kinds, read-only."""
    import pytest

    from pyfermijobs.cli import parse
    from pyfermijobs.errors import InputError
    from pyfermijobs.links import LINKS
    from pyfermijobs.options import StepOptions
    from pyfermijobs.steps.typed_options import SimulateROIOptions

    step, args = parse(["simulate-roi", "--ttype", "t", "--outdir", str(tmp_path), "--sim", "null", "--seed", "3"])
    assert isinstance(args, SimulateROIOptions) and set(args) == set(step.options)
    assert (args.sim, args.seed, args.nsims, args.outdir) == ("null", 3, None, str(tmp_path))
    with pytest.raises(AttributeError, match="'simulate-roi' takes no option 'skydirs'"):
        _ = args.skydirs
    with pytest.raises(AttributeError, match="read-only"):
        args.seed = 4
    assert args.replace(seed=5).seed == 5 and args.seed == 3
    import copy
    import pickle

    assert copy.deepcopy(args) == args and pickle.loads(pickle.dumps(args)).seed == 3
    assert type(pickle.loads(pickle.dumps(args))) is SimulateROIOptions is type(args.replace(seed=5))
    with pytest.raises(InputError, match="--seed: must be int, got str"):
        args.replace(seed="5")
    import numpy as np

    assert type(args.replace(seed=np.int64(6)).seed) is int
    # the Python class: the same options, and the same object reaches the step's run
    ran = []
    monkeypatch.setattr(type(step), "runner", lambda self: ran.append)
    LINKS["SimulateROI"](ttype="t", outdir=str(tmp_path), sim="null", seed=3).run()
    assert ran == [args] and isinstance(ran[0], StepOptions)
    with pytest.raises(InputError, match="--nsims: must be int, got bool"):
        LINKS["SimulateROI"](ttype="t", outdir=str(tmp_path), nsims=True).run()
