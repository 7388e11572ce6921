"""Sky and instrument models: spectra, catalogs, diffuse emission, the LAT-like response."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "catalog": ("CatalogSource", "catalog_path", "read_catalog"),
        "spectra": ("Spectrum", "log_nodes", "spectrum_from_fermipy"),
    },
)
