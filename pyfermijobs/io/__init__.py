"""Files the field reads, made from what the package computes: fermipy's SED format, collected and
summary files, maps, gammapy datasets. (Fermitools' own products are read in :mod:`pyfermijobs.formats`.)"""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "collected_fits": ("collect_realizations", "read_table", "write_collected", "write_summary"),
        "gammapy_export": ("to_mapdataset",),
        "maps": ("write_map",),
        "sed_fits": ("SED_COLUMNS", "read_sed", "sed_identity", "sed_rows", "write_sed"),
    },
)
