"""Errors that reach the user.

Bad input must stop the run before any work starts, with one message that names the
file, the key and what is wrong. Every such problem is an :class:`InputError`; the CLI
turns it into exit status 2 (argparse's convention for usage errors).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

EXIT_INPUT_ERROR = 2


class InputError(Exception):
    """Bad user input: a file, the key inside it, and what is wrong.

    ``key`` is a dotted path (``sim_defaults.nsims``) or, for YAML syntax errors,
    ``line L, column C``.
    """

    def __init__(self, file: str | Path | None, key: str | None, problem: str):
        self.file = str(file) if file is not None else None
        self.key = key
        self.problem = problem
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One line (a library's multi-line reason, e.g. cfitsio's or PyYAML's, joined)."""
        where = [part for part in (self.file, self.key) if part]
        return re.sub(r"\s*\n\s*", " ", ": ".join([*where, self.problem]))


def closest(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' hint for a misspelt key, or '' when nothing is close."""
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
