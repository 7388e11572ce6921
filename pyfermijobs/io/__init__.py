"""Files the field reads: fermipy's SED format, collected and summary files, maps,
fermipy's and Fermitools' products, gammapy datasets."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "collected_fits": ("read_table", "write_collected", "write_summary"),
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
        "gammapy_export": ("to_mapdataset",),
        "maps": ("write_map",),
        "sed_fits": ("SED_COLUMNS", "read_sed", "sed_identity", "sed_rows", "write_sed"),
    },
)
