"""Every layout in use for each input kind: the readers give the same numbers from each.

The real LAT files (``../shared/lat-data``, read in place) are rewritten by gammapy into
``tmp_path`` in its own layouts, and our readers must give the same numbers from both:

- PSF: gtpsf tables from Fermitools (3fhl-gc, fermipy's ``psf_00.fits``), from gammapy's
  ``PSFMap.write(format="gtpsf")`` (``Exposure`` with ``TDIM = (1)``, TUNITs) and gammapy's own
  ``PSFMap.write`` (``PSF`` + ``PSF_BANDS`` + ``PSF_EXPOSURE``);
- Galactic model cubes: ``ENERGIES`` (Fermitools) and gammapy's ``*_BANDS`` tables, WCS and
  HEALPix;
- counts cubes: gtbin's, fermipy's and gammapy's (``PRIMARY_BANDS``, ``EBOUNDS``, an extension);
- units from TUNIT/BUNIT converted, unknown ones and broken layouts refused naming file and column.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import require_lat_data

from pyfermijobs.errors import InputError

#: the 3FHL box's energy bins (the counts cube's: 11 log bins, 10-500 GeV)
EDGES = tuple(float(e) for e in np.geomspace(1e4, 5e5, 12))
#: 3FHL J1745.6-2900 (Sgr A*)
SGRA = (266.4191, -29.0113)


@pytest.fixture(scope="module")
def gc() -> Path:
    return require_lat_data("3fhl-gc")


@pytest.fixture(scope="module")
def setup() -> Path:
    return require_lat_data("fermipy-setup-psf1")


def quiet_gammapy():
    """gammapy's map and IRF classes, its import and I/O warnings silenced by the caller."""
    warnings.simplefilter("ignore")
    from gammapy.irf import PSFMap
    from gammapy.maps import HpxGeom, Map

    return PSFMap, Map, HpxGeom


def gammapy_psf(source: Path, dest: Path, fmt: str) -> Path:
    """A gtpsf file read by gammapy and written in ``fmt`` (``gtpsf`` or its own ``gadf``)."""
    with warnings.catch_warnings():
        psf_map, _, _ = quiet_gammapy()
        psf_map.read(source, format="gtpsf").write(dest, format=fmt, overwrite=True)
    return dest


def gammapy_map(source: Path, dest: Path, **kwargs) -> Path:
    """A map read by gammapy and written in its own layout (``Map.write``)."""
    with warnings.catch_warnings():
        _, gp_map, _ = quiet_gammapy()
        gp_map.read(source).write(dest, overwrite=True, **kwargs)
    return dest


def gammapy_healpix(source: Path, dest: Path, nest: bool) -> tuple[Path, object]:
    """The WCS Galactic model resampled by gammapy onto a partial HEALPix map (NSIDE 1024, a 3.5 deg
    disk at the Galactic centre) and written with its BANDS table (gammapy's ``gadf`` HEALPix)."""
    with warnings.catch_warnings():
        _, gp_map, hpx_geom = quiet_gammapy()
        wcs = gp_map.read(source)
        geom = hpx_geom.create(nside=1024, nest=nest, frame="galactic", region="DISK(0,0,3.5)", axes=wcs.geom.axes)
        hpx = gp_map.from_geom(geom, unit=wcs.unit)
        hpx.data = wcs.interp_by_coord(geom.get_coord()).astype(np.float32)
        hpx.write(dest, overwrite=True)
    return dest, hpx


def nodes(edges: tuple[float, ...] = EDGES) -> tuple[np.ndarray, np.ndarray]:
    from pyfermijobs.datasets.roi import NODES_PER_BIN
    from pyfermijobs.quadrature import log_nodes

    return log_nodes(np.array(edges[:-1]), np.array(edges[1:]), NODES_PER_BIN)


def gc_geom(width_pix: int = 60, binsz: float = 0.05):
    """A 3 x 3 deg ROI at the Galactic centre on the 3FHL bins."""
    from pyfermijobs.datasets.geom import ROIGeom

    return ROIGeom(0.0, 0.0, "GAL", "CAR", binsz, width_pix, EDGES)


def edit(path: Path, dest: Path, change) -> Path:
    """A copy of a FITS file with ``change(hdul)`` applied."""
    from astropy.io import fits

    with fits.open(path) as hdul:
        change(hdul)
        hdul.writeto(dest, overwrite=True)
    return dest


def replace_columns(hdul, name: str, columns: list) -> None:
    """HDU ``name`` rebuilt from ``columns`` (astropy ``fits.Column``s)."""
    from astropy.io import fits

    old = hdul[name]
    new = fits.BinTableHDU.from_columns(columns, header=old.header, name=name)
    hdul[hdul.index_of(name)] = new


# --- PSF ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "source", "fmt"),
    [
        ("3fhl-gc", "fermi-3fhl-gc-psf-cube.fits.gz", "gtpsf"),
        ("fermipy-setup-psf1", "psf_00.fits", "gtpsf"),
        ("3fhl-gc", "fermi-3fhl-gc-psf-cube.fits.gz", "gadf"),
        ("fermipy-setup-psf1", "psf_00.fits", "gadf"),
    ],
    ids=["3fhl-gtpsf", "fermipy-gtpsf", "3fhl-gammapy-psfmap", "fermipy-gammapy-psfmap"],
)
def test_gammapy_psf_gives_the_same_binned_psf(tmp_path: Path, data: str, source: str, fmt: str) -> None:
    """gammapy's rewrite of a gtpsf table (``format="gtpsf"``: Exposure with TDIM (1), which broke
    bin_psf; its own PSFMap layout) gives the table, the binned PSF and its containment radii of
    the original within 1e-6."""
    from astropy.io import fits

    from pyfermijobs.datasets.lat_response import bin_psf
    from pyfermijobs.formats.fermipy_files import read_psf_table

    original = require_lat_data(data) / source
    ours = gammapy_psf(original, tmp_path / "psf.fits", fmt)
    if fmt == "gtpsf":  # the layout the user met: a column of dimension (1), TUNITs
        with fits.open(ours) as hdul:
            assert hdul["PSF"].data["Exposure"].shape[1:] == (1,)
            assert hdul["PSF"].columns["Psf"].unit == "sr-1"
    a, b = read_psf_table(original), read_psf_table(ours)
    for name in ("energies", "theta", "psf", "exposure"):
        assert getattr(b, name).shape == getattr(a, name).shape, name
        assert np.allclose(getattr(b, name), getattr(a, name), rtol=1e-12, atol=0), name
    with fits.open(original) as hdul:
        energies = np.asarray(hdul["PSF"].data["Energy"], float)
    edges = tuple(np.geomspace(energies[0], energies[-1], 4))
    node_e, node_w = nodes(edges)
    psf_a, psf_b = bin_psf(original, node_e, node_w), bin_psf(ours, node_e, node_w)
    assert np.allclose(psf_b.density, psf_a.density, rtol=1e-6, atol=0)
    assert np.allclose(psf_b.r68(), psf_a.r68(), rtol=1e-6, atol=0)
    assert np.allclose(psf_b.containment, psf_a.containment, rtol=1e-6, atol=1e-12)


def test_psf_units_from_tunit(tmp_path: Path, gc: Path) -> None:
    """A gtpsf table in other units (Energy in GeV, Exposure in m2 s, Psf in deg-2, Theta in
    arcmin, as TUNIT says) gives the binned PSF of the original within 1e-6."""
    from astropy.io import fits

    from pyfermijobs.datasets.lat_response import bin_psf

    original = gc / "fermi-3fhl-gc-psf-cube.fits.gz"
    deg2_per_sr = (180.0 / np.pi) ** 2

    def other_units(hdul) -> None:
        psf, theta = hdul["PSF"].data, hdul["THETA"].data
        replace_columns(
            hdul,
            "PSF",
            [
                fits.Column("ENERGY", "D", unit="GeV", array=psf["Energy"] / 1e3),
                fits.Column("EXPOSURE", "D", unit="m2 s", array=psf["Exposure"][:, None] / 1e4, dim="(1)"),
                fits.Column("PSF", f"{psf['Psf'].shape[1]}D", unit="deg-2", array=psf["Psf"] / deg2_per_sr),
            ],
        )
        replace_columns(hdul, "THETA", [fits.Column("THETA", "D", unit="arcmin", array=theta["Theta"] * 60.0)])

    ours = edit(original, tmp_path / "psf_units.fits", other_units)
    node_e, node_w = nodes()
    a, b = bin_psf(original, node_e, node_w), bin_psf(ours, node_e, node_w)
    assert np.allclose(b.theta, a.theta, rtol=1e-12)
    assert np.allclose(b.density, a.density, rtol=1e-6, atol=0)
    assert np.allclose(b.r68(), a.r68(), rtol=1e-6, atol=0)


# --- Galactic model -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gc_psf(gc: Path):
    from pyfermijobs.datasets.lat_response import bin_psf

    return bin_psf(gc / "fermi-3fhl-gc-psf-cube.fits.gz", *nodes())


def galactic(path: Path, gc: Path, psf, geom=None) -> np.ndarray:
    from pyfermijobs.datasets.diffuse_files import galactic_template

    return galactic_template(path, geom or gc_geom(), gc / "fermi-3fhl-gc-exposure-cube.fits.gz", psf, *nodes())


@pytest.mark.parametrize("hdu", [None, "GALDIFF"], ids=["primary-bands", "extension-bands"])
def test_gammapy_wcs_galactic_model_gives_the_same_template(tmp_path: Path, gc: Path, gc_psf, hdu) -> None:
    """The Galactic model cut-out rewritten by gammapy (``Map.write``: energies in ``PRIMARY_BANDS``
    as ENERGY_TRUE with TUNIT and a BUNIT; or the image in an extension ``GALDIFF`` with
    ``GALDIFF_BANDS``) gives the original's predicted counts on an ROI within 1e-4."""
    from astropy.io import fits

    original = gc / "gll_iem_v06_gc.fits.gz"
    ours = gammapy_map(original, tmp_path / "galdiff.fits", **({"hdu": hdu} if hdu else {}))
    with fits.open(ours) as hdul:
        assert "ENERGIES" not in hdul and f"{hdu or 'PRIMARY'}_BANDS" in hdul
    a, b = galactic(original, gc, gc_psf), galactic(ours, gc, gc_psf)
    assert a.sum() > 1000
    assert np.allclose(b, a, rtol=1e-4, atol=0)


def test_galactic_model_intensity_units_from_bunit(tmp_path: Path, gc: Path, gc_psf) -> None:
    """The same model in ph cm-2 s-1 GeV-1 sr-1 with energies in GeV (BUNIT, TUNIT) gives the same template."""
    from astropy.io import fits

    original = gc / "gll_iem_v06_gc.fits.gz"
    written = gammapy_map(original, tmp_path / "galdiff.fits")

    def in_gev(hdul) -> None:
        hdul[0].data = hdul[0].data * 1e3
        hdul[0].header["BUNIT"] = "photon/cm**2/GeV/s/sr"
        bands = hdul["PRIMARY_BANDS"]
        columns = [
            fits.Column(c.name, c.format, unit="GeV" if c.unit == "MeV" else c.unit, array=bands.data[c.name] / 1e3)
            if c.unit == "MeV"
            else fits.Column(c.name, c.format, array=bands.data[c.name])
            for c in bands.columns
        ]
        replace_columns(hdul, "PRIMARY_BANDS", columns)

    ours = edit(written, tmp_path / "galdiff_gev.fits", in_gev)
    assert np.allclose(galactic(ours, gc, gc_psf), galactic(original, gc, gc_psf), rtol=1e-4, atol=0)


@pytest.mark.parametrize("nest", [True, False], ids=["nested", "ring"])
def test_gammapy_healpix_galactic_model(tmp_path: Path, gc: Path, gc_psf, nest: bool) -> None:
    """gammapy's HEALPix map of the Galactic model (``HpxNDMap.write``: table ``SKYMAP`` with
    CHANNEL1..n and PIX, energies in ``SKYMAP_BANDS``): sampled at the ROI's pixels as gammapy
    interpolates it itself (healpy's four-neighbour weights) within 1e-6 (measured 6e-14), and the
    predicted counts of the WCS original's (a map resampled twice, at 0.057 deg from 0.125 deg):
    per bin within 1e-3 (measured 6e-4), per pixel within 3% (measured 2.0%)."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord

    from pyfermijobs.datasets.diffuse_files import read_galactic
    from pyfermijobs.datasets.map_sampling import sample_cube

    original = gc / "gll_iem_v06_gc.fits.gz"
    path, hpx = gammapy_healpix(original, tmp_path / "galdiff_hpx.fits", nest)
    cube = read_galactic(path)
    assert cube.nest == nest and cube.frame == "GAL" and cube.pixels is not None
    geom = gc_geom()
    ours = sample_cube(cube, geom, path, "model.galdiff")
    lon, lat = geom.pixel_lonlat
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coords = SkyCoord(lon * u.deg, lat * u.deg, frame="galactic")
        theirs = np.stack([hpx.interp_by_coord({"skycoord": coords, "energy_true": e * u.MeV}) for e in cube.energies])
    assert np.allclose(ours, theirs, rtol=1e-6, atol=0)
    a, b = galactic(original, gc, gc_psf), galactic(path, gc, gc_psf)
    assert np.allclose(b.sum(axis=(1, 2)), a.sum(axis=(1, 2)), rtol=1e-3, atol=0)
    assert np.allclose(b, a, rtol=0.03, atol=0)


# --- counts cubes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "source", "kwargs"),
    [
        ("3fhl-gc", "fermi-3fhl-gc-counts-cube.fits.gz", {}),
        ("3fhl-gc", "fermi-3fhl-gc-counts-cube.fits.gz", {"format": "fgst-ccube"}),
        ("3fhl-gc", "fermi-3fhl-gc-counts-cube.fits.gz", {"hdu": "COUNTS"}),
        ("fermipy-setup-psf1", "ccube_00.fits", {}),
    ],
    ids=["3fhl-gammapy-bands", "3fhl-gammapy-ebounds", "3fhl-gammapy-extension", "fermipy-gammapy-bands"],
)
def test_gammapy_counts_cube_gives_the_same_counts(tmp_path: Path, data: str, source: str, kwargs: dict) -> None:
    """A gtbin/fermipy counts cube rewritten by gammapy (``Map.write``: ``PRIMARY_BANDS`` with E_MIN/
    E_MAX in keV, or fgst-ccube's EBOUNDS, or the image in an extension): the same counts exactly,
    the same bins, and the same ROI cut from it."""
    from pyfermijobs.datasets.counts_cubes import counts_kind, cube_cutout
    from pyfermijobs.datasets.geom import ROIGeom
    from pyfermijobs.formats.fermipy_files import celestial_wcs, read_counts_cube

    original = require_lat_data(data) / source
    ours = gammapy_map(original, tmp_path / "ccube.fits", **kwargs)
    assert counts_kind(ours) == "cube"
    a, b = read_counts_cube(original), read_counts_cube(ours)
    assert np.array_equal(b.data, a.data) and a.data.sum() > 0
    assert np.allclose(b.emin, a.emin, rtol=1e-12) and np.allclose(b.emax, a.emax, rtol=1e-12)
    assert celestial_wcs(b.header).to_header() == celestial_wcs(a.header).to_header()
    # the ROI cut from each: the cube's own pixels around its centre
    header, (ny, nx) = a.header, a.data.shape[1:]
    binsz = abs(float(header["CDELT2"]))
    lon, lat = (float(v) for v in celestial_wcs(header).pixel_to_world_values((nx - 1) / 2.0, (ny - 1) / 2.0))
    edges = (*(float(e) for e in a.emin), float(a.emax[-1]))
    frame = "GAL" if str(header["CTYPE1"]).startswith("GLON") else "CEL"
    geom = ROIGeom(lon, lat, frame, str(header["CTYPE1"])[-3:], binsz, min(nx, ny) // 2 * 2, edges)
    geom_a, counts_a = cube_cutout(original, geom)
    geom_b, counts_b = cube_cutout(ours, geom)
    assert np.array_equal(counts_b, counts_a) and geom_b.npix == geom_a.npix
    assert np.allclose(geom_b.energy_edges, geom_a.energy_edges, rtol=1e-12)


def test_gammapy_exposure_cube_gives_the_same_exposure(tmp_path: Path, gc: Path) -> None:
    """The exposure cube rewritten by gammapy (``PRIMARY_BANDS``: ENERGY_TRUE, BUNIT cm2 s) samples as the original."""
    from pyfermijobs.datasets.lat_response import exposure_at_nodes

    original = gc / "fermi-3fhl-gc-exposure-cube.fits.gz"
    ours = gammapy_map(original, tmp_path / "expcube.fits")
    node_e, _ = nodes()
    a, b = exposure_at_nodes(original, gc_geom(), node_e), exposure_at_nodes(ours, gc_geom(), node_e)
    assert np.allclose(b, a, rtol=1e-6, atol=0)


# --- the whole template path ----------------------------------------------------------------


def baseline(gc: Path, tmp_path: Path, psf: Path, galdiff: Path, counts: Path | None = None):
    """The 4 x 4 deg ROI at Sgr A* on the 3FHL data, built and fitted (as tests/test_lat_data.py)."""
    from conftest import write_yaml

    from pyfermijobs.config import builtin_settings
    from pyfermijobs.config.template import data_settings
    from pyfermijobs.datasets.lat_data import build_lat_roi
    from pyfermijobs.fitting import choose_free, fit_components, free_names

    config = {
        "selection": {"emin": EDGES[0], "emax": EDGES[-1]},
        "binning": {"binsz": 0.05, "roiwidth": 4.0, "binsperdec": float(11 / np.log10(50.0)), "coordsys": "GAL"},
        "model": {
            "galdiff": str(galdiff),
            "isodiff": str(gc / "iso_P8R2_SOURCE_V6_v06.txt"),
            "catalogs": [str(gc.parent / "catalogs" / "gll_psch_v13.fit.gz")],
        },
        "builtin": {
            "data": {
                "counts": str(counts or gc / "fermi-3fhl-gc-events.fits.gz"),
                "exposure": str(gc / "fermi-3fhl-gc-exposure-cube.fits.gz"),
                "psf": str(psf),
            }
        },
    }
    config["binning"]["proj"] = "CAR"
    path = write_yaml(tmp_path / "config.yaml", config)
    roi = build_lat_roi(config, data_settings(config, path), "sgra", *SGRA, path)
    choose_free(roi, builtin_settings(config, "t"))
    fit = fit_components(roi, free_names(roi))
    fit.apply()
    assert fit.result.converged
    fluxes = {c.name: c.spectrum.flux(1e4, 1e6) for c in roi.components if c.kind in ("point", "extended")}
    norms = {n: v for n, v in zip(fit.result.names, fit.result.values, strict=True)}
    return roi, fluxes, norms, fit.result


@pytest.mark.parametrize("counts", ["events", "counts-cube"])
def test_gammapy_files_give_the_same_baseline_fit(tmp_path: Path, gc: Path, counts: str) -> None:
    """The 3FHL template path with the gammapy-written PSF and Galactic model (and, from a counts
    cube, gammapy's rewrite of it) fits the baseline of the originals: the same counts, every
    fitted flux and normalisation within 1e-3 (measured: equal to 1e-13)."""
    psf = gammapy_psf(gc / "fermi-3fhl-gc-psf-cube.fits.gz", tmp_path / "psf.fits", "gtpsf")
    galdiff = gammapy_map(gc / "gll_iem_v06_gc.fits.gz", tmp_path / "galdiff.fits")
    cube = gc / "fermi-3fhl-gc-counts-cube.fits.gz"
    counts_a, counts_b = (None, None) if counts == "events" else (cube, gammapy_map(cube, tmp_path / "ccube.fits"))
    originals = (gc / "fermi-3fhl-gc-psf-cube.fits.gz", gc / "gll_iem_v06_gc.fits.gz")
    roi_a, fluxes_a, norms_a, fit_a = baseline(gc, tmp_path / "a", *originals, counts_a)
    roi_b, fluxes_b, norms_b, fit_b = baseline(gc, tmp_path / "b", psf, galdiff, counts_b)
    assert np.array_equal(roi_b.counts, roi_a.counts)
    # gammapy rewrites gtbin's float32 keV edges as float64 MeV-derived values: equal to 1e-15
    assert np.allclose(roi_b.geom.energy_edges, roi_a.geom.energy_edges, rtol=1e-12, atol=0)
    assert replace(roi_b.geom, energy_edges=roi_a.geom.energy_edges) == roi_a.geom
    assert set(norms_b) == set(norms_a) and len(norms_a) >= 4
    for name, value in norms_a.items():
        assert norms_b[name] == pytest.approx(value, rel=1e-3), name
    assert fluxes_a["3FHL J1745.6-2900"] > 0
    for name, flux in fluxes_a.items():
        assert fluxes_b[name] == pytest.approx(flux, rel=1e-3), name
    assert fit_b.loglike == pytest.approx(fit_a.loglike, abs=1e-3)


# --- bad layouts ----------------------------------------------------------------------------


def _drop_columns(name: str, *drop: str):
    def change(hdul) -> None:
        keep = [c for c in hdul[name].columns if c.name.upper() not in drop]
        replace_columns(hdul, name, keep)

    return change


def _set_unit(name: str, column: str, unit: str):
    def change(hdul) -> None:
        hdul[name].columns.change_unit(column, unit)

    return change


def _truncate(name: str, rows: int):
    def change(hdul) -> None:
        from astropy.io import fits

        i = hdul.index_of(name)
        hdul[i] = fits.BinTableHDU(data=hdul[i].data[:rows].copy(), header=hdul[i].header, name=name)

    return change


def _delete(name: str):
    def change(hdul) -> None:
        del hdul[name]

    return change


def _bad_counts_bands(hdul) -> None:
    _drop_columns("PRIMARY_BANDS", "E_MIN", "E_MAX")(hdul)


BAD = {
    # (which file, as gammapy or Fermitools wrote it) -> (change, reader, key in the message, problem)
    "bands-without-energies": ("galdiff", _drop_columns("PRIMARY_BANDS", *(
        "ENERGY_TRUE", "ENERGY_TRUE_MIN", "ENERGY_TRUE_MAX")), "galactic", "PRIMARY_BANDS", "no energy column"),
    "bands-rows-differ": ("galdiff", _truncate("PRIMARY_BANDS", 20), "galactic", "PRIMARY_BANDS",
                          "20 energies for a cube of 30 planes"),
    "bands-missing": ("galdiff", _delete("PRIMARY_BANDS"), "galactic", "PRIMARY_BANDS", "missing"),
    "energy-unit-unknown": ("galdiff", _set_unit("PRIMARY_BANDS", "ENERGY_TRUE", "furlong"), "galactic",
                            "PRIMARY_BANDS.ENERGY_TRUE", "unknown unit 'furlong'"),
    "energy-unit-wrong-kind": ("galdiff", _set_unit("PRIMARY_BANDS", "ENERGY_TRUE", "deg"), "galactic",
                               "PRIMARY_BANDS.ENERGY_TRUE", "is not 'MeV'"),
    "intensity-unit-wrong-kind": ("galdiff", lambda h: h[0].header.update(BUNIT="cm2 s"), "galactic",
                                  "PRIMARY.BUNIT", "is not 'MeV-1 cm-2 s-1 sr-1'"),
    "psf-without-exposure": ("psf", _drop_columns("PSF", "EXPOSURE"), "psf", "PSF.Exposure", "column missing"),
    "psf-exposure-unit": ("psf", _set_unit("PSF", "Exposure", "GeV"), "psf", "PSF.Exposure", "is not 'cm2 s'"),
    "psf-profile-length": ("psf", _truncate("THETA", 200), "psf", "PSF.Psf", "expected (11, 200)"),
    "psf-value-unit": ("psf", _set_unit("PSF", "Psf", "furlong"), "psf", "PSF.Psf", "unknown unit"),
    "psfmap-without-exposure": ("psfmap", _delete("PSF_EXPOSURE"), "psf", "PSF_EXPOSURE", "HDU missing"),
    "counts-bands-without-bins": ("ccube", _bad_counts_bands, "counts", "PRIMARY_BANDS.E_MIN", "no energy bins"),
    "counts-bands-rows-differ": ("ccube", _truncate("PRIMARY_BANDS", 5), "counts", "PRIMARY_BANDS",
                                 "5 energy bins for a cube of 11 planes"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(BAD))
def test_bad_layouts_name_file_and_column(tmp_path: Path, gc: Path, case: str) -> None:
    from pyfermijobs.datasets.diffuse_files import read_galactic
    from pyfermijobs.datasets.lat_response import bin_psf
    from pyfermijobs.formats.fermipy_files import read_counts_cube

    kind, change, reader, key, problem = BAD[case]
    sources = {
        "galdiff": lambda: gammapy_map(gc / "gll_iem_v06_gc.fits.gz", tmp_path / "written.fits"),
        "psf": lambda: gammapy_psf(gc / "fermi-3fhl-gc-psf-cube.fits.gz", tmp_path / "written.fits", "gtpsf"),
        "psfmap": lambda: gammapy_psf(gc / "fermi-3fhl-gc-psf-cube.fits.gz", tmp_path / "written.fits", "gadf"),
        "ccube": lambda: gammapy_map(gc / "fermi-3fhl-gc-counts-cube.fits.gz", tmp_path / "written.fits"),
    }
    bad = edit(sources[kind](), tmp_path / f"{case}.fits", change)
    read = {
        "galactic": lambda: read_galactic(bad),
        "psf": lambda: bin_psf(bad, *nodes()),
        "counts": lambda: read_counts_cube(bad),
    }[reader]
    with pytest.raises(InputError) as caught:
        read()
    error = caught.value
    assert error.file == str(bad), error
    assert error.key == key, error
    assert problem in error.problem, error


def test_prepare_targets_takes_gammapy_files(tmp_path: Path, gc: Path, pfj) -> None:
    """``pfj prepare-targets`` (where gammapy's gtpsf file died in bin_psf) on a template whose PSF,
    Galactic model and counts cube gammapy wrote: exit 0; with a PSF lacking Exposure: exit 2
    naming the file and the column, nothing written."""
    from conftest import write_yaml

    written = {
        "psf": gammapy_psf(gc / "fermi-3fhl-gc-psf-cube.fits.gz", tmp_path / "psf.fits", "gtpsf"),
        "galdiff": gammapy_map(gc / "gll_iem_v06_gc.fits.gz", tmp_path / "galdiff.fits"),
        "counts": gammapy_map(gc / "fermi-3fhl-gc-counts-cube.fits.gz", tmp_path / "ccube.fits"),
    }
    root = tmp_path / "area"
    config = {
        "selection": {"emin": EDGES[0], "emax": EDGES[-1]},
        "binning": {"binsz": 0.05, "roiwidth": 3.0, "binsperdec": float(11 / np.log10(50.0)), "coordsys": "GAL"},
        "model": {"galdiff": str(written["galdiff"]), "isodiff": str(gc / "iso_P8R2_SOURCE_V6_v06.txt")},
        "builtin": {
            "data": {
                "counts": str(written["counts"]),
                "exposure": str(gc / "fermi-3fhl-gc-exposure-cube.fits.gz"),
                "psf": str(written["psf"]),
            }
        },
    }
    config["binning"]["proj"] = "CAR"
    write_yaml(root / "config" / "config_gc.yaml", config)
    write_yaml(root / "roster.yaml", {"gc": {"sgra": {"ra": SGRA[0], "dec": SGRA[1]}}})
    master = {"ttype": "gc", "rosters": ["roster.yaml"], "sim_defaults": {"seed": 0, "nsims": 1}, "sims": {}}
    write_yaml(root / "master.yaml", master)
    code, _, err = pfj("prepare-targets", "--master", str(root / "master.yaml"), "--outdir", str(tmp_path / "out"))
    assert code == 0, err
    bad = edit(written["psf"], tmp_path / "psf_no_exposure.fits", _drop_columns("PSF", "EXPOSURE"))
    config["builtin"]["data"]["psf"] = str(bad)
    write_yaml(root / "config" / "config_gc.yaml", config)
    code, _, err = pfj("prepare-targets", "--master", str(root / "master.yaml"), "--outdir", str(tmp_path / "out2"))
    assert code == 2 and f"{bad}: PSF.Exposure: column missing" in err, err
    assert not (tmp_path / "out2").exists()
