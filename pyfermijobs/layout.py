"""Every path of the analysis layout, in one place (fermipy.jobs' NameFactory idea).

The layout is fermipy.jobs' own, so that results sit where the field expects them::

    {ttype}/target_list.yaml                     {target: [profile, ...]}
    {ttype}/roster_list.yaml                     {roster_spatial: ['target:profile', ...]}
    {ttype}/{target}/config.yaml                 analysis template with the target's direction
    {ttype}/{target}/profile_{profile}.yaml      test-source definition
    {ttype}/{target}/sed_{profile}.fits          castro SED of the data
    {ttype}_sim/sim_{sim}/{target}/sed_{profile}_{seed:06d}.fits
    {ttype}_sim/sim_{sim}/{target}/sed_{profile}_collected_{first:06d}_{last:06d}.fits
    {ttype}_sim/sim_{sim}/{target}/sed_{profile}_summary_{first:06d}_{last:06d}.fits

The dark-matter stage adds dmpipe's files (its ``NameFactory``)::

    dm_spectra_{ttype}.fits                                  spectra per bin, channel x mass
    {ttype}/{target}/dmlike_{profile}_{prior}.fits           likelihood in (channel, mass, sigmav)
    {ttype}/{target}/dmlimits_{profile}_{prior}.fits         best fit, TS, upper limits
    {ttype}/stacked/results_{roster}_{prior}.fits            stacked likelihood of a roster
    {ttype}/stacked/limits_{roster}_{prior}.fits
    {ttype}_sim/sim_{sim}/{target}/dmlike_{profile}_{prior}_{seed:06d}.fits   (and dmlimits_)
    {ttype}_sim/sim_{sim}/stacked/results_{roster}_{prior}_{seed:06d}.fits    (and limits_)
    {ttype}_sim/sim_{sim}/stacked/limits_{roster}_{prior}_summary_{first:06d}_{last:06d}.fits

Seeds are zero-padded to six digits and ``_`` separates fields, which is why profile
aliases carry no underscores. No other module formats a path: they all ask a
:class:`Layout`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Name of the random-direction control "simulation" area (fermipy's convention).
RANDOM_SIM = "random"
#: the analysis configuration's name in each target's folder (fermipy.jobs' default; master: config_localpath)
TARGET_CONFIG = "config.yaml"

#: AnalyzeROI's diagnostic plots (``{prefix}_{kind}.png``): kind -> what it shows.
ROI_PLOTS = {
    "counts": "counts map",
    "model": "model map",
    "residmap": "residual significance",
    "tsmap": "TS map",
    "spectrum": "counts spectrum",
}


def seed_str(seed: int) -> str:
    """Seeds and direction keys are written with six digits, as fermipy does."""
    return f"{seed:06d}"


def _seed_part(seed: int | None) -> str:
    return "" if seed is None else f"_{seed_str(seed)}"


def profile_name(version: str, spatial: str) -> str:
    """Profile key of a target version analysed with one spatial model (``ack2016_point``)."""
    return f"{version}_{spatial}"


# --- inputs, relative to the folder of the master configuration -------------------------


def default_config_template(ttype: str) -> str:
    return f"config/config_{ttype}.yaml"


def default_rand_config(ttype: str) -> str:
    return f"config/random_{ttype}.yaml"


def default_simfile(sim: str) -> str:
    return f"config/sim_{sim}.yaml"


@dataclass(frozen=True)
class Layout:
    """Paths of one analysis (one ``ttype``) below ``basedir``."""

    basedir: Path
    ttype: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "basedir", Path(self.basedir))

    # --- data analysis area ----------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.basedir / self.ttype

    def run_config(self) -> Path:
        """The resolved configuration PrepareTargets ran with (later steps read it)."""
        return self.data_dir / "pipeline_config.yaml"

    def target_list(self, sim: str | None = None) -> Path:
        return self.area(sim) / "target_list.yaml"

    def external_list(self) -> Path:
        """The targets whose SEDs were read from files, with their profiles (converted in one task)."""
        return self.area() / "external_list.yaml"

    def roster_list(self, sim: str | None = None) -> Path:
        return self.area(sim) / "roster_list.yaml"

    def area(self, sim: str | None = None) -> Path:
        """Top folder of the data analysis (``sim=None``) or of one simulation scenario."""
        return self.data_dir if sim is None else self.sim_root / f"sim_{sim}"

    def target_dir(self, target: str, sim: str | None = None) -> Path:
        return self.area(sim) / target

    def target_config(self, target: str, sim: str | None = None, name: str = TARGET_CONFIG) -> Path:
        """The target's analysis configuration; ``name`` is fermipy.jobs' ``--config`` (a file in the folder)."""
        return self.target_dir(target, sim) / name

    def profile_file(self, target: str, profile: str, sim: str | None = None) -> Path:
        return self.target_dir(target, sim) / f"profile_{profile}.yaml"

    def astro_value_file(self, target: str, version: str, sim: str | None = None) -> Path:
        return self.target_dir(target, sim) / f"astro_val_{version}.yaml"

    def roi_file(self, target: str, prefix: str = "fit_baseline", sim: str | None = None) -> Path:
        """The ROI written by AnalyzeROI (fermipy's ``write_roi(prefix)``): FITS part."""
        return self.target_dir(target, sim) / f"{prefix}.fits"

    def roi_yaml(self, target: str, prefix: str = "fit_baseline", sim: str | None = None) -> Path:
        """The ROI written by AnalyzeROI: YAML part (model and fit summary)."""
        return self.target_dir(target, sim) / f"{prefix}.yaml"

    # --- fermipy's files (backend fermipy), and what the export to the builtin engine reads --
    @staticmethod
    def exported_prefix(prefix: str) -> str:
        """Name of a fermipy baseline ROI exported to the builtin engine's files."""
        return f"{prefix}_builtin"

    def fermipy_roi_files(self, target: str, prefix: str = "fit_baseline", sim: str | None = None) -> list[Path]:
        """What fermipy's ``write_roi(prefix)`` writes: source table, ROI dictionary, XML model."""
        folder = self.target_dir(target, sim)
        return [folder / f"{prefix}.fits", folder / f"{prefix}.npy", folder / f"{prefix}_00.xml"]

    def fermipy_file(self, target: str, kind: str, sim: str | None = None) -> Path:
        """fermipy's per-component analysis files: kind ``ccube``, ``bexpmap_roi``, ``srcmap``, ``ltcube``."""
        return self.target_dir(target, sim) / f"{kind}_00.fits"

    def psf_table(self, target: str, prefix: str = "fit_baseline", sim: str | None = None) -> Path:
        """The PSF at the ROI centre in ``gtpsf``'s format."""
        return self.target_dir(target, sim) / f"{prefix}_psf.fits"

    def model_cubes(self, target: str, prefix: str = "fit_baseline", sim: str | None = None) -> Path:
        """fermipy's model counts cubes: the whole model and each free source, with their parameters."""
        return self.target_dir(target, sim) / f"{prefix}_mcube.fits"

    def correl_file(self, target: str, key: str, sim: str | None = None) -> Path:
        """Sources correlated with the test source (fermipy.jobs' ``correl_{key}.yaml``)."""
        return self.target_dir(target, sim) / f"correl_{key}.yaml"

    def roi_map(self, target: str, kind: str, prefix: str = "fit_baseline") -> Path:
        """FITS map of the ROI diagnostics: kind ``residmap`` or ``tsmap``."""
        return self.target_dir(target) / f"{prefix}_{kind}.fits"

    def roi_plot(self, target: str, kind: str, prefix: str = "fit_baseline") -> Path:
        """ROI diagnostic plot: a kind of :data:`ROI_PLOTS`."""
        return self.target_dir(target) / f"{prefix}_{kind}.png"

    def sed_file(self, target: str, profile: str) -> Path:
        return self.target_dir(target) / f"sed_{profile}.fits"

    def castro_plot(self, target: str, profile: str) -> Path:
        return self.target_dir(target) / f"sed_{profile}.png"

    def bands_plot(self, target: str, profile: str) -> Path:
        return self.target_dir(target) / f"bands_{profile}.png"

    # --- simulation and random-direction areas ---------------------------------------
    @property
    def sim_root(self) -> Path:
        return self.basedir / f"{self.ttype}_sim"

    def scenario_copy(self, sim: str) -> Path:
        """The scenario file (``injected_source``) as PrepareTargets copied it."""
        return self.area(sim) / f"sim_{sim}.yaml"

    def rand_config_copy(self) -> Path:
        return self.area(RANDOM_SIM) / f"random_{self.ttype}.yaml"

    def skydirs_file(self, target: str, name: str = "skydirs.yaml") -> Path:
        """Directions of the random-direction study; ``name`` is a file in the target's folder, or a path."""
        return self.target_dir(target, RANDOM_SIM) / name

    def sim_sed_file(self, sim: str, target: str, profile: str, seed: int) -> Path:
        return self.target_dir(target, sim) / f"sed_{profile}_{seed_str(seed)}.fits"

    def sim_truth_file(self, sim: str, target: str, profile: str, seed: int) -> Path:
        """What was injected in one realization, for calibration plots."""
        return self.target_dir(target, sim) / f"truth_{profile}_{seed_str(seed)}.yaml"

    def collected_file(self, sim: str, target: str, profile: str, first: int, last: int) -> Path:
        return self.target_dir(target, sim) / (f"sed_{profile}_collected_{seed_str(first)}_{seed_str(last)}.fits")

    def summary_file(self, sim: str, target: str, profile: str, first: int, last: int) -> Path:
        return self.target_dir(target, sim) / (f"sed_{profile}_summary_{seed_str(first)}_{seed_str(last)}.fits")

    def ts_plot(self, sim: str, target: str, profile: str, first: int, last: int) -> Path:
        return self.target_dir(target, sim) / f"ts_{profile}_{seed_str(first)}_{seed_str(last)}.png"

    def recovery_plot(self, sim: str, target: str, profile: str, first: int, last: int) -> Path:
        return self.target_dir(target, sim) / f"recovery_{profile}_{seed_str(first)}_{seed_str(last)}.png"

    # --- the dark-matter stage (dmpipe's names) ---------------------------------------
    def spec_table_file(self, binning: str | None = None) -> Path:
        """The spectra table of the analysis template's energy bins; ``binning`` (a key of other bins,
        those of SEDs read from files): that binning's table."""
        return self.basedir / f"dm_spectra_{self.ttype}{'' if binning is None else '_' + binning}.fits"

    def spec_table_files(self) -> list[Path]:
        """Every spectra table written (the template's first)."""
        main = self.spec_table_file()
        return [main] * main.exists() + sorted(self.basedir.glob(f"dm_spectra_{self.ttype}_*.fits"))

    def dmlike_file(
        self, target: str, profile: str, prior: str, sim: str | None = None, seed: int | None = None
    ) -> Path:
        return self.target_dir(target, sim) / f"dmlike_{profile}_{prior}{_seed_part(seed)}.fits"

    def dmlimits_file(
        self, target: str, profile: str, prior: str, sim: str | None = None, seed: int | None = None
    ) -> Path:
        return self.target_dir(target, sim) / f"dmlimits_{profile}_{prior}{_seed_part(seed)}.fits"

    def stacked_dir(self, sim: str | None = None) -> Path:
        return self.area(sim) / "stacked"

    def stacked_like_file(self, roster: str, prior: str, sim: str | None = None, seed: int | None = None) -> Path:
        return self.stacked_dir(sim) / f"results_{roster}_{prior}{_seed_part(seed)}.fits"

    def stacked_limits_file(self, roster: str, prior: str, sim: str | None = None, seed: int | None = None) -> Path:
        return self.stacked_dir(sim) / f"limits_{roster}_{prior}{_seed_part(seed)}.fits"

    def dmlimits_summary_file(self, sim: str, target: str, profile: str, prior: str, first: int, last: int) -> Path:
        """One target x profile x prior's limits over a study's realizations and their expected bands
        (dmpipe's per-target CollectLimits file name)."""
        return (
            self.target_dir(target, sim) / f"dmlimits_{profile}_{prior}_summary_{seed_str(first)}_{seed_str(last)}.fits"
        )

    def release_limits_dir(self, roster: str, prior: str) -> Path:
        """The data's limits of a roster x J prior in the LAT release's layout: one ``limits_<channel>.txt``
        per channel, each target's column and ``composite_<roster>`` (the folder names roster and prior)."""
        return self.stacked_dir() / f"limits_{roster}_{prior}"

    def release_limits_file(self, roster: str, prior: str, channel: str) -> Path:
        return self.release_limits_dir(roster, prior) / f"limits_{channel}.txt"

    def stacked_summary_file(self, sim: str, roster: str, prior: str, first: int, last: int) -> Path:
        """Limits of every realization and their expected bands (CollectLimits)."""
        return self.stacked_dir(sim) / f"limits_{roster}_{prior}_summary_{seed_str(first)}_{seed_str(last)}.fits"

    def dm_plot(self, target: str, profile: str, prior: str, kind: str, channel: str) -> Path:
        """Per-target dark-matter plot of one channel: kind ``dmlike`` (castro in sigmav) or ``dmlimits``."""
        return self.target_dir(target) / f"{kind}_{profile}_{prior}_{channel}.png"

    def stacked_plot(self, roster: str, prior: str, kind: str, channel: str, sim: str | None = None) -> Path:
        """Roster plot of one channel: kind ``stackeddm``, ``stackedlimits``, ``controllimits``,
        ``controlmles``, ``finallimits``."""
        return self.stacked_dir(sim) / f"{kind}_{roster}_{prior}_{channel}.png"

    # --- whole-run outputs -----------------------------------------------------------
    def report(self) -> Path:
        return self.basedir / "report.html"
