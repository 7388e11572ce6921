"""Dark-matter limits in the LAT release's text layout (``limits_<channel>.txt``, Albert et al. 2017).

The release gives, per channel, a '# Column NN name' header and one row per mass: the mass in GeV,
each target's 95% limit on <sigma v> (cm3 s-1, profiled over its own J uncertainty), and the
combined limit last. Writing ours the same way lets an analyst compare them line by line (``diff``,
or the release's own example scripts); reading the release's lets the final-limits plot and the
tests put the collaboration's numbers next to ours. A decay channel's file (``limits_bb_decay.txt``)
holds 95% LOWER limits on the lifetime, in s, and its header line says so.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pyfermijobs.atomic import atomic_path
from pyfermijobs.errors import InputError

#: The release writes each number right-aligned in 13 characters, 5 significant digits.
NUMBER = "{:>13.5g}"


#: The release's units line, and ours for a decay channel.
UNITS_LINE = "# Mass is in (GeV).  Limits have units of (cm^3/s)."
DECAY_UNITS_LINE = "# Mass is in (GeV).  Limits are 95% lower limits on the lifetime tau, in units of (s)."


def write_release_limits(path: Path, masses: np.ndarray, columns: dict[str, np.ndarray], decay: bool = False) -> None:
    """``columns``: name -> limit per mass, in file order (the targets, then ``composite_<roster>``).
    An unconstrained limit is written ``inf`` (an unconstrained lifetime: 0). ``decay``: the columns are
    lower limits on the lifetime (s)."""
    lines = [f"# {Path(path).name}", DECAY_UNITS_LINE if decay else UNITS_LINE, "# Column 00 mass"]
    lines += [f"# Column {k:02d} {name}" for k, name in enumerate(columns, start=1)]
    lines.append("# ")
    table = np.column_stack([np.asarray(masses, float), *(np.asarray(c, float) for c in columns.values())])
    lines += ["".join(NUMBER.format(v) for v in row) for row in table]
    with atomic_path(Path(path)) as tmp:
        Path(tmp).write_text("\n".join(lines) + "\n")


def read_release_limits(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(masses in GeV, name -> limits) from a file in the release's layout."""
    path = Path(path)
    try:
        text = path.read_text().splitlines()
    except OSError as exc:
        raise InputError(path, None, f"limits file not readable ({exc.strerror or exc})") from None
    names: dict[int, str] = {}
    rows = []
    for number, line in enumerate(text, start=1):
        if line.startswith("#"):
            words = line[1:].split()
            if len(words) == 3 and words[0] == "Column" and words[1].isdigit():
                names[int(words[1])] = words[2]
            continue
        if not line.strip():
            continue
        try:
            rows.append([float(w) for w in line.split()])
        except ValueError:
            raise InputError(path, f"line {number}", "not a row of numbers") from None
    if not rows or 0 not in names:
        raise InputError(path, None, "no '# Column NN name' header and rows of limits: not in the release's layout")
    table = np.array(rows)
    if table.shape[1] != len(names):
        raise InputError(path, None, f"{table.shape[1]} numbers per row but {len(names)} columns named")
    return table[:, 0], {names[k]: table[:, k] for k in sorted(names) if k > 0}
