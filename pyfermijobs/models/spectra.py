"""Spectral models in fermipy's (and 4FGL's) parameterisations.

Energies in MeV, dN/dE in ph cm-2 s-1 MeV-1. Parameter names follow fermipy's source
dictionaries (``Prefactor``, ``Index``, ``Scale``, ...); index parameters are positive
numbers for falling spectra (dN/dE ~ E^-Index), as written in fermipy YAML files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyfermijobs.errors import InputError
from pyfermijobs.quadrature import log_nodes


def _powerlaw(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    return p["Prefactor"] * (e / p["Scale"]) ** -p["Index"]


def _logparabola(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    x = np.log(e / p["Eb"])
    return p["norm"] * np.exp(-(p["alpha"] + p["beta"] * x) * x)


def _plsuperexpcutoff4(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """4FGL-DR3 form: K (E/E0)^(d/b - G) exp(d/b^2 (1 - (E/E0)^b)); its b -> 0 limit is a log-parabola."""
    x = np.log(e / p["Scale"])
    b, d = p["Index2"], p["ExpfactorS"]
    if abs(b) < 1e-3:
        # series of (d/b) x + d/b^2 (1 - e^{bx}) around b = 0 (avoids cancelling large terms)
        expo = -p["IndexS"] * x - 0.5 * d * x**2 - d * b * x**3 / 6.0
    else:
        expo = (d / b - p["IndexS"]) * x + d / b**2 * (-np.expm1(b * x))
    return p["Prefactor"] * np.exp(expo)


def _plsuperexpcutoff(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """fermipy's PLSuperExpCutoff: K (E/E0)^-G1 exp(-(E/Ec)^G2)."""
    return p["Prefactor"] * (e / p["Scale"]) ** -p["Index1"] * np.exp(-((e / p["Cutoff"]) ** p["Index2"]))


def _dmfit(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    """fermipy's DMFitFunction: ``norm`` is J (GeV2 cm-5), sigmav in cm3 s-1, mass in GeV, channel0 its code;
    for a decay channel (codes 101-112) ``sigmav`` is fermipy's params[0], the lifetime tau (s), and
    ``norm`` the D-factor (GeV cm-2)."""
    from pyfermijobs.darkmatter.spectra import channel_name, dnde

    return dnde(e, channel_name(int(p["channel0"])), p["mass"], p["sigmav"], p["norm"])


def _template_scale(e: np.ndarray, p: dict[str, float]) -> np.ndarray:
    return np.full_like(e, p["Normalization"])


@dataclass(frozen=True)
class SpectralForm:
    """A spectral shape: its function, parameter names, normalisation and index parameter."""

    function: Callable[[np.ndarray, dict[str, float]], np.ndarray]
    params: tuple[str, ...]
    norm: str
    index: str | None
    defaults: dict[str, float] = field(default_factory=dict)


FORMS: dict[str, SpectralForm] = {
    "PowerLaw": SpectralForm(
        _powerlaw, ("Prefactor", "Index", "Scale"), "Prefactor", "Index", {"Index": 2.0, "Scale": 1000.0}
    ),
    "LogParabola": SpectralForm(
        _logparabola, ("norm", "alpha", "beta", "Eb"), "norm", "alpha", {"beta": 0.0, "Eb": 1000.0}
    ),
    "PLSuperExpCutoff4": SpectralForm(
        _plsuperexpcutoff4,
        ("Prefactor", "IndexS", "Scale", "ExpfactorS", "Index2"),
        "Prefactor",
        "IndexS",
        {"Index2": 2.0 / 3.0},
    ),
    "PLSuperExpCutoff": SpectralForm(
        _plsuperexpcutoff, ("Prefactor", "Index1", "Scale", "Cutoff", "Index2"), "Prefactor", "Index1", {"Index2": 1.0}
    ),
    "DMFitFunction": SpectralForm(_dmfit, ("norm", "sigmav", "mass", "channel0"), "norm", None, {"channel0": 4}),
    # A factor on a component whose spectrum lives in its template (fermipy's diffuse models,
    # sources exported from fermipy): only ratios of dN/dE mean anything.
    "TemplateScale": SpectralForm(_template_scale, ("Normalization",), "Normalization", None),
}
TEMPLATE_SCALE = "TemplateScale"
DMFIT = "DMFitFunction"


@dataclass
class Spectrum:
    """A spectral form with parameter values."""

    kind: str
    values: dict[str, float]

    @property
    def form(self) -> SpectralForm:
        return FORMS[self.kind]

    def dnde(self, energy: np.ndarray) -> np.ndarray:
        return self.form.function(np.asarray(energy, dtype=float), self.values)

    def with_values(self, **values: float) -> Spectrum:
        return Spectrum(self.kind, {**self.values, **values})

    def flux(self, emin: float, emax: float, nodes: int = 16) -> float:
        """Integral photon flux (ph cm-2 s-1) between emin and emax."""
        e, w = log_nodes(np.array([emin]), np.array([emax]), nodes)
        return float(np.sum(self.dnde(e) * e * w))

    def eflux(self, emin: float, emax: float, nodes: int = 16) -> float:
        """Integral energy flux (MeV cm-2 s-1) between emin and emax."""
        e, w = log_nodes(np.array([emin]), np.array([emax]), nodes)
        return float(np.sum(self.dnde(e) * e**2 * w))

    def to_dict(self) -> dict[str, float]:
        return {"SpectrumType": self.kind, **{k: float(v) for k, v in self.values.items()}}


def spectrum_from_fermipy(
    model: dict, file: str, key: str, jfactor: float | None = None, dfactor: float | None = None
) -> Spectrum:
    """A :class:`Spectrum` from a fermipy source dictionary (``SpectrumType`` + parameters).

    Parameters are ``{value: v}`` mappings or plain numbers; spectrum and parameter names are
    matched without regard to case (the fermipy.jobs guide writes ``Powerlaw``, ``index``, ``scale``).
    A DMFitFunction's ``norm: nan`` (dmpipe's scenarios) means the target's J-factor: ``jfactor``; for
    a decay channel (``channel0`` 101-112, ``sigmav`` then the lifetime in s) its D-factor: ``dfactor``.
    """
    given = str(model.get("SpectrumType", "PowerLaw"))
    # fermipy's names, matched without regard to case (the fermipy.jobs guide writes "Powerlaw")
    kind = next((k for k in (*FORMS, "PLSuperExpCutoff2") if k.lower() == given.lower()), given)
    if kind == TEMPLATE_SCALE:
        raise InputError(file, f"{key}.SpectrumType", f"{kind} is internal (templates exported from fermipy)")
    if kind == "PLSuperExpCutoff2":
        kind = "PLSuperExpCutoff"
    if kind not in FORMS:
        raise InputError(
            file,
            f"{key}.SpectrumType",
            f"spectrum {kind!r} is not supported; use one of {', '.join(k for k in FORMS if k != TEMPLATE_SCALE)}",
        )
    form = FORMS[kind]
    by_lower = {k.lower(): v for k, v in model.items()}
    values: dict[str, float] = {}
    for name in form.params:
        raw = by_lower.get(name.lower())
        if raw is None:
            if name in form.defaults:
                values[name] = form.defaults[name]
                continue
            raise InputError(file, f"{key}.{name}", f"parameter required by {kind} is missing")
        value = raw.get("value") if isinstance(raw, dict) else raw
        scale = raw.get("scale", 1.0) if isinstance(raw, dict) else 1.0
        number = float(value) * float(scale)
        if kind == DMFIT and name == "norm" and np.isnan(number):
            decay = dm_decay(by_lower)
            factor, what = (dfactor, "D-factor") if decay else (jfactor, "J-factor")
            if factor is None:
                raise InputError(file, f"{key}.norm", f"nan means the target's {what}, which is not known here")
            number = float(factor)
        if name == form.index and number < 0:  # fermipy's internal sign convention (scale -1)
            number = -number
        if not np.isfinite(number):
            raise InputError(file, f"{key}.{name}", f"must be a finite number, got {value!r}")
        values[name] = number
    if kind == DMFIT:
        _check_dm(values, file, key)
    if values[form.norm] < 0:
        raise InputError(file, f"{key}.{form.norm}", "normalisation must be >= 0")
    return Spectrum(kind, values)


def dm_decay(model: dict[str, Any]) -> bool:
    """Whether a DMFitFunction source model's ``channel0`` (a code, or {value: code}; keys in any case)
    is a decay channel (fermipy's 101-112), whose ``sigmav`` is a lifetime and ``norm`` a D-factor."""
    by_lower = {str(k).lower(): v for k, v in model.items()}
    raw = by_lower.get("channel0", FORMS[DMFIT].defaults["channel0"])
    raw = raw.get("value") if isinstance(raw, dict) else raw
    try:
        return float(raw) > 100
    except (TypeError, ValueError):
        return False


def _check_dm(values: dict[str, float], file: str, key: str) -> None:
    """A DMFitFunction's channel code and mass must be in fermipy's table."""
    from pyfermijobs.darkmatter.spectra import channel_name, table_masses

    try:
        channel_name(int(values["channel0"]) if float(values["channel0"]).is_integer() else values["channel0"])
    except ValueError as exc:
        raise InputError(file, f"{key}.channel0", str(exc)) from None
    lo, hi = table_masses()
    if not lo <= values["mass"] <= hi:
        raise InputError(
            file, f"{key}.mass", f"{values['mass']} GeV is outside fermipy's spectra table ({lo:g}-{hi:g})"
        )
    if values["channel0"] > 100:  # fermipy's params[0] is the lifetime of a decay channel
        if not values["sigmav"] > 0:
            raise InputError(file, f"{key}.sigmav", "a decay channel's sigmav is its lifetime tau (s): must be > 0")
    elif not values["sigmav"] >= 0:
        raise InputError(file, f"{key}.sigmav", "must be >= 0")
