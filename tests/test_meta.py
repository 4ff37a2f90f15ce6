"""The contract every rule keeps: documented, with a firing and a silent fixture, a
unique stable id, and a line in the README's table."""

from __future__ import annotations

import inspect
import json
import re

import pytest

from dslint.docs import rule_documentation
from dslint.engine.registry import load_rules
from dslint.engine.rule import DOC_SECTIONS
from tests.conftest import FIXTURES, REPO

RULES = load_rules()


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.id)
def test_rule_docstring_has_the_four_sections(rule) -> None:
    doc = inspect.cleandoc(rule.__doc__)
    for section in DOC_SECTIONS:
        assert re.search(rf"^{section}:\n    \S", doc, re.MULTILINE), f"{rule.id}: {section}"
    assert rule_documentation(rule).startswith(f"{rule.id} {rule.name}")


@pytest.mark.parametrize("rule", RULES.values(), ids=lambda r: r.id)
def test_rule_has_a_firing_and_a_silent_fixture(rule) -> None:
    folder = FIXTURES / f"{rule.id}-{rule.name}"
    assert folder.is_dir(), f"missing fixture folder {folder.name}"
    cases = [p.name for p in folder.iterdir() if p.is_dir()]
    assert any(c.startswith("fail-") for c in cases), f"{rule.id} has no fail-* case"
    assert any(c.startswith("pass-") for c in cases), f"{rule.id} has no pass-* case"


def test_fixture_folders_and_expected_files_name_only_known_rules() -> None:
    names = {f"{r.id}-{r.name}" for r in RULES.values()}
    for folder in FIXTURES.iterdir():
        if folder.is_dir() and not folder.name.startswith((".", "_")):
            assert folder.name in names, f"fixture folder {folder.name} names no rule"
    for expected in FIXTURES.glob("*/*/expected.json"):
        for finding in json.loads(expected.read_text()):
            assert finding["rule"] in RULES, f"{expected} names unknown {finding['rule']}"


def test_readme_rule_table_matches_the_registered_rules() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| ([A-Z]\d{3}) \| ([a-z0-9-]+) \|", readme, re.MULTILINE))
    assert table == {r.id: r.name for r in RULES.values()}
