"""The HTML report opens in a real browser (headless Chromium) with no console errors,
and its thumbnails and charts are there and visible. Screenshots are saved beside the
test's temporary files for a look by eye."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.helpers import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Chromium and chromedriver are not installed (apt-get install chromium "
    "chromium-driver; .ci/run does this)",
)

CASES = {
    "leak": (
        ["check", FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"],
        {"img.thumb": 4, "svg.bars": 1},
    ),
    "probe": (
        ["check", "--probe", FIXTURES / "S003-confusable-classes/fail-lookalike-classes/data"],
        {"svg.heatmap": 1, "svg.bars": 1},
    ),
    "near": (
        ["check", FIXTURES / "D002-split-leakage-near/fail-edited-copies-in-val/data"],
        {"div.group img.thumb": 8},
    ),
    "audio": (["check", FIXTURES / "A004-clipping/fail-clipped-recording/data"], {"svg.wave": 1}),
    "near-audio": (
        ["check", FIXTURES / "D002-split-leakage-near/fail-resampled-recording-in-val/data"],
        {"div.group svg.wave": 2},
    ),
    "history": (
        [
            "check",
            "--history",
            FIXTURES / "H002-overfitting/fail-similar-classes/similar-classes-overfit.log",
        ],
        {"svg.curves": 2},
    ),
}


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--window-size=1000,1400",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.mark.parametrize("name", CASES)
def test_report_loads_without_errors_and_shows_its_evidence(
    browser, name: str, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    args, expected = CASES[name]
    report = tmp_path / f"{name}.html"
    result = run_cli(*args, "--no-cache", "--format", "html", "--output", report)
    assert result.returncode in (0, 1), result.stderr
    html = report.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html  # nothing to fetch: offline
    browser.get(report.as_uri())
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    for selector, count in expected.items():
        elements = browser.find_elements(By.CSS_SELECTOR, selector)
        assert len(elements) >= count, (selector, len(elements))
        assert all(e.is_displayed() and e.size["width"] > 0 for e in elements), selector
    if "img.thumb" in expected:
        loaded = browser.execute_script(
            "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"
        )
        assert loaded
    assert browser.save_screenshot(str(tmp_path / f"{name}.png"))
