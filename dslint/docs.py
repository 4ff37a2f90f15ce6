"""Documentation taken from the rules themselves: `dslint rule ID` prints a rule's, and
`python -m dslint.docs` writes the README's rule table from the registry (a test fails
when the README's table differs, so the two cannot drift)."""

from __future__ import annotations

import inspect
from pathlib import Path

from dslint.engine.rule import Rule

TABLE_START = "<!-- rule table: written by `python -m dslint.docs` from the rules -->"
TABLE_END = "<!-- end of rule table -->"
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


def with_rule_table(readme: str, rules: dict[str, type[Rule]]) -> str:
    """The README text with its rule table, between the markers, made anew."""
    head, rest = readme.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    return f"{head}{TABLE_START}\n{rule_table(rules)}\n{TABLE_END}{tail}"


def main() -> None:
    from dslint.engine.registry import load_rules

    readme = Path("README.md")
    readme.write_text(with_rule_table(readme.read_text("utf-8"), load_rules()), "utf-8")


if __name__ == "__main__":
    main()
