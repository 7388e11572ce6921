"""Inputs: the master configuration, rosters, scenario files, the analysis template, the prepared run.

Every file a user writes is read and checked here, before any work, into plain typed values;
:class:`RunConfig` is the prepared run that every later step reads.
"""

from pyfermijobs.config.master import MasterConfig, SimSettings, load_master
from pyfermijobs.config.run import RunConfig, Study, resolve_profile
from pyfermijobs.config.template import builtin_settings, sed_settings, synthetic_settings

__all__ = [
    "MasterConfig",
    "RunConfig",
    "SimSettings",
    "Study",
    "builtin_settings",
    "load_master",
    "resolve_profile",
    "sed_settings",
    "synthetic_settings",
]
