"""Likelihood SEDs ("castro" curves) made outside the pipeline, as fermipy's SED columns.

The LAT collaboration released its dwarf likelihoods (Albert et al. 2017) as text (``like_<target>.txt``)
and as one FITS table (``like_all_targets.fits``); fermipy writes castro cubes (``SCANDATA`` +
``EBOUNDS``) and SED files (``SED``), gammapy gadf-sed files (``FLUXPOINTS``). Each is recognised from
its content, never its name, so a renamed file still reads as what it is.

The per-bin summaries (best fit, errors, 95% limit, TS) of the first three are computed from the scans
as the tool that made them reads them (:func:`reading`; header ``CASTRO``): the release's with the
quadratic spline its own limits came from, fermipy's linearly as its CastroData does. The files' own
``ts``/``norm_ul`` are not kept: fermipy-extra's castro cube puts ``NORM_UL`` near a drop of 1.0, and
one reading throughout keeps every number consistent with the scans the rest of the pipeline reads.

Every problem raises :class:`~pyfermijobs.errors.InputError` naming the file and the line (text) or
row and bin (FITS) before anything is returned.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from pyfermijobs.darkmatter.castro import CastroLikelihood, bin_crossings
from pyfermijobs.errors import InputError, closest
from pyfermijobs.io.sed_fits import SED_COLUMNS, read_sed
from pyfermijobs.statistics import one_sided_drop

UL_CONF = 0.95
#: Relative tolerance on one bin's emax equal to the next one's emin.
CONTIGUOUS = 1e-6
FITS_MAGIC = b"SIMPLE  ="
#: Formats whose files carry fermipy's summary columns already (made by fermipy or gammapy's fits).
SUMMARISED_ELSEWHERE = ("fermipy-sed", "gadf-sed")


def read_castro(path: Path | str, row: str | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """fermipy's SED columns (lower case, energies in MeV) and a header (``SEDFMT``, ``SEDFILE``,
    ``SEDROW``, ``UL_CONF``, ``CASTRO``) from any of the formats above.

    ``row`` picks a target in a file of several (``name`` or ``target`` column); a file of one is
    that one. Formats holding a single SED (text, fermipy's SED, gadf-sed) ignore ``row``.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(path, None, "likelihood SED file not found")
    try:
        with open(file, "rb") as stream:
            start = stream.read(len(FITS_MAGIC))
    except OSError as exc:
        raise InputError(path, None, f"not readable ({exc.strerror or exc})") from None
    if start == FITS_MAGIC:
        sed, header = _read_fits(file, str(path), row)
    else:
        sed, header = _read_text(file, str(path)), {"SEDFMT": "lat-release-txt"}
    _check(sed, str(path), header.get("SEDROW"))
    method = reading(header["SEDFMT"])
    if header["SEDFMT"] not in SUMMARISED_ELSEWHERE:
        sed = _summarise(sed, method)
    header.update(SEDFILE=str(path), CASTRO=method)
    header.setdefault("UL_CONF", UL_CONF)
    return sed, header


def reading(fmt: str) -> str:
    """How a format's scans are read: as the tool that made them reads them. The LAT's 2017 release
    with the quadratic spline its limits came from (fermipy's Interpolator of the time: the release's
    bin-by-bin limits are reproduced to 1e-4, straight lines fall up to 6% short); fermipy's and
    gammapy's files linearly, as fermipy's CastroData reads them today."""
    return "quadratic" if fmt.startswith("lat-release") else "linear"


# --- the release's text ------------------------------------------------------------------------


def _read_text(file: Path, where: str) -> dict[str, np.ndarray]:
    """``emin emax eflux deltaLogLike`` lines, grouped by bin; the reference spectrum of each bin is a
    power law of index 2 (as the release's bin-by-bin limits assume) whose energy flux is the bin's
    largest scanned one, so ``norm_scan`` runs over [0, 1]."""
    raw = file.read_bytes()
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(where, None, "not a likelihood SED: neither FITS nor text") from None
    bins: list[tuple[int, float, float, list[float], list[float]]] = []  # first line, emin, emax, fluxes, loglikes
    seen: set[tuple[float, float]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key = f"line {number}"
        try:
            emin, emax, eflux, loglike = (float(word) for word in line.split())
        except ValueError:
            got = line.strip()[:60]
            raise InputError(
                where, key, f"not a likelihood SED: expected emin emax eflux dloglike, got {got!r}"
            ) from None
        if not np.all(np.isfinite([emin, emax, eflux, loglike])):
            raise InputError(where, key, f"not a finite number: {line.strip()}")
        if not 0 < emin < emax:
            raise InputError(where, key, f"energy bin {emin:g}-{emax:g} MeV is not 0 < emin < emax")
        if eflux < 0:
            raise InputError(where, key, f"negative energy flux {eflux:g}")
        if not bins or (bins[-1][1], bins[-1][2]) != (emin, emax):
            if (emin, emax) in seen:
                raise InputError(where, key, f"bin {emin:g}-{emax:g} MeV appears again after other bins")
            seen.add((emin, emax))
            bins.append((number, emin, emax, [], []))
        elif eflux <= bins[-1][3][-1]:
            raise InputError(
                where,
                key,
                f"energy flux {eflux:g} not above the line before's {bins[-1][3][-1]:g}: fluxes must increase in a bin",
            )
        bins[-1][3].append(eflux)
        bins[-1][4].append(loglike)
    if not bins:
        raise InputError(where, None, "empty: no likelihood scan lines")
    npts = Counter(len(b[3]) for b in bins).most_common(1)[0][0]
    for (number, emin, emax, fluxes, _), after in zip(bins, [*bins[1:], None], strict=True):
        if len(fluxes) != npts or npts < 2:
            raise InputError(
                where,
                f"line {number}",
                f"bin {emin:g}-{emax:g} MeV has {len(fluxes)} energy fluxes, the other bins {npts} (at least 2)",
            )
        if after is not None and not np.isclose(after[1], emax, rtol=CONTIGUOUS, atol=0):
            raise InputError(
                where,
                f"line {after[0]}",
                f"bin starts at {after[1]:g} MeV, the one before ends at {emax:g} MeV: a bin missing or out of order",
            )
    emin, emax = np.array([b[1] for b in bins]), np.array([b[2] for b in bins])
    eflux, scan = np.array([b[3] for b in bins]), np.array([b[4] for b in bins])
    eref = np.sqrt(emin * emax)
    ref_eflux = eflux[:, -1]
    ref_dnde = ref_eflux / (eref**2 * np.log(emax / emin))
    reference = _index2_reference(emin, emax, eref, ref_dnde, ref_eflux=ref_eflux)
    return _scanned(reference, eflux / ref_eflux[:, None], scan, scan.max(axis=1))


def _index2_reference(
    emin: np.ndarray, emax: np.ndarray, eref: np.ndarray, ref_dnde: np.ndarray, **given: np.ndarray
) -> dict[str, np.ndarray]:
    """A reference spectrum dN/dE = ref_dnde (E / e_ref)^-2 within each bin, ``given`` columns kept."""
    power = ref_dnde * eref**2
    reference = {
        "e_min": emin,
        "e_ref": eref,
        "e_max": emax,
        "ref_dnde_e_min": ref_dnde * (emin / eref) ** -2,
        "ref_dnde_e_max": ref_dnde * (emax / eref) ** -2,
        "ref_dnde": ref_dnde,
        "ref_flux": power * (1 / emin - 1 / emax),
        "ref_eflux": power * np.log(emax / emin),
        "ref_npred": np.full(len(emin), np.nan),
    }
    return {**reference, **given}


# --- FITS --------------------------------------------------------------------------------------


def _read_fits(file: Path, where: str, row: str | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Which FITS layout this is, from its HDUs (and, for the release's table, its columns)."""
    from astropy.io import fits

    try:
        with fits.open(file, memmap=False) as hdul:
            names = {hdu.name for hdu in hdul}
            kinds = [k for k, hdus in LAYOUTS.items() if hdus <= names]
            if len(kinds) > 1:
                raise InputError(where, None, f"not a likelihood SED: ambiguous, both {' and '.join(kinds)}")
            if kinds == ["fermipy-castro"]:
                return _fermipy_castro(hdul, where, row)
            if not kinds:
                tables = [h for h in hdul[1:] if isinstance(h, fits.BinTableHDU)]
                columns = {c.lower() for c in tables[0].columns.names} if len(tables) == 1 else set()
                if not columns >= RELEASE_COLUMNS:
                    raise InputError(where, None, f"not a likelihood SED: {NOT_FOUND}")
                return _release_fits(tables[0], where, row)
    except (OSError, TypeError, ValueError, KeyError, IndexError) as exc:
        raise InputError(where, None, f"not a likelihood SED: unreadable FITS ({exc})") from None
    sed, header = read_sed(file)
    missing = [n for n in ("e_min", "e_max", "ref_eflux", "norm_scan", "dloglike_scan") if n not in sed]
    if missing:
        raise InputError(where, None, f"not a likelihood SED: no {', '.join(missing)}")
    sed.setdefault("e_ref", np.sqrt(sed["e_min"] * sed["e_max"]))
    for name, _ in SED_COLUMNS:
        sed.setdefault(name, np.full(len(sed["e_min"]), np.nan))
    return sed, {**header, "SEDFMT": kinds[0]}


#: The HDUs that make each FITS layout; the release's is a single table with these columns.
LAYOUTS = {"fermipy-castro": {"SCANDATA", "EBOUNDS"}, "fermipy-sed": {"SED"}, "gadf-sed": {"FLUXPOINTS"}}
NOT_FOUND = "no SCANDATA+EBOUNDS, SED or FLUXPOINTS HDU, nor one table of likelihood SEDs by name"
RELEASE_COLUMNS = {"name", "e_min", "e_max", "ref_dnde", "norm_scan", "dloglike_scan"}
#: The reference spectrum's columns and units (fermipy's, from the TUNIT when a file gives one).
REF_UNITS = {"ref_dnde": "1 / (MeV cm2 s)", "ref_flux": "1 / (cm2 s)", "ref_eflux": "MeV / (cm2 s)", "ref_npred": ""}


def _pick(names: list[str], where: str, row: str | None) -> int:
    """The index of ``row`` among ``names``; a table of one needs none."""
    if row is None:
        if len(names) == 1:
            return 0
        raise InputError(where, "row", f"{len(names)} likelihood SEDs here, say which: {', '.join(names)}")
    hits = [i for i, n in enumerate(names) if n == row] or [i for i, n in enumerate(names) if n.lower() == row.lower()]
    if len(hits) != 1:
        problem = f"{len(hits)} rows named" if hits else "no row"
        raise InputError(where, f"row {row}", f"{problem} {row!r}" + closest(row, names))
    return hits[0]


def _column(hdu: Any, name: str, unit: str, where: str, index: int | None = None, assumed: str = "") -> np.ndarray:
    """A column (any case, fermipy's ``dfde`` for ``dnde``) in ``unit``: converted from its TUNIT, or
    from ``assumed`` when it has none (``ph`` counts no unit)."""
    import astropy.units as u

    col = next(c for c in hdu.columns if c.name.lower().replace("dfde", "dnde") == name)
    data = np.asarray(hdu.data[col.name] if index is None else hdu.data[col.name][index], float)
    given = col.unit or assumed
    if not given:
        return data
    try:
        quantity = u.Quantity(data, u.Unit(given))
        if u.ph in quantity.unit.bases:
            quantity = quantity / u.ph
        return quantity.to_value(u.Unit(unit))
    except (ValueError, u.UnitsError) as exc:
        raise InputError(
            where, f"{hdu.name}.{col.name}", f"unit {given!r} is not {unit or 'a number'} ({exc})"
        ) from None


def _reference(hdu: Any, where: str, index: int | None, assumed: str) -> dict[str, np.ndarray]:
    """Bins and reference spectrum (index 2 within a bin where the file gives less) from ``hdu``."""
    columns = {c.lower().replace("dfde", "dnde") for c in hdu.columns.names}
    emin = _column(hdu, "e_min", "MeV", where, index, assumed)
    emax = _column(hdu, "e_max", "MeV", where, index, assumed)
    eref = _e_ref(hdu, emin, emax, where, index) if "e_ref" in columns else np.sqrt(emin * emax)
    if "ref_dnde" not in columns:
        raise InputError(where, hdu.name, "no REF_DNDE: the reference spectrum is unknown")
    given = {n: _column(hdu, n, unit, where, index) for n, unit in REF_UNITS.items() if n in columns}
    return _index2_reference(emin, emax, eref, given.pop("ref_dnde"), **given)


def _e_ref(hdu: Any, emin: np.ndarray, emax: np.ndarray, where: str, index: int | None) -> np.ndarray:
    """E_REF in MeV: from its TUNIT, or else in the unit (MeV or keV) that puts it inside its bins:
    fermipy's EBOUNDS give E_MIN/E_MAX in keV and E_REF, without a unit, in MeV."""
    col = next(c for c in hdu.columns if c.name.lower() == "e_ref")
    if col.unit:
        return _column(hdu, "e_ref", "MeV", where, index)
    raw = np.asarray(hdu.data[col.name] if index is None else hdu.data[col.name][index], float)
    for scale in (1.0, 1e-3):
        if np.all((raw * scale >= emin * (1 - CONTIGUOUS)) & (raw * scale <= emax * (1 + CONTIGUOUS))):
            return raw * scale
    raise InputError(where, f"{hdu.name}.{col.name}", "without a unit, outside its bins in MeV and in keV")


def _release_fits(hdu: Any, where: str, row: str | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The release's table: one row per target with its bins, reference and scans. Its scans are on
    the scale of its ``loglike`` column (the scan's maximum)."""
    names = [str(n).strip() for n in hdu.data["name"]]
    i = _pick(names, where, row)
    reference = _reference(hdu, where, i, "MeV")
    norm_scan, scan = _scans(hdu, i, len(reference["e_min"]), where, names[i])
    return _scanned(reference, norm_scan, scan, scan.max(axis=1)), {"SEDFMT": "lat-release-fits", "SEDROW": names[i]}


def _scans(hdu: Any, i: int, nbins: int, where: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    columns = {c.lower(): c for c in hdu.columns.names}
    norm_scan = np.asarray(hdu.data[columns["norm_scan"]][i], float)
    scan = np.asarray(hdu.data[columns["dloglike_scan"]][i], float)
    if norm_scan.ndim != 2 or norm_scan.shape != scan.shape or norm_scan.shape[0] != nbins:
        raise InputError(
            where, f"row {name}", f"scans of shape {norm_scan.shape} and {scan.shape} for {nbins} energy bins"
        )
    return norm_scan, scan


def _fermipy_castro(hdul: Any, where: str, row: str | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """fermipy's castro cube: ``SCANDATA`` (a row per ``target``) and ``EBOUNDS`` (edges in keV by
    OGIP custom, the reference in MeV). Its ``DLOGLIKE_SCAN`` is relative to ``LOGLIKE`` (fermipy's
    fit), so the log-likelihood at the best scan point is their sum."""
    scandata = hdul["SCANDATA"]
    columns = {c.lower() for c in scandata.columns.names}
    if "target" in columns:
        names = [
            str(n).strip() for n in scandata.data[next(c for c in scandata.columns.names if c.lower() == "target")]
        ]
    else:
        names = [str(k) for k in range(len(scandata.data))]
    i = _pick(names, where, row)
    reference = _reference(hdul["EBOUNDS"], where, None, "keV")
    norm_scan, scan = _scans(scandata, i, len(reference["e_min"]), where, names[i])
    loglike = _column(scandata, "loglike", "", where, i) if "loglike" in columns else np.zeros(len(scan))
    return _scanned(reference, norm_scan, scan, loglike + scan.max(axis=1)), {
        "SEDFMT": "fermipy-castro",
        "SEDROW": names[i],
    }


# --- checks and summaries ----------------------------------------------------------------------


def _check(sed: dict[str, np.ndarray], where: str, row: str | None) -> None:
    """The bins contiguous and finite, each scan finite, non-negative and strictly increasing."""
    prefix = f"row {row}, " if row else ""
    emin, emax = np.asarray(sed["e_min"], float), np.asarray(sed["e_max"], float)
    norm_scan, scan = np.atleast_2d(sed["norm_scan"]), np.atleast_2d(sed["dloglike_scan"])
    if len(emin) == 0:
        raise InputError(where, row and f"row {row}", "empty: no energy bins")
    if norm_scan.shape != scan.shape or len(norm_scan) != len(emin) or norm_scan.shape[1] < 2:
        shapes = f"norm_scan {norm_scan.shape}, dloglike_scan {scan.shape}"
        raise InputError(where, row and f"row {row}", f"{shapes} for {len(emin)} bins (at least 2 points each)")
    for k in range(len(emin)):
        key = f"{prefix}bin {k}"
        values = [emin[k], emax[k], sed["ref_eflux"][k], *norm_scan[k], *scan[k]]
        if not np.all(np.isfinite(values)):
            raise InputError(where, key, "not finite (energies, ref_eflux, norm_scan or dloglike_scan)")
        if not 0 < emin[k] < emax[k] or sed["ref_eflux"][k] <= 0:
            raise InputError(where, key, f"bin {emin[k]:g}-{emax[k]:g} MeV with ref_eflux {sed['ref_eflux'][k]:g}")
        if np.any(norm_scan[k] < 0):
            raise InputError(where, key, "negative flux in norm_scan")
        if np.any(np.diff(norm_scan[k]) <= 0):
            raise InputError(where, key, "norm_scan not strictly increasing")
        if k + 1 < len(emin) and not np.isclose(emin[k + 1], emax[k], rtol=CONTIGUOUS, atol=0):
            raise InputError(
                where, key, f"ends at {emax[k]:g} MeV, the next bin starts at {emin[k + 1]:g}: a bin is missing"
            )


def _scanned(reference: dict[str, np.ndarray], norm_scan: np.ndarray, scan: np.ndarray, loglike: np.ndarray) -> dict:
    """The reference and the scans; ``loglike`` is the log-likelihood at the best fit (the best scan
    point) on the file's scale, ``dloglike_scan`` relative to it (so <= 0, 0 at the best fit)."""
    best = scan.max(axis=1, keepdims=True) if scan.size else scan
    return {**reference, "norm_scan": norm_scan, "dloglike_scan": scan - best, "loglike": loglike}


def _summarise(sed: dict[str, np.ndarray], method: str) -> dict[str, np.ndarray]:
    """fermipy's summary columns from the scans as ``method`` reads them: best fit at the maximum,
    errors where the log-likelihood drops 0.5 (the lower stops at the scan's start), the 95% limit
    at a drop of 1.35, ts = 2 (max - value at zero flux). Files' own ``ts``/``norm_ul`` are replaced
    (see the module's docstring)."""
    sed = dict(sed)
    castro = CastroLikelihood.from_sed(sed, method=method)
    norm = castro.best
    errp = bin_crossings(castro, 0.5) - norm
    errn = norm - bin_crossings(castro, 0.5, above=False)
    zero = np.array([castro.bin_loglike(k, np.zeros(1))[0] for k in range(castro.nbins)])
    sed.update(
        norm=norm,
        norm_err=0.5 * (errp + errn),
        norm_errp=errp,
        norm_errn=errn,
        norm_ul=bin_crossings(castro, one_sided_drop(UL_CONF)),
        ts=np.maximum(2.0 * (castro.loglike.max(axis=1) - zero), 0.0),
    )
    for prefix, scale in (("dnde", sed["ref_dnde"]), ("e2dnde", sed["ref_dnde"] * sed["e_ref"] ** 2)):
        for suffix in ("", "_err", "_errp", "_errn", "_ul"):
            sed[prefix + suffix] = sed["norm" + suffix] * scale
    return sed
