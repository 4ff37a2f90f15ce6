"""Documentation taken from the code itself: `dslint rule ID` prints a rule's, and
`python -m dslint.docs` writes the README's rule table from the registry, and the
README's list of file formats and the pre-commit hook's file pattern from the format
declarations (tests fail when they differ, so they cannot drift)."""

from __future__ import annotations

import inspect
from pathlib import Path

from dslint.engine.rule import Rule
from dslint.model.formats import formats_line, precommit_pattern

TABLE_START = "<!-- rule table: written by `python -m dslint.docs` from the rules -->"
TABLE_END = "<!-- end of rule table -->"
FORMATS_START = "<!-- formats: written by `python -m dslint.docs` from dslint/model/formats.py -->"
FORMATS_END = "<!-- end of formats -->"
FAMILIES = "FLBDNASHPT"  # the catalogue's order: files, labels, balance, duplicates, ...


def rule_documentation(rule: type[Rule]) -> str:
    lines = [
        f"{rule.id} {rule.name} ({rule.default_severity})",
        "",
        rule.summary,
        "",
        inspect.cleandoc(rule.__doc__ or ""),
    ]
    if rule.options:
        lines += ["", f"Options ([tool.dslint.rules.{rule.id}]):"]
        for name, option in rule.options.items():
            lines += [
                f"    {name.replace('_', '-')} = {option.default!r}",
                f"        {option.help}; {option.describe()}",
            ]
    return "\n".join(lines)


def rule_table(rules: dict[str, type[Rule]]) -> str:
    """The rules as a Markdown table, family by family in the catalogue's order."""
    ordered = sorted(rules.values(), key=lambda r: (_family_rank(r.id), r.id))
    rows = [f"| {r.id} | {r.name} | {_cell(r.summary)} |" for r in ordered]
    return "\n".join(["| id | name | what it catches |", "|---|---|---|", *rows])


def _family_rank(rule_id: str) -> int:
    family = rule_id[0]
    return FAMILIES.index(family) if family in FAMILIES else len(FAMILIES)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def with_generated_parts(readme: str, rules: dict[str, type[Rule]]) -> str:
    """The README text with its rule table and its list of formats, each between its
    markers, made anew."""
    readme = _between(readme, TABLE_START, TABLE_END, rule_table(rules))
    return _between(readme, FORMATS_START, FORMATS_END, formats_line())


def _between(text: str, start: str, end: str, written: str) -> str:
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{written}\n{end}{tail}"


def with_hook_pattern(hooks: str) -> str:
    """The pre-commit hooks file with its `files:` pattern made anew from the formats."""
    lines = hooks.split("\n")
    return "\n".join(
        f"  files: '{precommit_pattern()}'" if line.startswith("  files: ") else line
        for line in lines
    )


def main() -> None:
    from dslint.engine.registry import load_rules

    readme, hooks = Path("README.md"), Path(".pre-commit-hooks.yaml")
    readme.write_text(with_generated_parts(readme.read_text("utf-8"), load_rules()), "utf-8")
    hooks.write_text(with_hook_pattern(hooks.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    main()
