"""The HTML report opens in a real browser (headless Chromium) with no console errors,
and its thumbnails and charts are there and visible. Screenshots are saved beside the
test's temporary files for a look by eye."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.helpers import class_folders, image, run_cli

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
        {"img.thumb": 4, ".bars": 1},
    ),
    "probe": (
        ["check", "--probe", FIXTURES / "S003-confusable-classes/fail-lookalike-classes/data"],
        {"svg.heatmap": 1, ".bars": 1},
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
    "table": (
        ["check", FIXTURES / "N001-split-range-mismatch/fail-income-in-thousands-in-test/data"],
        {"table.columns tr.named": 1, ".box-track .box": 2},
    ),
    "texts": (
        ["check", FIXTURES / "D001-split-leakage-exact/fail-review-retyped-in-test/data"],
        {"blockquote.text": 2},
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
def browser(tmp_path_factory: pytest.TempPathFactory):
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
    # Chromium keeps its profile and lock socket in TMPDIR and leaves the folder behind
    scratch = tmp_path_factory.mktemp("chromium")
    service = Service(DRIVER, env={**os.environ, "TMPDIR": str(scratch)})
    driver = webdriver.Chrome(service=service, options=options)
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


def _report(tmp_path: Path, name: str, *args: object, probe: bool = False) -> Path:
    report = tmp_path / f"{name}.html"
    result = run_cli(*args, "--no-cache", "--format", "html", "--output", report, probe=probe)
    assert result.returncode in (0, 1), result.stderr
    return report


def _box(browser, element) -> dict:
    return browser.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)


def test_the_confusion_matrix_is_readable_and_shows_whole_class_names(
    browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    names = {"NORMAL": "square", "PNEUMONIA_BACTERIAL": "circle", "PNEUMONIA_VIRAL": "circle"}
    for split, count in (("train", 12), ("val", 4)):
        for label, shape in names.items():
            for i in range(count):
                image(
                    tmp_path / f"data/{split}/{label}/{i}.png",
                    seed=len(label) * 100 + i,
                    shape=shape,
                )
    report = _report(tmp_path, "matrix", "check", tmp_path / "data", probe=True)
    browser.set_window_size(1000, 1400)
    browser.get(report.as_uri())
    heatmap = browser.find_element(By.CSS_SELECTOR, "svg.heatmap")
    counts = heatmap.find_elements(By.CSS_SELECTOR, "text.count")
    assert counts and all(_box(browser, t)["height"] >= 11 for t in counts)  # were 7 px
    frame = _box(browser, heatmap)
    rows = heatmap.find_elements(By.CSS_SELECTOR, "text.row-name")
    assert [r.text for r in rows] == list(names)
    assert all(_box(browser, r)["left"] >= frame["left"] for r in rows)  # not clipped
    columns = heatmap.find_elements(By.CSS_SELECTOR, "text.column-name")
    first_cell = _box(browser, heatmap.find_element(By.CSS_SELECTOR, "rect"))
    assert all(_box(browser, c)["left"] >= frame["left"] for c in columns)
    assert all(0 <= first_cell["top"] - _box(browser, c)["bottom"] <= 24 for c in columns)
    assert first_cell["top"] - frame["top"] <= 200  # no blank band above the matrix
    browser.save_screenshot(str(tmp_path / "matrix.png"))


def test_a_run_flat_at_chance_looks_flat_and_labels_keep_off_the_curves(
    browser, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    log = FIXTURES / "H001-chance-stagnation/fail-identical-classes/identical-classes.log"
    report = _report(tmp_path, "flat", "check", "--history", log)
    browser.set_window_size(1000, 1400)
    browser.get(report.as_uri())
    accuracy = browser.find_elements(By.CSS_SELECTOR, "svg.curves")[0]
    axis_labels = [t.text for t in accuracy.find_elements(By.CSS_SELECTOR, "text")]
    assert "1" in axis_labels  # the axis reaches 1.0, whatever the data
    axis = _box(browser, accuracy.find_elements(By.CSS_SELECTOR, "line")[0])
    for curve in accuracy.find_elements(By.CSS_SELECTOR, "polyline"):
        assert _box(browser, curve)["height"] <= 0.15 * axis["height"]  # flat, not wild
    level = _box(browser, accuracy.find_element(By.CSS_SELECTOR, "text.level"))
    for curve in accuracy.find_elements(By.CSS_SELECTOR, "polyline"):
        line = _box(browser, curve)
        assert level["left"] >= line["right"]  # the chance label sits right of the curves
    browser.save_screenshot(str(tmp_path / "flat.png"))


def test_at_phone_width_the_bars_and_legend_are_readable(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = _report(
        tmp_path,
        "phone",
        "check",
        FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data",
    )
    browser.set_window_size(390, 900)
    browser.get(report.as_uri())
    width = browser.execute_script("return document.documentElement.clientWidth")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    bars = browser.find_element(By.CSS_SELECTOR, ".bars")
    assert _box(browser, bars)["right"] <= width
    texts = bars.find_elements(By.CSS_SELECTOR, ".legend span, .bar-split, .bar-total")
    assert len(texts) >= 5  # two class names, two splits, their totals
    for text in texts:
        size = browser.execute_script("return getComputedStyle(arguments[0]).fontSize", text)
        assert float(size.removesuffix("px")) >= 11, text.text
        assert _box(browser, text)["height"] >= 12, text.text  # as drawn, not as declared
    browser.save_screenshot(str(tmp_path / "phone.png"))
    table = FIXTURES / "N001-split-range-mismatch/fail-income-in-thousands-in-test/data"
    browser.get(_report(tmp_path, "phone-columns", "check", table).as_uri())
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    log = FIXTURES / "H002-overfitting/fail-similar-classes/similar-classes-overfit.log"
    browser.get(_report(tmp_path, "phone-curves", "check", "--history", log).as_uri())
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    labels = browser.find_elements(By.CSS_SELECTOR, "svg.curves text")
    assert labels and all(_box(browser, t)["height"] >= 11 for t in labels if t.text)
    browser.set_window_size(1000, 1400)


def test_thumbnails_are_captioned_with_whole_names_sizes_and_notes(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = _report(
        tmp_path,
        "captions",
        "check",
        FIXTURES / "S005-suspect-label/fail-planted-mislabels/data",
        probe=True,
    )
    browser.set_window_size(1000, 1400)
    browser.get(report.as_uri())
    captions = [c for c in browser.find_elements(By.CSS_SELECTOR, "figcaption") if c.is_displayed()]
    assert captions
    for caption in captions:
        path = caption.get_attribute("title")
        lines = caption.text.splitlines()
        size = next(i for i, line in enumerate(lines) if re.fullmatch(r"\d+×\d+", line))
        assert "".join(lines[:size]) == path
        assert all(line.endswith("/") for line in lines[: size - 1])  # broken at slashes only
    notes = browser.find_elements(By.CSS_SELECTOR, "figcaption .note")
    assert notes and all(re.match(r"labelled \S+, looks like \S+ \(p = ", n.text) for n in notes)


def test_odd_ones_out_are_shown_as_thumbnails_with_their_sizes(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    data = FIXTURES / "S006-odd-one-out/fail-banner-and-icon/data"
    browser.get(_report(tmp_path, "odd", "check", data).as_uri())
    captions = {
        c.get_attribute("title"): c.text.splitlines()[-1]
        for c in browser.find_elements(By.CSS_SELECTOR, "figcaption")
    }
    assert captions == {"train/circle/icon.png": "8×8", "train/square/banner.png": "240×30"}
    assert browser.execute_script(
        "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"
    )


def test_a_finding_without_pictures_lists_its_files(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    report = _report(tmp_path, "stray", "check", FIXTURES / "F002-stray-file/fail-ds-store/data")
    browser.get(report.as_uri())
    files = " ".join(f.text for f in browser.find_elements(By.CSS_SELECTOR, ".files"))
    assert "train/cat/.DS_Store" in files


def test_long_lists_fold_behind_show_all_which_opens_offline(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    data = class_folders(
        tmp_path / "data", {"train": {"cat": 8, "dog": 8}, "val": {"cat": 2, "dog": 2}}
    )
    for i in range(5):
        (data / f"train/cat/broken{i}.png").write_bytes(b"\x89PNG\r\n")
        shutil.copyfile(data / f"train/dog/{i}.png", data / f"train/dog/copy{i}.png")
    report = _report(tmp_path, "long", "check", data)
    browser.get(report.as_uri())
    folds = browser.find_elements(By.CSS_SELECTOR, "details.more")
    summaries = [f.find_element(By.TAG_NAME, "summary").text for f in folds]
    assert summaries == ["show all 5 F001 findings (2 more)", "show all 5 groups"]
    hidden = folds[0].find_elements(By.CSS_SELECTOR, "article")
    assert len(hidden) == 2 and not any(a.is_displayed() for a in hidden)
    folds[0].find_element(By.TAG_NAME, "summary").click()
    assert all(a.is_displayed() for a in hidden)


def test_a_p_value_that_underflows_is_written_as_a_bound() -> None:
    from dslint.reporters.html.page import _p

    assert _p(0.0) == "p < 1e-300"
    assert _p(6.8e-10) == "p = 6.8e-10"
