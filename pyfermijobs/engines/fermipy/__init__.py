"""The fermipy backend: fermipy.jobs' analysis sequences on GTAnalysis (``analysis``), the checks
of its inputs (``inputs``), and the export of a fermipy baseline ROI to the builtin engine's files
(``export``)."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "analysis": ("FermipyEngine",),
        "export": ("export_roi",),
        "inputs": ("check_fermipy_template",),
    },
)
