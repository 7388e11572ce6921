"""Plots and the report, made by the local chain on a small synthetic analysis.

The report is opened from disk in headless Chromium (Debian's package, driven by
Playwright): every image must decode, a hostile target name must show as text, and a
screenshot is kept as a test artifact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, make_small_analysis, write_yaml

from pyfermijobs.layout import Layout

ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE = "<script>"
#: near the south Galactic pole (Sculptor, b = -83 deg), near the north celestial pole, across RA = 0
SKY_PLACES = {"sculptor_sgp": (15.03917, -33.70917), "near_ncp": (30.0, 87.0), "across_ra0": (359.6, 12.0)}


@pytest.fixture(scope="session")
def chain_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from pyfermijobs.cli import main

    root = tmp_path_factory.mktemp("chain")
    master = make_small_analysis(root / "cfg")
    # a third target whose name is markup: the report must show it, not run it
    write_yaml(
        root / "cfg" / "hostile_roster.yaml", {"hostile": {HOSTILE: {"ra": 150.0, "dec": 2.2, "version": "nfw"}}}
    )
    # targets whose ROI maps are hard to label (issue 18): the report's sections are screenshotted
    write_yaml(
        root / "cfg" / "sky_roster.yaml",
        {"sky": {name: {"ra": ra, "dec": dec, "version": "nfw"} for name, (ra, dec) in SKY_PLACES.items()}},
    )
    import yaml

    doc = yaml.safe_load(master.read_text())
    doc["rosters"] = ["pair", "hostile", "sky"]
    doc["sim_defaults"]["nsims_job"] = 2
    master.write_text(yaml.safe_dump(doc))
    out = root / "out"
    assert main(["chain", "--master", str(master), "--outdir", str(out)]) == 0
    return out


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_chain_made_every_product(chain_run: Path) -> None:
    layout = Layout(chain_run, "small")
    for target in ("draco", "ursa_minor", HOSTILE):
        assert layout.castro_plot(target, "nfw_point").stat().st_size > 10_000
        assert layout.bands_plot(target, "nfw_point").exists()
        assert layout.summary_file("null", target, "nfw_point", 0, 2).exists()
        assert layout.summary_file("random", target, "nfw_point", 0, 3).exists()
        assert layout.ts_plot("null", target, "nfw_point", 0, 2).exists()
        assert layout.recovery_plot("pl", target, "nfw_point", 0, 2).exists()
    assert layout.report().exists()
    # AnalyzeROI's diagnostics (plot-roi is a default data plot)
    for kind in ("counts", "model", "residmap", "tsmap", "spectrum"):
        assert layout.roi_plot("draco", kind).stat().st_size > 10_000, kind
    from astropy.io import fits

    with fits.open(layout.roi_map("draco", "tsmap")) as hdul:
        assert hdul[0].header["SYNTHET"] is True and hdul["SQRT_TS"].data.shape == (21, 21)
        assert np.all(hdul[0].data >= 0)
    with fits.open(layout.roi_map("draco", "residmap")) as hdul:
        assert hdul[0].header["BUNIT"] == "sigma" and np.isfinite(hdul[0].data).all()


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_castro_grid_follows_the_scan(chain_run: Path) -> None:
    from pyfermijobs.io import read_sed
    from pyfermijobs.plotting import castro_grid

    sed, _ = read_sed(Layout(chain_run, "small").sed_file("draco", "nfw_point"))
    edges, grid = castro_grid(sed)
    centres = np.sqrt(edges[1:] * edges[:-1])
    conv = sed["ref_dnde"] * sed["e_ref"] ** 2
    for k in range(len(conv)):
        # at the upper limit the colour map reads the limit's delta log L (1.35 below the peak)
        i = np.argmin(np.abs(np.log(centres / (sed["norm_ul"][k] * conv[k]))))
        assert grid[i, k] == pytest.approx(-1.3528, abs=0.15)


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_plots_also_as_pdf(chain_run: Path, tmp_path: Path) -> None:
    from pyfermijobs.io import read_sed
    from pyfermijobs.plotting import plot_castro

    sed, _ = read_sed(Layout(chain_run, "small").sed_file("draco", "nfw_point"))
    written = plot_castro(sed, tmp_path / "castro.png", "draco", synthetic=True, pdf=True)
    assert [p.suffix for p in written] == [".png", ".pdf"]
    assert (tmp_path / "castro.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
def test_report_escapes_user_text(chain_run: Path) -> None:
    html = Layout(chain_run, "small").report().read_text()
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "SYNTHETIC DATA" in html
    assert "<h2>ROI fits</h2>" in html and "log-likelihood" in html and "4FGL J" in html
    assert html.count("data:image/png;base64,") >= 3 * 2 + 3 * 2


@pytest.mark.slow  # a whole chain (make test-fast leaves it out)
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (make test installs Debian's chromium)")
def test_report_in_a_real_browser(chain_run: Path) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(Layout(chain_run, "small").report().as_uri())
        images = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
        # every plot is shown with its own aspect ratio (displayed w/h over natural w/h)
        aspects = page.evaluate(
            "[...document.images].map(i => (i.width / i.height) / (i.naturalWidth / i.naturalHeight))"
        )
        text = page.inner_text("body")
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        sections = {}
        for name in SKY_PLACES:  # the ROI-fit sections of the hard-to-label targets, as a reader sees them
            section = page.locator("div.roi-fit").filter(has=page.locator("h3", has_text=name))
            sections[name] = section.count()
            if sections[name]:
                section.first.screenshot(path=str(ARTIFACTS / f"report_roi_{name}.png"))
        browser.close()
    assert sections == dict.fromkeys(SKY_PLACES, 1)
    for name in SKY_PLACES:
        assert (ARTIFACTS / f"report_roi_{name}.png").stat().st_size > 50_000
    assert len(images) >= 12 and all(images), "every image decodes"
    assert aspects == pytest.approx([1.0] * len(aspects), abs=0.02), "no plot is squeezed"
    assert HOSTILE in text and not dialogs
    assert (ARTIFACTS / "report.png").stat().st_size > 50_000
