"""Pixel grids, responses and ROIs: the data an analysis fits (counts, exposure, PSF, model templates)."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "geom": ("ROIGeom", "separation_deg", "to_frame", "to_icrs", "unit_vectors"),
        "psf": ("PSFTable", "lat_like_psf", "psf_kernel"),
        "roi": ("Component", "ROIDataset", "read_geometry"),
        "synthetic": ("build_synthetic_roi",),
    },
)
