"""A rule's documentation as `dslint rule ID` prints it: taken from the rule itself."""

from __future__ import annotations

import inspect

from dslint.rule import Rule


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
