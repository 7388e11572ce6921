"""The fermipy backend: fermipy.jobs' analysis sequences on GTAnalysis (``analysis``), and the
export of a fermipy baseline ROI to the builtin engine's files (``export``)."""
