"""Fermitools' and fermipy's file formats, read and written at the lowest layer (nothing of the
package but its leaf modules errors, labels, yamlio): counts, exposure and model cubes, PSF tables,
fermipy's model-cube export."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "fermipy_files": (
            "CountsCube",
            "ExposureCube",
            "HealpixExposure",
            "ModelCubes",
            "ModelSource",
            "PSFTableFile",
            "read_counts_cube",
            "read_exposure_cube",
            "read_model_cubes",
            "read_psf_table",
            "write_counts_cube",
            "write_exposure_cube",
            "write_model_cubes",
            "write_psf_table",
        ),
    },
)
