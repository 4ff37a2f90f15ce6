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
        lines += ["", "Options ([tool.dslint.rules." + rule.id + "]):"]
        lines += [
            f"    {name.replace('_', '-')} = {value!r}" for name, value in rule.options.items()
        ]
    return "\n".join(lines)
