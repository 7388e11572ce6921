"""Bad variants of every input file a user hands the pipeline (issue 29 item 2).

Each variant is made here from a good file (the real LAT data in ``../shared/lat-data``, the LAT's
released likelihoods, the repository's own YAML) by one mutation: empty, truncated, not that format,
an HDU or column missing, a wrong shape, NaN or negative values, a wrong unit, energies that miss the
analysis range. ``pfj prepare-targets`` reads and checks every input before it writes anything, so
each variant must end there: exit 2, one line naming the variant's file, nothing written, no traceback.
docs/usage.md, "Bad input", gives the count this module holds.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import REPO, require_lat_data, write_yaml

#: Sgr A*, the target of the real-data area (inside every 3FHL Galactic-centre cube)
SGRA = (266.4191, -29.0113)


@dataclass(frozen=True)
class FitsKind:
    """A FITS input: its good file, where the template names it, and what its mutations touch."""

    source: str  # below ../shared/lat-data
    table: str  # the HDU a mutation drops
    column: tuple[str, ...]  # (HDU, column, ...) dropped
    energy: tuple[str, str]  # (HDU, column) of energies in MeV
    values: tuple[str, str | None]  # (HDU, column or None for the image) set NaN / negative / reshaped


FITS_KINDS = {
    "events": FitsKind(
        "3fhl-gc/fermi-3fhl-gc-events.fits.gz", "EVENTS", ("EVENTS", "ENERGY"), ("EVENTS", "ENERGY"), ("EVENTS", "RA")
    ),
    "counts-cube": FitsKind(
        "3fhl-gc/fermi-3fhl-gc-counts-cube.fits.gz",
        "EBOUNDS",
        ("EBOUNDS", "E_MIN"),
        ("EBOUNDS", "E_MIN"),
        ("PRIMARY", None),
    ),
    "exposure": FitsKind(
        "3fhl-gc/fermi-3fhl-gc-exposure-cube.fits.gz",
        "ENERGIES",
        ("ENERGIES", "Energy"),
        ("ENERGIES", "Energy"),
        ("PRIMARY", None),
    ),
    "psf": FitsKind(
        "3fhl-gc/fermi-3fhl-gc-psf-cube.fits.gz", "THETA", ("PSF", "Psf"), ("PSF", "Energy"), ("PSF", "Psf")
    ),
    "galdiff": FitsKind(
        "3fhl-gc/gll_iem_v06_gc.fits.gz",
        "ENERGIES",
        ("ENERGIES", "ENERGY", "E_MIN"),  # its planes' energies, and the bins it could take them from
        ("ENERGIES", "ENERGY"),
        ("PRIMARY", None),
    ),
    "catalog": FitsKind(
        "catalogs/gll_psch_v13.fit.gz",
        "LAT_Point_Source_Catalog",
        ("LAT_Point_Source_Catalog", "RAJ2000"),
        ("EnergyBounds", "LowerEnergy"),
        ("LAT_Point_Source_Catalog", "Flux_Density"),
    ),
}
#: where the analysis template names each kind's file
TEMPLATE_KEY = {
    "events": ("builtin", "data", "counts"),
    "counts-cube": ("builtin", "data", "counts"),
    "exposure": ("builtin", "data", "exposure"),
    "psf": ("builtin", "data", "psf"),
    "galdiff": ("model", "galdiff"),
    "isodiff": ("model", "isodiff"),
    "catalog": ("model", "catalogs"),
}


def fits_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def hdu_named(hdul, name: str):
    return hdul[0] if name == "PRIMARY" else hdul[name]


def _nan_or_negative(value: float) -> Callable:
    def change(hdul, kind: FitsKind) -> None:
        hdu = hdu_named(hdul, kind.values[0])
        if kind.values[1] is None and not np.issubdtype(hdu.data.dtype, np.floating):
            hdu.data = hdu.data.astype(np.float32)  # a counts cube of integers holds no NaN
        data = hdu.data if kind.values[1] is None else hdu.data[kind.values[1]]
        middle = tuple(n // 2 for n in data.shape)  # a map's centre: inside the ROI
        data[middle] = value if np.isnan(value) else -abs(data[middle]) - 1.0

    return change


def _drop_hdu(hdul, kind: FitsKind) -> None:
    del hdul[kind.table]


def without_column(hdu, column: str):
    from astropy.io import fits

    kept = [c for c in hdu.columns if c.name != column]
    return fits.BinTableHDU.from_columns(kept, header=hdu.header, name=hdu.name)


def _drop_column(hdul, kind: FitsKind) -> None:
    name, *columns = kind.column
    for column in columns:
        hdul[hdul.index_of(name)] = without_column(hdul[name], column)


def _wrong_shape(hdul, kind: FitsKind) -> None:
    hdu, column = kind.values
    if column is None:  # one plane fewer than the energy table says
        hdul[0].data = np.ascontiguousarray(hdul[0].data[:-1])
    elif hdu == "PSF":  # a PSF profile one angle short of the THETA table
        hdul["THETA"].data = hdul["THETA"].data[:-1]
    else:  # a table with no rows
        hdul[hdu].data = hdul[hdu].data[:0]


def _wrong_unit(hdul, kind: FitsKind) -> None:
    hdu, column = kind.energy
    hdul[hdu].columns[column].unit = "m"


def _no_overlap(hdul, kind: FitsKind) -> None:
    data = hdul[kind.energy[0]].data
    energies = ("ENERGY", "E_MIN", "E_MAX", "LOWERENERGY", "UPPERENERGY")
    # every energy column of that table, far below the analysis range
    for name in [n for n in data.columns.names if n.upper() in energies]:
        data[name] = data[name] * 1e-4


FITS_MUTATIONS: dict[str, Callable] = {
    "missing-hdu": _drop_hdu,
    "missing-column": _drop_column,
    "wrong-shape": _wrong_shape,
    "nan": _nan_or_negative(float("nan")),
    "negative": _nan_or_negative(-1.0),
    "wrong-unit": _wrong_unit,
    "no-overlap": _no_overlap,
}
#: mutations that mean nothing for a kind (the catalog's energies are its bands, not the analysis')
NOT_APPLICABLE = {("catalog", "no-overlap"), ("catalog", "wrong-unit"), ("events", "wrong-shape")}


def write_fits_variant(kind: str, variant: str, folder: Path) -> Path:
    from astropy.io import fits

    spec = FITS_KINDS[kind]
    raw = fits_bytes(require_lat_data() / spec.source)
    out = folder / f"{kind}-{variant}.fits"
    if variant == "empty":
        out.write_bytes(b"")
    elif variant == "truncated":
        out.write_bytes(raw[: len(raw) // 2])
    elif variant == "not-fits":
        out.write_text("SIMPLE = this is not a FITS file\n")
    else:
        import io

        with fits.open(io.BytesIO(raw)) as hdul:
            hdul = fits.HDUList([h.copy() for h in hdul])
            FITS_MUTATIONS[variant](hdul, spec)
            hdul.writeto(out)
    return out


def write_isodiff_variant(variant: str, folder: Path) -> Path:
    lines = (require_lat_data("3fhl-gc") / "iso_P8R2_SOURCE_V6_v06.txt").read_text().splitlines()
    rows = [line.split() for line in lines if line.strip()]
    out = folder / f"isodiff-{variant}.txt"
    if variant == "empty":
        out.write_text("")
    elif variant == "truncated":
        out.write_text(lines[0] + "\n" + " ".join(rows[1][:2])[:5] + "\n")
    elif variant == "not-text":
        out.write_bytes(bytes(range(256)) * 4)
    elif variant == "missing-column":
        out.write_text("".join(f"{r[0]}\n" for r in rows))
    elif variant == "nan":
        rows[len(rows) // 2][1] = "nan"
        out.write_text("".join(" ".join(r) + "\n" for r in rows))
    elif variant == "negative":
        rows[len(rows) // 2][1] = "-1e-9"
        out.write_text("".join(" ".join(r) + "\n" for r in rows))
    elif variant == "not-increasing":
        rows[3], rows[4] = rows[4], rows[3]
        out.write_text("".join(" ".join(r) + "\n" for r in rows))
    elif variant == "no-overlap":
        out.write_text("".join(f"{float(r[0]) * 1e-4:g} {r[1]} {r[2]}\n" for r in rows))
    return out


ISODIFF_VARIANTS = [
    "empty",
    "truncated",
    "not-text",
    "missing-column",
    "nan",
    "negative",
    "not-increasing",
    "no-overlap",
]
FITS_VARIANTS = ["empty", "truncated", "not-fits", *FITS_MUTATIONS]
DATA_CASES = [
    (kind, variant) for kind in FITS_KINDS for variant in FITS_VARIANTS if (kind, variant) not in NOT_APPLICABLE
] + [("isodiff", variant) for variant in ISODIFF_VARIANTS]


def real_data_template() -> dict:
    """The 3FHL Galactic-centre data around Sgr A*, every path absolute (into ../shared/lat-data)."""
    lat = require_lat_data()
    return {
        "selection": {"emin": 10000, "emax": 500000},
        "binning": {"binsz": 0.1, "roiwidth": 2.0, "enumbins": 11, "coordsys": "GAL", "proj": "CAR"},
        "model": {
            "galdiff": str(lat / "3fhl-gc/gll_iem_v06_gc.fits.gz"),
            "isodiff": str(lat / "3fhl-gc/iso_P8R2_SOURCE_V6_v06.txt"),
            "catalogs": [str(lat / "catalogs/gll_psch_v13.fit.gz")],
        },
        "builtin": {
            "data": {
                "counts": str(lat / "3fhl-gc/fermi-3fhl-gc-events.fits.gz"),
                "exposure": str(lat / "3fhl-gc/fermi-3fhl-gc-exposure-cube.fits.gz"),
                "psf": str(lat / "3fhl-gc/fermi-3fhl-gc-psf-cube.fits.gz"),
            }
        },
    }


def real_data_area(root: Path, template: dict) -> Path:
    write_yaml(root / "config" / "config_gc.yaml", template)
    write_yaml(root / "gc_roster.yaml", {"gc": {"sgra": {"ra": SGRA[0], "dec": SGRA[1]}}})
    return write_yaml(root / "master.yaml", {"ttype": "gc", "rosters": ["gc_roster.yaml"]})


def assert_refused(pfj, master: Path, out: Path, file: Path) -> None:
    """exit 2, one line naming ``file``, no traceback, nothing written."""
    code, stdout, stderr = pfj("prepare-targets", "--master", str(master), "--outdir", str(out))
    message = stderr.strip()
    assert code == 2, f"exit {code}: {message}"
    assert message.count("\n") == 0, f"one line: {message}"
    assert file.name in message, f"{file.name} not named: {message}"
    assert "Traceback" not in stderr + stdout
    assert not out.exists(), "nothing may be written"


@pytest.mark.parametrize("counts", ["events", "counts-cube"])
def test_the_good_files_are_accepted(tmp_path: Path, pfj, counts: str) -> None:
    """The unmutated files pass (with an event list or the counts cube), so every refusal below is
    the mutation's."""
    template = real_data_template()
    if counts == "counts-cube":
        template["binning"]["binsz"] = 0.05
        template["builtin"]["data"]["counts"] = str(require_lat_data() / FITS_KINDS["counts-cube"].source)
    master = real_data_area(tmp_path / "area", template)
    code, _, err = pfj("prepare-targets", "--master", str(master), "--outdir", str(tmp_path / "out"))
    assert code == 0, err


@pytest.mark.parametrize(("kind", "variant"), DATA_CASES, ids=[f"{k}-{v}" for k, v in DATA_CASES])
def test_bad_data_file(tmp_path: Path, pfj, kind: str, variant: str) -> None:
    template = real_data_template()
    if kind == "counts-cube":  # the cube's own pixels and bins: 0.05 deg, 11 bins over 10-500 GeV
        template["binning"]["binsz"] = 0.05
    bad = write_isodiff_variant(variant, tmp_path) if kind == "isodiff" else write_fits_variant(kind, variant, tmp_path)
    *section, key = TEMPLATE_KEY[kind]
    node = template
    for name in section:
        node = node[name]
    node[key] = [str(bad)] if key == "catalogs" else str(bad)
    master = real_data_area(tmp_path / "area", template)
    assert_refused(pfj, master, tmp_path / "out", bad)


# ---- SEDs and castros made elsewhere (the dark-matter stage reads them) -------------------------

RELEASE = "dsph-likelihoods-2017"


def write_like_txt_variant(variant: str, folder: Path) -> Path:
    lines = (require_lat_data(RELEASE) / "like_draco.txt").read_text().splitlines(keepends=True)
    header, body = lines[:2], lines[2:]
    rows = [line.split() for line in body]
    out = folder / f"like_draco-{variant}.txt"

    def write(rows: list[list[str]]) -> None:
        out.write_text("".join(header) + "".join(" ".join(r) + "\n" for r in rows))

    if variant == "empty":
        out.write_text("")
    elif variant == "truncated":
        out.write_text("".join(header) + "".join(body[: len(body) // 2]) + body[len(body) // 2][:12])
    elif variant == "not-text":
        out.write_bytes(bytes(range(256)) * 4)
    elif variant == "missing-column":
        write([r[:3] for r in rows])
    elif variant == "nan":
        rows[40][3] = "nan"
        write(rows)
    elif variant == "negative":
        rows[40][2] = "-1e-9"
        write(rows)
    elif variant == "wrong-shape":  # a bin with fewer scan points than the others
        write(rows[:30] + rows[33:])
    elif variant == "no-overlap":  # energy bins that overlap each other
        for r in rows[25:50]:
            r[0] = str(float(r[0]) * 0.5)
        write(rows)
    return out


def write_sed_fits_variant(source: str, variant: str, folder: Path) -> Path:
    """Variants of the release's ``like_all_targets.fits`` or fermipy's castro cube."""
    import io

    from astropy.io import fits

    raw = (require_lat_data() / source).read_bytes()
    out = folder / f"{Path(source).stem}-{variant}.fits"
    if variant == "empty":
        out.write_bytes(b"")
        return out
    if variant == "truncated":
        out.write_bytes(raw[: len(raw) // 2])
        return out
    if variant == "not-fits":
        out.write_text("not a FITS file\n")
        return out
    with fits.open(io.BytesIO(raw)) as hdul:
        hdul = fits.HDUList([h.copy() for h in hdul])
        table = hdul[1]
        cols = {c.upper(): c for c in table.columns.names}
        scan, norm = cols["DLOGLIKE_SCAN"], cols["NORM_SCAN"]
        name_col = cols.get("NAME") or cols.get("TARGET")
        row = int(np.flatnonzero(np.char.strip(table.data[name_col].astype(str)) == "draco")[0])
        if variant == "missing-hdu":
            del hdul[len(hdul) - 1 if "EBOUNDS" in [h.name for h in hdul] else 1]
        elif variant == "missing-column":
            hdul[1] = without_column(table, scan)
        elif variant == "wrong-shape":  # a scan one point shorter than its flux grid
            columns = [
                fits.Column(name=c.name, format=f"{np.prod(c.array.shape[1:]) - 1}D", array=c.array[..., :-1])
                if c.name == scan
                else c
                for c in table.columns
            ]
            hdul[1] = fits.BinTableHDU.from_columns(columns, header=table.header, name=table.name)
        elif variant == "nan":
            table.data[scan][row].flat[5] = np.nan
        elif variant == "negative":
            table.data[norm][row].flat[5] = -abs(table.data[norm][row].flat[5]) - 1.0
        elif variant == "no-row":
            table.data[name_col][row] = "drako"
        hdul.writeto(out)
    return out


SED_FITS_VARIANTS = ["empty", "truncated", "not-fits", "missing-hdu", "missing-column", "wrong-shape", "nan"]
SED_FITS_VARIANTS += ["negative", "no-row"]
LIKE_VARIANTS = ["empty", "truncated", "not-text", "missing-column", "nan", "negative", "wrong-shape", "no-overlap"]
SED_CASES = (
    [("like-txt", v) for v in LIKE_VARIANTS]
    + [(f"{RELEASE}/like_all_targets.fits", v) for v in SED_FITS_VARIANTS]
    + [("fermipy-extra/castro.fits", v) for v in SED_FITS_VARIANTS]
)


@pytest.mark.parametrize(("kind", "variant"), SED_CASES, ids=[f"{Path(k).stem}-{v}" for k, v in SED_CASES])
def test_bad_sed_file(tmp_path: Path, pfj, kind: str, variant: str) -> None:
    if kind == "like-txt":
        bad = write_like_txt_variant(variant, tmp_path)
    else:
        bad = write_sed_fits_variant(kind, variant, tmp_path)
    write_yaml(tmp_path / "roster.yaml", {"one": ["draco:geringer-sameth2015_nfw"]})
    master = write_yaml(
        tmp_path / "master.yaml",
        {
            "ttype": "dsph",
            "rosters": ["one"],
            "roster_files": ["roster.yaml"],
            "sed_files": {"draco": str(bad)},
            "astro_priors": ["lgauss_like"],
            "specconfig": str(REPO / "assets/lat_dsph2017/config/dm_spectra_dsph2017.yaml"),
        },
    )
    assert_refused(pfj, master, tmp_path / "out", bad)


# ---- the YAML a user writes: rosters, master, template, scenario and random files ---------------


def yaml_variant(text: str, variant: str) -> str:
    """A YAML file's text, mutated without regard to what it holds."""
    if variant == "empty":
        return ""
    if variant == "not-yaml":
        return "\x00\x01binary\x02\n"
    if variant == "a-list":
        return "- " + "\n- ".join(text.strip().splitlines()[:2]) + "\n"
    if variant == "unclosed":
        return text + "\nextra: [1, 2\n"
    raise AssertionError(variant)


YAML_FILES = {
    "master": "master.yaml",
    "roster": "dsph_roster.yaml",
    "targets": "dsph_targets.yaml",
    "template": "config/config_dSphs.yaml",
    "scenario": "config/sim_pl2.yaml",
    "random": "config/random_dSphs.yaml",
}
YAML_VARIANTS = ["empty", "not-yaml", "a-list", "unclosed"]
#: keys of each file set to NaN, to a negative number and to a string where a number belongs
YAML_VALUES = {
    "master": ["sim_defaults.seed"],
    "roster": ["pair"],
    "targets": ["draco.ra", "draco.j_integ"],
    "template": ["binning.binsz", "selection.emin"],
    "scenario": ["injected_source.source_model.Prefactor.value"],
    "random": ["max_x", "seed"],
}


def _set(data: dict, dotted: str, value: object) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        data = data[key]
    data[last] = value


@pytest.fixture
def test_area(tmp_path: Path) -> Path:
    """The repository's test profile (synthetic sky, two dwarfs) copied."""
    import shutil

    return Path(shutil.copytree(REPO / "assets/test", tmp_path / "area"))


YAML_CASES = [(f, v) for f in YAML_FILES for v in YAML_VARIANTS] + [
    (f, f"{key}={value}") for f, keys in YAML_VALUES.items() for key in keys for value in (".nan", "-5", "ten")
]


@pytest.mark.parametrize(("which", "variant"), YAML_CASES, ids=[f"{w}-{v}" for w, v in YAML_CASES])
def test_bad_yaml_file(test_area: Path, tmp_path: Path, pfj, which: str, variant: str) -> None:
    path = test_area / YAML_FILES[which]
    if not path.exists():
        pytest.fail(f"{path} is not in assets/test: the test area changed")
    if "=" in variant:
        key, value = variant.split("=")
        data = yaml.safe_load(path.read_text())
        _set(data, key, yaml.safe_load(value))
        write_yaml(path, data)
    else:
        path.write_text(yaml_variant(path.read_text(), variant))
    assert_refused(pfj, test_area / "master.yaml", tmp_path / "out", path)
