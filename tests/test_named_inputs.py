"""The files a master names: what `pfj validate --inputs_file` lists and the pipeline stages for
PREPARE_TARGETS. Checked against what PrepareTargets really opens."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, require_lat_data

from pyfermijobs.cli import main

MASTERS = ["demo", "test", "tiny", "lat-gc", "lat_dsph2017"]

#: Runs PrepareTargets' reading (prepare_analysis) with Python's audit hook on every open() and a
#: wrapper on fitsio (cfitsio opens files in C), in a fresh interpreter: the hook cannot be removed.
OPENED = """
import json, os, sys
from pathlib import Path
opened = set()
sys.addaudithook(lambda event, args: event == "open" and isinstance(args[0], (str, os.PathLike))
                 and opened.add(os.path.realpath(args[0])))
import fitsio
fits_init = fitsio.FITS.__init__
def traced(self, filename, *args, **kwargs):
    opened.add(os.path.realpath(str(filename)))
    return fits_init(self, filename, *args, **kwargs)
fitsio.FITS.__init__ = traced
from pyfermijobs.config.master import load_master
from pyfermijobs.named_inputs import recording
from pyfermijobs.preparation import prepare_analysis
with recording() as named:
    prepare_analysis(load_master(sys.argv[1]))
json.dump({"opened": sorted(opened), "named": sorted(map(str, named))}, sys.stdout)
"""


@pytest.mark.parametrize("name", MASTERS)
def test_every_file_prepare_targets_opens_is_named(name: str) -> None:
    """A reader of a user's file that forgets to note it would leave the file out of PREPARE_TARGETS'
    staging: every file opened outside the Python installation and the package must have been noted."""
    env = {**os.environ, "PFJ_LAT_DATA": str(require_lat_data())}
    master = REPO / "assets" / name / "master.yaml"
    proc = subprocess.run(
        [sys.executable, "-c", OPENED, str(master)], env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(proc.stdout)
    system = (sys.prefix, sys.base_prefix, str(REPO / "pyfermijobs"), "/usr/", "/proc/", "/dev/")
    user = {f for f in found["opened"] if Path(f).is_file() and not f.startswith(system)}
    assert user, "the master itself is opened"
    assert user <= set(found["named"]), sorted(user - set(found["named"]))


def test_validate_lists_what_the_master_names_below_its_folder(tmp_path: Path) -> None:
    """Relative to the master's folder, one per line: not its other files, not an outdir inside it,
    not files it names elsewhere (read in place, like the LAT data)."""
    import shutil

    folder = tmp_path / "analysis"
    shutil.copytree(REPO / "assets/tiny", folder)
    (folder / "notes.yaml").write_text("unrelated: true\n")
    elsewhere = tmp_path / "shared_roster.yaml"
    shutil.move(folder / "roster.yaml", elsewhere)
    master = folder / "master.yaml"
    master.write_text(master.read_text() + f"roster_files: ['{elsewhere}']\n")
    outdir = folder / "results"
    assert main(["prepare-targets", "--master", str(master), "--outdir", str(outdir)]) == 0
    listing = tmp_path / "inputs.txt"
    args = ["validate", "--master", str(master), "--outdir", str(outdir), "--inputs_file", str(listing)]
    assert main(args) == 0
    assert listing.read_text().splitlines() == [
        "config/config_tiny.yaml",
        "config/sim_null.yaml",
        "master.yaml",
        "targets.yaml",
    ]
