"""Configuration: found from the working directory upward, validated key by key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import dslint
from dslint.engine.registry import load_rules
from dslint.errors import DslintError
from dslint.gate.config import load_config
from tests.conftest import FIXTURES
from tests.helpers import run_cli

HEART = FIXTURES / "L001-binary-label-values/fail-pm1-manifest/data"


def config_from(tmp_path: Path, text: str):
    file = tmp_path / "dslint.toml"
    file.write_text(text)
    return load_config(file, load_rules())


def test_loss_in_config_turns_l001_into_an_error(tmp_path: Path) -> None:
    (tmp_path / "dslint.toml").write_text('[task]\nloss = "BCEWithLogitsLoss"\n')
    report = dslint.check(HEART, config=tmp_path / "dslint.toml", use_cache=False, select=["L"])
    (finding,) = report.findings
    assert finding.severity == "error"
    assert "but binary_crossentropy expects {0, 1}" in finding.message


def test_configured_labels_are_what_l001_compares_with(tmp_path: Path) -> None:
    (tmp_path / "dslint.toml").write_text("[task]\nlabels = [-1, 1]\n")
    report = dslint.check(HEART, config=tmp_path / "dslint.toml", use_cache=False, select=["L"])
    assert report.findings == []


def test_pyproject_table_is_found_from_the_working_directory_upward(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.dslint]\nfail-on = "warning"\n')
    nested = tmp_path / "a/b"
    nested.mkdir(parents=True)
    result = run_cli("check", HEART, "--no-cache", cwd=nested)
    assert result.returncode == 1, result.stdout + result.stderr


def test_severity_override_and_rule_options(tmp_path: Path) -> None:
    config = config_from(
        tmp_path, '[severity]\nL001 = "info"\n[rules.oversized-file]\nmax-pixels = 1000\n'
    )
    assert config.severity == {"L001": "info"}
    assert config.rule_options == {"F006": {"max_pixels": 1000}}
    report = dslint.check(HEART, config=tmp_path / "dslint.toml", use_cache=False, select=["L"])
    assert [f.severity for f in report.findings] == ["info"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour = 1\n", "unknown key 'colour'"),
        ("[task]\nlos = 'hinge'\n", "unknown key 'task.los'"),
        ("[task]\nloss = 'mse-ish'\n", "task.loss 'mse-ish' is not a known loss"),
        ("[severity]\nL001 = 'fatal'\n", "severity.L001 must be one of error, warning, info"),
        ("[severity]\nZ123 = 'info'\n", "unknown rule 'Z123' in severity.Z123"),
        ("[rules.F006]\nmax-pixel = 3\n", "unknown option rules.F006.max-pixel"),
        (
            "[rules.F006]\nmax-pixels = 'big'\n",
            "rules.F006.max-pixels must be a whole number of at least 1, not 'big'",
        ),
        (
            "[rules.D002]\nmax-distance = -3\n",
            "rules.D002.max-distance must be a whole number from 0 to 32, not -3",
        ),
        (
            "[rules.not-separable]\nmax-p = 5.0\n",
            "rules.not-separable.max-p must be a number above 0 and at most 1, not 5.0",
        ),
        (
            "[rules.B001]\nmax-ratio = 0\n",
            "rules.B001.max-ratio must be a number of at least 1, not 0",
        ),
        (
            "[rules.B003]\nmin-samples = 2.5\n",
            "rules.B003.min-samples must be a whole number of at least 1, not 2.5",
        ),
        ("[rules.H003]\nthreshold = nan\n", "rules.H003.threshold must be a number above 0"),
        ("[rules.H003]\nthreshold = true\n", "rules.H003.threshold must be a number above 0"),
        ("select = ['Q']\n", "select names 'Q', which matches no rule"),
        ("fail-on = 'often'\n", "fail-on must be one of error, warning, info, never"),
        ("select = [\n", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(DslintError, match=re.escape(message)):
        config_from(tmp_path, text)


def test_a_whole_number_is_a_valid_real_option(tmp_path: Path) -> None:
    config = config_from(tmp_path, "[rules.B001]\nmax-ratio = 3\n")
    assert config.rule_options == {"B001": {"max_ratio": 3}}


def test_rule_documentation_shows_each_option_with_its_meaning_and_range() -> None:
    doc = run_cli("rule", "D002").stdout
    assert doc.endswith(
        "Options ([tool.dslint.rules.D002]):\n"
        "    max-distance = 10\n"
        "        fingerprint bits two near-duplicates may differ in; "
        "a whole number from 0 to 32\n"
        "    error-share = 0.25\n"
        "        share of a split that, once copies, makes the finding an error; "
        "a number from 0 to 1\n"
    )


def test_every_builtin_option_declares_a_meaning_and_a_range() -> None:
    for rule in load_rules().values():
        for name, option in rule.options.items():
            assert option.help, (rule.id, name)
            bounds = (option.min, option.max, option.above, option.below)
            assert any(b is not None for b in bounds), (rule.id, name)


def test_a_rule_option_declared_without_its_range_is_refused() -> None:
    from dslint.engine import Rule

    with pytest.raises(TypeError, match="option limit must be declared as an Option"):

        class Loose(Rule):
            """Docs."""

            id = "X001"
            name = "loose"
            summary = "s"
            default_severity = "info"
            options = {"limit": 3}


def test_bad_config_on_the_command_line_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "dslint.toml").write_text("colour = 1\n")
    result = run_cli("check", HEART, "--config", tmp_path / "dslint.toml", "--no-cache")
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        "unknown key 'colour' (known: select, ignore, fail-on, exclude, max-file-mb, "
        "label-from-name, path-column, label-column, split-column, severity, task, rules)"
    )
    assert result.stderr.count("\n") == 1
