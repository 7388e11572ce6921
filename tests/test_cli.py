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


def test_seed_flags_and_defaults() -> None:
    """The seed's flags exist with the seed's defaults."""
    seed_defaults = {
        "roi_baseline": "fit_baseline",
        "make_plots": False,
        "non_null_src": False,
        "do_find_src": False,
        "nsims": 20,
        "seed": 0,
        "nsims_job": 0,
        "write_full": False,
        "write_summary": False,
        "extracopy": [],
        "spatial_models": ["point"],
        "sim_profile": "default",
    }
    for name, default in seed_defaults.items():
        assert OPTIONS[name].default == default, name
    for name in ("ttype", "rosters", "sims", "alias_dict", "targetlist", "config", "sim", "rand_config", "skydirs"):
        assert name in OPTIONS


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
