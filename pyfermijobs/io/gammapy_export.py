"""An ROI as a gammapy ``MapDataset``: the independent cross-check of the builtin engine.

Counts, binning and WCS are copied as they are. The exposure becomes gammapy's
exposure cube (per bin, averaged over the bin's energy nodes with an index-2 spectrum's
weights, which is what gammapy's bin-centred exposure stands for); the tabulated PSF of each
bin becomes a ``PSFMap``. Point sources are gammapy ``SkyModel``s (gammapy computes their
counts itself from exposure and PSF); the diffuse components and the fixed rest of the model
are ``TemplateNPredModel``s built from our templates.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pyfermijobs.datasets.roi import Component, ROIDataset
from pyfermijobs.models.spectra import Spectrum

FIXED_NAME = "fixed-model"


def spectral_model(spectrum: Spectrum) -> Any:
    """gammapy spectral model equal to ``spectrum`` (MeV, cm-2 s-1 MeV-1)."""
    import astropy.units as u
    from gammapy.modeling.models import (
        LogParabolaSpectralModel,
        PowerLawSpectralModel,
        SuperExpCutoffPowerLaw4FGLDR3SpectralModel,
    )

    v = spectrum.values
    unit = u.Unit("cm-2 s-1 MeV-1")
    if spectrum.kind == "PowerLaw":
        return PowerLawSpectralModel(index=v["Index"], amplitude=v["Prefactor"] * unit, reference=v["Scale"] * u.MeV)
    if spectrum.kind == "LogParabola":
        return LogParabolaSpectralModel(
            alpha=v["alpha"], beta=v["beta"], amplitude=v["norm"] * unit, reference=v["Eb"] * u.MeV
        )
    if spectrum.kind == "PLSuperExpCutoff4":
        return SuperExpCutoffPowerLaw4FGLDR3SpectralModel(
            index_1=v["IndexS"],
            index_2=v["Index2"],
            expfactor=v["ExpfactorS"],
            amplitude=v["Prefactor"] * unit,
            reference=v["Scale"] * u.MeV,
        )
    raise ValueError(f"no gammapy counterpart for {spectrum.kind}")


def to_mapdataset(roi: ROIDataset, free: set[str], extra: list[Component] = ()) -> Any:
    """MapDataset + models; components named in ``free`` get free normalisations.

    ``extra`` components (a test source) are added as gammapy point sources. Point sources
    not in ``free`` are folded into the fixed template with the diffuse ones that are not free.
    """
    import astropy.units as u
    from gammapy.datasets import MapDataset
    from gammapy.irf import PSFMap
    from gammapy.maps import Map, MapAxis, WcsGeom
    from gammapy.modeling.models import Models, PointSpatialModel, SkyModel, TemplateNPredModel

    g = roi.geom
    edges = np.asarray(g.energy_edges) * u.MeV
    reco = MapAxis.from_energy_edges(edges, name="energy")
    true = MapAxis.from_energy_edges(edges, name="energy_true")
    geom = WcsGeom(wcs=g.wcs, npix=(g.npix, g.ny), axes=[reco])
    counts = Map.from_geom(geom, data=roi.counts.astype(float))
    node_e, node_w = roi.nodes
    weights = (node_w / node_e)[:, :, None, None]  # index-2 counts weights: E^-2 * E dlnE
    expo = np.sum(weights * roi.exposure, axis=1) / weights.sum(axis=1)
    exposure = Map.from_geom(geom.to_image().to_cube([true]), data=expo, unit="cm2 s")
    rad = MapAxis.from_nodes(roi.psf.theta * u.deg, name="rad", interp="lin")
    # one PSF for the whole ROI: a single pixel covering it, so every position finds it
    centre = g.wcs.pixel_to_world((g.npix - 1) / 2, (g.ny - 1) / 2)
    psf_geom = WcsGeom.create(skydir=centre, npix=(1, 1), binsz=2 * g.binsz * max(g.npix, g.ny), axes=[rad, true])
    psf = PSFMap(Map.from_geom(psf_geom, data=roi.psf.density[:, :, None, None], unit="sr-1"))

    models = []
    fixed = roi.model(
        exclude=tuple(
            c.name
            for c in roi.components
            if (c.template is not None and c.name in free) or (c.kind == "point" and c.name in free)
        )
    )
    models.append(TemplateNPredModel(Map.from_geom(geom, data=fixed), name=FIXED_NAME))
    models[-1].parameters.freeze_all()
    for comp in [*roi.components, *extra]:
        if comp.name not in free and comp not in extra:
            continue
        if comp.kind == "point":
            spatial = PointSpatialModel(lon_0=comp.ra * u.deg, lat_0=comp.dec * u.deg, frame="icrs")
            model = SkyModel(spectral_model=spectral_model(comp.spectrum), spatial_model=spatial, name=comp.name)
            model.parameters.freeze_all()
            model.spectral_model.parameters[_amplitude(model)].frozen = comp.name not in free
        else:
            model = TemplateNPredModel(Map.from_geom(geom, data=comp.template), name=comp.name)
            model.parameters.freeze_all()
            model.parameters["norm"].frozen = False
        models.append(model)
    dataset = MapDataset(counts=counts, exposure=exposure, psf=psf, name="roi")
    dataset.models = Models(models)
    return dataset


def _amplitude(model: Any) -> str:
    names = model.spectral_model.parameters.names
    return "amplitude" if "amplitude" in names else names[0]
