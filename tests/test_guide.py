"""The fermipy.jobs guide, pasted: every shell command and Python snippet runs as written.

The guide (``shared/seed/fermipy_jobs_multiple_ROIs.rst``) shows eleven shell commands and the
Python snippets that do the same. Each one below is checked to stand in the guide word for
word (whitespace aside), then run in an analysis folder laid out as the guide describes:
``config/`` with the analysis template, the scenario files and the random-direction file
(the guide's own YAML), and a dmsky-style roster whose versions are not ``default``.
``fermipy-X-sg`` is ``pfj X`` (fermipy installs the ``fermipy-*`` names itself).
"""

from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import pytest
from conftest import REPO, read_yaml, write_yaml

from pyfermijobs.errors import InputError
from pyfermijobs.io import read_sed

GUIDE = REPO.parent / "shared" / "seed" / "fermipy_jobs_multiple_ROIs.rst"

# --- the guide's text -------------------------------------------------------------------------

SHELL = [
    "fermipy-prepare-targets --ttype dSphs --rosters dsph_roster.yaml --spatial_models point "
    "--sims random --sims pl2_1em9 --sims null",
    "fermipy-analyze-roi-sg --ttype dSphs --targetlist dSphs/target_list.yaml --config config.yaml",
    "fermipy-analyze-sed-sg --ttype dSphs --targetlist dSphs/target_list.yaml --config config.yaml",
    "fermipy-copy-base-roi-sg --ttype dSphs --targetlist dSphs_sim/sim_null/target_list.yaml --sim null",
    "fermipy-simulate-roi-sg --ttype dSphs --targetlist dSphs_sim/sim_null/target_list.yaml --sim null",
    "fermipy-collect-sed-sg --ttype dSphs --targetlist dSphs_sim/sim_null/target_list.yaml --sim null",
    "fermipy-copy-base-roi-sg --ttype dSphs --targetlist dSphs_sim/sim_random/target_list.yaml --sim random",
    "fermipy-random-dir-gen-sg --ttype dSphs --targetlist dSphs_sim/sim_random/target_list.yaml --sim random "
    "--rand_config config/random_dSphs.yaml",
    "fermipy-analyze-sed-sg --ttype dSphs --targetlist dSphs_sim/sim_random/target_list.yaml --skydirs skydirs.yaml",
    "fermipy-collect-sed-sg --ttype dSphs --targetlist dSphs_sim/sim_random/target_list.yaml --sim random",
    "fermipy-plot-castro-sg --ttype dSphs --targetlist dSphs/target_list.yaml",
]

PY_PREPARE = """link = PrepareTargets()
link.update_args(dict(ttype=dSphs,
                      rosters=['dsph_roster.yaml'],
                      spatial_models=['point'],
                      sims=['null', 'random', 'pl2_1em9']))
link.run()"""

PY_ANALYZE_ROI = """link = AnalyzeROI_SG()
link.update_args(dict(ttype=dSphs,
                      targetlist='dSphs/target_list.yaml'))
link.run()"""

PY_ANALYZE_SED = """link = AnalyzeSED_SG()
link.update_args(dict(ttype=dSphs,
                      targetlist='dSphs/target_list.yaml'))
link.run()"""

PY_SIMULATIONS = """# Copy the base line ROI
copy_link = CopyBaseROI_SG()
copy_link.update_args(dict(ttype=dSphs,
                           targetlist='dSphs_sim/sim_null/target_list.yaml',
                           sim='null'))
copy_link.run()
# Run simulations of the ROI
sim_link = SimulateROI_SG()
sim_link.update_args(dict(ttype=dSphs,
                          targetlist='dSphs_sim/sim_null/target_list.yaml',
                          sim='null'))
sim_link.run()
# Collect the results of the simulations
col_link = CollectSED_SG()
col_link.update_args(dict(ttype=dSphs,
                          targetlist='dSphs_sim/sim_null/target_list.yaml',
                          sim='null'))
col_link.run()"""

PY_RANDOM = """# Copy the base line ROI
copy_link = CopyBaseROI_SG()
copy_link.update_args(dict(ttype=dSphs,
                           targetlist='dSphs_sim/sim_random/target_random.yaml',
                           sim='random'))
copy_link.run()
# Make a set of random directions
dir_link = RandomDirGen_SG()
dir_link.update_args(dict(ttype=dSphs,
                          targetlist='dSphs_sim/sim_random/target_list.yaml',
                          sim='random',
                          rand_config='config/random_dSphs.yaml'))
dir_link.run()
# Construct the SED for each random direction
sed_link = AnalyzeSED_SG()
sed_link.update_args(dict(ttype=dSphs,
                          targetlist='dSphs_sim/sim_random/target_list.yaml',
                          skydirs='skydirs.yaml'))
sed_link.run()
# Collect the results for the random directions
col_link = CollectSED_SG()
col_link.update_args(dict(ttype=dSphs,
                          targetlist='dSphs_sim/sim_random/target_list.yaml',
                          sim='random'))
col_link.run()"""

PY_PLOT = """link = PlotCastro_SG()
link.update_args(dict(ttype=dSphs,
                      targetlist='dSphs/target_list.yaml'))
link.run()"""

SNIPPETS = [PY_PREPARE, PY_ANALYZE_ROI, PY_ANALYZE_SED, PY_SIMULATIONS, PY_RANDOM, PY_PLOT]

# the guide's YAML files, as it prints them
SIM_PL2_1EM9 = """# For positive control tests we with injected source.
# In this case it is a powerlaw specturm
injected_source:
  name : testpl
  source_model :
    SpatialModel : PointSource
    SpectrumType : Powerlaw
    Prefactor :
      value : 1e-9
    index :
      value: 2.
    scale :
      value : 1000.
"""
SIM_NULL = """# For positive control tests we with injected source.
# In this case it is a DM annihilation spectrum.
injected_source:
"""
RANDOM_DSPHS = """# These are the parameters for the random direction selection
# The algorithm picks points on a grid
# File key for the first direction
seed : 0
# Number of directions to select
nsims : 20
# Step size between grid points (in deg)
step_x : 1.0
step_y : 1.0
# Max distance from ROI center (in deg)
max_x : 3.0
max_y : 3.0
"""
SAMPLE_MASTER = """ttype: dSphs
rosters : ['test']
spatial_models: ['point']
sim_defaults:
  seed : 0
  nsims : 20
  profile : ['point']
sims:
  'null' : {}
  'pl2_1em9' : {}
random: {}
data_plotting:
  plot-castro : {}
"""
ALIASES = """ackermann2016_photoj_0.6_nfw : ack2016
geringer-sameth2015_nfw : gs2015
"""

# A small LAT-like template (synthetic sky) wide enough for the guide's +-3 deg direction grid.
TEMPLATE = {
    "selection": {"emin": 1000, "emax": 100000},
    "binning": {"binsperdec": 2, "binsz": 0.25, "roiwidth": 8.0, "coordsys": "GAL"},
    "model": {"src_roiwidth": 10.0},
    "synthetic": {"data_seed": 1, "livetime_years": 12},
}
LONG = "ackermann2016_photoj_0.6_nfw"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def guide_text() -> str:
    assert GUIDE.is_file(), f"the fermipy.jobs guide is missing: {GUIDE} (shared/ lies beside the repository)"
    return flat(GUIDE.read_text())


def test_every_command_and_snippet_is_the_guides_own(guide_text: str) -> None:
    for text in [*SNIPPETS, SIM_PL2_1EM9, SIM_NULL, RANDOM_DSPHS, SAMPLE_MASTER]:
        body = flat(text)
        if text is SAMPLE_MASTER:  # the guide prints it as "Sample Configuration ttype: dSphs rosters : ..."
            body = body.replace("ttype: dSphs", "Sample Configuration ttype: dSphs", 1)
        assert body in guide_text, body[:80]
    # the shell blocks of the guide, command by command: exactly the eleven run below
    blocks = re.findall(r"\.\. code-block:: shell (.*?)(?= \* | One of the resulting|$)", guide_text)
    commands = [c.strip() for block in blocks for c in re.split(r" (?=fermipy-)", block)]
    assert commands == SHELL


def analysis_folder(root: Path) -> Path:
    """The guide's analysis area: config/ and a dmsky-style roster with non-default versions."""
    write_yaml(root / "config" / "config_dSphs.yaml", TEMPLATE)
    (root / "config" / "sim_null.yaml").write_text(SIM_NULL)
    (root / "config" / "sim_pl2_1em9.yaml").write_text(SIM_PL2_1EM9)
    (root / "config" / "random_dSphs.yaml").write_text(RANDOM_DSPHS)
    (root / "aliases_dSphs.yaml").write_text(ALIASES)
    write_yaml(root / "dsph_roster.yaml", {"test": [f"draco:{LONG}", f"ursa_minor:{LONG}"]})
    return root


def as_pfj(command: str) -> list[str]:
    """``fermipy-X-sg ARGS`` -> ``pfj X ARGS`` (argv for the in-process CLI)."""
    name, *rest = command.split()
    return [re.sub(r"^fermipy-(.*?)(-sg)?$", r"\1", name), *rest]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def angular_distance(ra1: float, dec1: float, ra2: float, dec2: float) -> float:
    r = math.radians
    c = math.sin(r(dec1)) * math.sin(r(dec2)) + math.cos(r(dec1)) * math.cos(r(dec2)) * math.cos(r(ra1 - ra2))
    return math.degrees(math.acos(min(1.0, max(-1.0, c))))


def check_results(root: Path, profile: str, nsims: int = 20) -> None:
    """What the guide's chain must leave: SEDs at each target's own positions, collected controls."""
    targets = read_yaml(root / "dSphs/target_list.yaml")
    assert targets == {"draco": [profile], "ursa_minor": [profile]}
    positions = {t: (v["ra"], v["dec"]) for t, v in read_yaml(root / "dSphs/pipeline_config.yaml")["targets"].items()}
    for target, (ra, dec) in positions.items():
        _, header = read_sed(root / f"dSphs/{target}/sed_{profile}.fits")
        assert (header["RA"], header["DEC"]) == pytest.approx((ra, dec)) and "SIM" not in header
        assert len(list((root / f"dSphs_sim/sim_null/{target}").glob(f"sed_{profile}_0000??.fits"))) == nsims
        for sim in ("null", "random"):
            last = f"{nsims - 1:06d}"
            assert (root / f"dSphs_sim/sim_{sim}/{target}/sed_{profile}_summary_000000_{last}.fits").exists()
            assert (root / f"dSphs_sim/sim_{sim}/{target}/sed_{profile}_collected_000000_{last}.fits").exists()
        skydirs = read_yaml(root / f"dSphs_sim/sim_random/{target}/skydirs.yaml")
        assert sorted(skydirs) == list(range(nsims))
        for key, direction in skydirs.items():
            sed, head = read_sed(root / f"dSphs_sim/sim_random/{target}/sed_{profile}_{key:06d}.fits")
            assert (head["RA"], head["DEC"]) == pytest.approx((direction["ra"], direction["dec"]), abs=1e-6)
            offset = angular_distance(head["RA"], head["DEC"], ra, dec)
            assert 0.5 <= offset <= 3 * math.sqrt(2) + 0.1, (target, key, offset)  # its own ROI, off the target
            assert sed["ref_npred"].sum() > 1.0  # a test source inside the ROI predicts counts
        assert (root / f"dSphs/{target}/sed_{profile}.png").exists()


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
@pytest.mark.parametrize("alias", [False, True], ids=["verbatim", "with-alias-dict"])
def test_guide_shell_commands_run_as_written(tmp_path: Path, monkeypatch, pfj, alias: bool) -> None:
    root = analysis_folder(tmp_path / "analysis")
    monkeypatch.chdir(root)
    data_seds: dict[str, str] = {}
    for i, command in enumerate(SHELL):
        argv = as_pfj(command) + (["--alias_dict", "aliases_dSphs.yaml"] if alias and i == 0 else [])
        code, _, err = pfj(*argv)
        assert code == 0, f"{command}\n{err}"
        if i == 2:  # the data SEDs, which no control study may touch
            data_seds = {str(p): digest(p) for p in root.glob("dSphs/*/sed_*.fits")}
    profile = "ack2016_point" if alias else f"{LONG}_point"
    check_results(root, profile)
    assert data_seds and {p: digest(Path(p)) for p in data_seds} == data_seds
    # "change null to pl2_1em9": the guide's Powerlaw, simulating the target's only profile
    assert pfj(*as_pfj(SHELL[3].replace("null", "pl2_1em9")))[0] == 0
    code, _, err = pfj(*as_pfj(SHELL[4].replace("null", "pl2_1em9")), "--nsims", "2")
    assert code == 0, err
    truth = read_yaml(root / f"dSphs_sim/sim_pl2_1em9/draco/truth_{profile}_000001.yaml")
    assert truth["injected"]["spectrum"]["SpectrumType"] == "PowerLaw"
    assert truth["injected"]["spectrum"]["Prefactor"] == pytest.approx(1e-9)
    assert {p: digest(Path(p)) for p in data_seds} == data_seds


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_guide_python_snippets_run_as_written(tmp_path: Path, monkeypatch) -> None:
    import pyfermijobs

    root = analysis_folder(tmp_path / "analysis")
    monkeypatch.chdir(root)
    names = ["PrepareTargets", "AnalyzeROI_SG", "AnalyzeSED_SG", "CopyBaseROI_SG", "SimulateROI_SG"]
    names += ["CollectSED_SG", "RandomDirGen_SG", "PlotCastro_SG"]
    namespace = {name: getattr(pyfermijobs, name) for name in names} | {"dSphs": "dSphs"}
    for snippet in (PY_PREPARE, PY_ANALYZE_ROI, PY_ANALYZE_SED, PY_SIMULATIONS):
        exec(snippet, dict(namespace))
    # the guide's random-direction snippet has a typo (target_random.yaml): a clear error naming it
    with pytest.raises(InputError, match=r"sim_random/target_random\.yaml: target list not found"):
        exec(PY_RANDOM, dict(namespace))
    assert not (root / "dSphs_sim/sim_random/draco/fit_baseline.fits").exists()
    exec(PY_RANDOM.replace("target_random.yaml", "target_list.yaml"), dict(namespace))
    exec(PY_PLOT, dict(namespace))
    check_results(root, f"{LONG}_point")


def test_guide_sample_master_loads_and_validates(tmp_path: Path, pfj) -> None:
    """The guide's sample configuration: ``profile: ['point']`` is the targets' point profile."""
    root = analysis_folder(tmp_path / "analysis")
    (root / "master.yaml").write_text(SAMPLE_MASTER)
    code, out, err = pfj("validate", "--master", str(root / "master.yaml"))
    assert code == 0, err
    assert "control studies: null, pl2_1em9, random" in out
    code, _, err = pfj("prepare-targets", "--master", str(root / "master.yaml"), "--outdir", str(root))
    assert code == 0, err
    run = read_yaml(root / "dSphs/pipeline_config.yaml")
    assert run["sims"]["pl2_1em9"]["profile"] == "point" and run["sims"]["pl2_1em9"]["non_null_src"] is True
    code, out, _ = pfj("plan", "--outdir", str(root))
    assert code == 0 and f'"sim_profile": "{LONG}_point"' in out
