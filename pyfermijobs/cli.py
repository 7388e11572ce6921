"""``pfj``: one command, a subcommand per pipeline step (named after fermipy.jobs' executables).

Bad input exits with status 2 and one line naming the file, the key and the problem; any other
failure exits 1 with one line and where its traceback was kept (``pfj --debug STEP`` shows it).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pyfermijobs import __version__
from pyfermijobs.errors import EXIT_INPUT_ERROR, InputError
from pyfermijobs.options import StepOptions
from pyfermijobs.steps import STEPS, Step


def _add_option(parser: argparse.ArgumentParser, step: Step, name: str) -> None:
    opt = step.option(name)
    flag = f"--{name}"
    if opt.aliases:  # dmpipe's names of the same flag
        parser.add_argument(
            *(f"--{a}" for a in opt.aliases),
            dest=name,
            action="extend",
            nargs="+",
            default=None,
            help=argparse.SUPPRESS,
        )
    shown = opt.shown_default
    default_text = f" (default: {shown})" if shown else ""
    if opt.kind == "bool":
        # a flag whose default comes from elsewhere can also be turned off (--no-FLAG)
        action = argparse.BooleanOptionalAction if opt.default_text else "store_true"
        parser.add_argument(flag, action=action, default=None, help=opt.help + default_text)
    elif opt.kind == "list":
        parser.add_argument(
            flag, action="extend", nargs="+", default=None, metavar=name.upper(), help=opt.help + default_text
        )
    else:
        parser.add_argument(
            flag,
            type=int if opt.kind == "int" else str,
            default=None,
            metavar=name.upper(),
            help=opt.help + default_text,
        )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pfj",
        description="pyfermijobs: multi-target Fermi-LAT analyses and their control studies.",
    )
    cite = "how to cite it and what it rests on: CITATIONS.md"
    parser.add_argument("--version", action="version", version=f"pyfermijobs {__version__} ({cite})")
    parser.add_argument("--debug", action="store_true", help="show an internal error's traceback (before the step)")
    sub = parser.add_subparsers(dest="step", metavar="STEP")
    for step in STEPS.values():
        step_parser = sub.add_parser(step.name, help=step.description, description=step.description)
        for name in step.options:
            _add_option(step_parser, step, name)
    return parser


def _warning_line(message: Any, category: type, filename: str, lineno: int, line: str | None = None) -> str:
    """One line per warning, with where it was raised (so a new deprecation can be found and fixed)."""
    return f"pfj: warning: {message} ({category.__name__}, {filename}:{lineno})\n"


def parse(argv: Sequence[str] | None) -> tuple[Step | None, StepOptions | None]:
    """The step and its options (defaults applied, paths absolute); no step: (None, None)."""
    ns = build_parser().parse_args(argv)
    if ns.step is None:
        return None, None
    step = STEPS[ns.step]
    return step, step.arguments({k: v for k, v in vars(ns).items() if k != "step"})


#: Exit status of a step that failed on something other than its input (a bug, a full disk).
EXIT_INTERNAL_ERROR = 1


def _keep_traceback(step: str) -> Path:
    """The current exception's traceback in a file: ``pfj-error-{step}.log`` here (a pipeline task's
    folder), else in the temporary folder."""
    import tempfile
    import traceback

    text = traceback.format_exc()
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        path = folder / f"pfj-error-{step}.log"
        try:
            path.write_text(text)
            return path
        except OSError:
            continue
    return Path("(not written)")


def main(argv: Sequence[str] | None = None, stub: bool = False) -> int:
    """``pfj [--debug] STEP OPTIONS``; with ``stub`` (``pfj-task --stub``) only placeholders of the step's
    outputs. Bad input exits 2 with one line naming the file and what is wrong; anything else exits 1
    with one line and where its traceback was kept (``--debug`` shows it instead)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[:1]
    step, args = parse(argv[1:] if debug else argv)
    if step is None:
        build_parser().print_help()
        return EXIT_INPUT_ERROR
    # warnings are held until the step ends: bad input is one line (a reader's warning about the
    # same file, e.g. astropy's "may have been truncated", would only repeat it)
    with warnings.catch_warnings(record=True) as caught:
        try:
            if stub and step.name != "prepare-targets":  # preparing is cheap and makes the layout the stubs name
                from pyfermijobs.stubs import write_stubs

                write_stubs(step.name, args)
            else:
                step.runner()(args)
        except InputError as exc:
            print(f"pfj {step.name}: error: {exc.message}", file=sys.stderr)
            return EXIT_INPUT_ERROR
        except Exception as exc:  # not the input's fault: one line, the traceback kept
            _show(caught)
            if debug:
                raise
            where = _keep_traceback(step.name)
            print(
                f"pfj {step.name}: internal error: {type(exc).__name__}: {exc} "
                f"(traceback in {where}; `pfj --debug {step.name} ...` shows it)",
                file=sys.stderr,
            )
            return EXIT_INTERNAL_ERROR
    _show(caught)
    return 0


def _show(caught: list[warnings.WarningMessage]) -> None:
    """The step's warnings, one line each, where they were raised (each once)."""
    seen = set()
    for w in caught:
        line = _warning_line(w.message, w.category, w.filename, w.lineno)
        if line not in seen:
            seen.add(line)
            sys.stderr.write(line)


if __name__ == "__main__":
    sys.exit(main())
