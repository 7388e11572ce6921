"""The run's HTML report: gathered from the run's files, then rendered."""

from pyfermijobs._exports import lazy

__all__, __getattr__ = lazy(
    __name__,
    {
        "content": ("ReportContent", "gather"),
        "html": ("build_report", "render"),
    },
)
