"""Third-party rules register through the `dslint.rules` entry-point group, exactly
like the built-in pack, and run."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dslint.engine.registry import load_rules
from tests.conftest import FIXTURES
from tests.helpers import run_cli

PLUGIN = '''
from dslint.engine import Rule
from dslint.engine.evidence import pictures


class TinyDataset(Rule):
    """Fewer than 100 samples in all.

    What it catches:
        Datasets too small for any split to mean much.

    Why it matters:
        Ten samples train nothing.

    Example:
        only 10 samples.

    How to fix:
        Collect more data.
    """

    id = "X100"
    name = "tiny-dataset"
    summary = "fewer than 100 samples"
    default_severity = "info"

    def check(self, ctx):
        count = len(ctx.dataset.samples)
        if count < 100:
            yield self.finding(f"only {count} samples")


class FirstPictures(Rule):
    """The first two samples, shown.

    What it catches:
        Nothing; it shows pictures.

    Why it matters:
        A report should draw any rule's pictures.

    Example:
        two samples.

    How to fix:
        Nothing to fix.
    """

    id = "X101"
    name = "first-pictures"
    summary = "the first two samples, shown"
    default_severity = "info"

    def check(self, ctx):
        first = [s.path for s in ctx.dataset.samples[:2]]
        yield self.finding("two samples", paths=first, evidence={"pictures": pictures(first)})
'''


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway rule pack, really installed (pip) into a folder of its own."""
    root = tmp_path_factory.mktemp("plugin")
    package = root / "src"
    (package / "dslint_extra").mkdir(parents=True)
    (package / "dslint_extra/__init__.py").write_text(textwrap.dedent(PLUGIN))
    (package / "pyproject.toml").write_text(
        textwrap.dedent("""
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "dslint-extra"
        version = "1.0"
        [project.entry-points."dslint.rules"]
        extra = "dslint_extra"
        [tool.setuptools]
        packages = ["dslint_extra"]
    """)
    )
    site = root / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(package),
        ],
        check=True,
        timeout=300,
    )
    return site


def test_an_installed_third_party_rule_is_listed_documented_and_run(plugin_site: Path) -> None:
    env = {"PYTHONPATH": str(plugin_site)}
    assert "X100  tiny-dataset" in run_cli("rules", env=env).stdout
    assert run_cli("rule", "X100", env=env).stdout.startswith("X100 tiny-dataset (info)")
    data = FIXTURES / "L001-binary-label-values/pass-01-labels/data"
    result = run_cli("check", data, "--no-cache", "--format", "json", "--select", "X", env=env)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("X100", "only 10 samples"),
        ("X101", "two samples"),
    ]


def test_a_third_party_rule_s_pictures_are_drawn_in_the_html_report(plugin_site: Path) -> None:
    """The report draws evidence by its declared shape, not by rule id: a plugin rule's
    `pictures` become thumbnails captioned with their paths."""
    env = {"PYTHONPATH": str(plugin_site)}
    data = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"
    page = run_cli("check", data, "--no-cache", "--format", "html", "--select", "X101", env=env)
    first = json.loads(
        run_cli("check", data, "--no-cache", "--format", "json", "--select", "X101", env=env).stdout
    )["findings"][0]["paths"]
    article = page.stdout.split("X101 first-pictures", 1)[1].split("</article>", 1)[0]
    assert article.count("<img class='thumb'") == 2
    assert [f"<figcaption title='{path}'>" in article for path in first] == [True, True]


def test_a_second_rule_with_a_taken_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dup_rules.py").write_text(
        "from dslint.rules.binary_label_values import BinaryLabelValues\n"
        "class Copy(BinaryLabelValues):\n    '''Same id.'''\n"
    )
    (tmp_path / "dup-1.0.dist-info").mkdir()
    (tmp_path / "dup-1.0.dist-info/METADATA").write_text("Name: dup\nVersion: 1.0\n")
    (tmp_path / "dup-1.0.dist-info/entry_points.txt").write_text(
        "[dslint.rules]\ndup = dup_rules\n"
    )
    result = run_cli("rules", env={"PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "dslint: error: rule id L001 is defined twice: in "
        "dslint.rules.binary_label_values and in dup_rules"
    )


def test_builtin_pack_is_loaded_from_its_entry_point() -> None:
    rules = load_rules()
    assert {r.__module__.rsplit(".", 1)[0] for r in rules.values()} == {"dslint.rules"}
