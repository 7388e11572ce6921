"""The steps are typed against their options: one generated class per step, checked by mypy."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from pyfermijobs.steps import STEPS
from pyfermijobs.steps.typed_options_source import class_name, render

ROOT = Path(__file__).resolve().parents[1]


def mypy(tmp_path: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    """mypy with the project's settings (pyproject.toml), a private cache."""
    command = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache"), *paths]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_options_classes_are_the_registrys() -> None:
    """pyfermijobs/steps/typed_options.py is what `make typed-options` writes from the registry now."""
    written = (ROOT / "pyfermijobs/steps/typed_options.py").read_text()
    assert written == render(), "the step registry changed: run `make typed-options`"


def test_every_step_takes_its_own_options_class() -> None:
    """Each step's run function is annotated with its class, and Step.arguments builds that class."""
    from pyfermijobs.steps import typed_options

    for step in STEPS.values():
        cls = typed_options.BY_STEP[step.name]
        assert cls.__name__ == class_name(step.class_name)
        assert list(inspect.get_annotations(cls)) == list(step.options), step.name
        run = getattr(importlib.import_module(step.module), step.function)
        first = next(iter(inspect.signature(run).parameters.values()))
        assert first.annotation == cls.__name__, f"{step.module}.{step.function}({first.annotation})"
        assert type(step.arguments({})) is cls


def test_the_steps_type_check_against_their_options(tmp_path: Path) -> None:
    """mypy passes on the steps (an option a step does not take, or a None it does not handle, fails)."""
    result = mypy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_names_an_option_the_step_does_not_take(tmp_path: Path) -> None:
    """The check above can fail: reading --nsims in Report, or using it as never None in AnalyzeSED."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from pyfermijobs.steps.typed_options import AnalyzeSEDOptions, ReportOptions\n\n\n"
        "def run(args: ReportOptions) -> object:\n"
        "    return args.nsims\n\n\n"
        "def count(args: AnalyzeSEDOptions) -> int:\n"
        "    return args.nsims\n"
    )
    result = mypy(tmp_path, str(probe))
    assert result.returncode == 1
    assert '"ReportOptions" has no attribute "nsims"' in result.stdout
    assert 'got "int | None", expected "int"' in result.stdout


@pytest.mark.parametrize("name", ["sim", "seed"])
def test_a_wrong_name_at_run_time_is_the_same_error(name: str) -> None:
    """Without a type checker the object itself refuses a name the step does not take."""
    args = STEPS["report"].arguments({})
    with pytest.raises(AttributeError, match=f"'report' takes no option '{name}'"):
        getattr(args, name)
