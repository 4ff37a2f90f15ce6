"""Every fixture case produces exactly the findings in its expected.json.

A case is `fixtures/<RULE>-<name>/<pass|fail>-<case>/` with any of: `data/` (the
dataset), a history (`history.*`, `training.log`, `metrics.csv`, or a seed log
`*.log`), `predictions.*`, and an optional `dslint.toml`, beside `expected.json`;
adding a folder adds a test. The separability probe runs in the S-rule cases only
(elsewhere its verdict on a dozen samples says nothing). After a deliberate change of
wording,
`pytest --update-fixtures` rewrites the expected files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import dslint
from tests.conftest import FIXTURES

HISTORY_NAMES = ("history.*", "training.log", "metrics.csv", "*-classes*.log")
CASES = sorted(
    p for p in FIXTURES.glob("*/*") if p.is_dir() and p.name.startswith(("pass-", "fail-"))
)


def _one(case: Path, patterns: tuple[str, ...]) -> Path | None:
    found = sorted({p for pattern in patterns for p in case.glob(pattern)})
    assert len(found) <= 1, f"{case}: several files match {patterns}: {found}"
    return found[0] if found else None


def normalised(report: dslint.model.report.Report, case: Path) -> list[dict]:
    def relative(path: str) -> str:
        return Path(path).relative_to(case).as_posix() if Path(path).is_absolute() else path

    return [
        {
            "rule": f.rule_id,
            "severity": f.severity,
            "message": f.message.replace(str(case) + "/", ""),
            "paths": [relative(p) for p in f.paths],
        }
        for f in report.findings
    ]


def run_case(case: Path, tmp_path: Path) -> dslint.model.report.Report:
    config = case / "dslint.toml"
    paths = [case / "data"] if (case / "data").is_dir() else []
    return dslint.check(
        *paths,
        config=config if config.exists() else None,
        cache_dir=tmp_path / "cache",
        history=_one(case, HISTORY_NAMES),
        predictions=_one(case, ("predictions.*",)),
        probe=case.parent.name.startswith("S"),  # the probe's verdicts have their own cases
    )


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_produces_exactly_its_expected_findings(
    case: Path, tmp_path: Path, update_fixtures: bool
) -> None:
    found = normalised(run_case(case, tmp_path), case)
    expected_file = case / "expected.json"
    if update_fixtures:
        expected_file.write_text(
            json.dumps(found, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert expected_file.exists(), f"{expected_file} is missing: run pytest --update-fixtures"
    assert found == json.loads(expected_file.read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_findings_from_the_cache_equal_a_fresh_scan(case: Path, tmp_path: Path) -> None:
    fresh = run_case(case, tmp_path)
    cached = run_case(case, tmp_path)
    assert cached.scan["from_cache"] == cached.scan["files"]
    assert cached.findings == fresh.findings


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_folder_names_agree_with_findings(case: Path) -> None:
    """fail-* cases fire their folder's rule; pass-* cases keep it silent."""
    rule_id = case.parent.name.split("-", 1)[0]
    rules = {f["rule"] for f in json.loads((case / "expected.json").read_text())}
    if case.name.startswith("fail-"):
        assert rule_id in rules
    else:
        assert rule_id not in rules
