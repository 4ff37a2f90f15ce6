"""Configuration: `[tool.dslint]` in pyproject.toml or a `dslint.toml`, found from the
working directory upward, or named with `--config`. Unknown keys are errors that name
the key, as in ruff and yamllint.

    [tool.dslint]
    select = ["F", "L"]            # rule ids, id prefixes or rule names
    ignore = ["F002"]
    fail-on = "error"              # error | warning | info | never
    exclude = ["train/augmented/*"]
    max-file-mb = 1024             # larger data files are not read (F006)
    label-from-name = '(?P<label>[a-z]+)[.]'  # labels (and splits) from file paths
    path-column = "id"             # a manifest's columns, where dslint should not choose
    label-column = "breed"

    [tool.dslint.severity]
    F002 = "info"

    [tool.dslint.task]
    loss = "binary_crossentropy"   # what the training uses; L001 and L002 read it
    labels = [0, 1]                # the label values the training code expects
    classes = 4                    # K, when a history is checked without its dataset

    [tool.dslint.rules.F006]       # per-rule options, by id or name
    max-pixels = 40000000
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dslint.engine.context import Task
from dslint.engine.rule import SEVERITIES, Rule
from dslint.errors import DslintError
from dslint.training.losses import canonical_loss, known_losses

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FAIL_ON = (*SEVERITIES, "never")
TOP_KEYS = (
    "select",
    "ignore",
    "fail-on",
    "exclude",
    "max-file-mb",
    "label-from-name",
    "path-column",
    "label-column",
    "split-column",
    "severity",
    "task",
    "rules",
)
TASK_KEYS = ("loss", "labels", "classes")


@dataclass
class Config:
    source: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    exclude: tuple[str, ...] = ()
    max_file_mb: int = 1024
    label_from_name: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # role -> a manifest's column
    severity: dict[str, str] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    task: Task = field(default_factory=Task)


def find_config(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        candidate = folder / "dslint.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "dslint" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def load_config(
    path: Path | None, rules: dict[str, type[Rule]], start: Path | None = None
) -> Config:
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            return Config()
    elif not path.is_file():
        raise DslintError(f"config file {path} does not exist")
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("dslint", {})
    return parse_config(data, str(path), rules)


def parse_config(data: dict[str, Any], source: str, rules: dict[str, type[Rule]]) -> Config:
    _known_keys(data, TOP_KEYS, source, "")
    by_name = {rule.name: rule for rule in rules.values()}
    config = Config(source=source)
    if "select" in data:
        config.select = checked_selectors(
            _strings(data["select"], source, "select"), rules, f"{source}: select"
        )
    if "ignore" in data:
        config.ignore = checked_selectors(
            _strings(data["ignore"], source, "ignore"), rules, f"{source}: ignore"
        )
    if "fail-on" in data:
        config.fail_on = _choice(data["fail-on"], FAIL_ON, source, "fail-on")
    if "exclude" in data:
        config.exclude = tuple(_strings(data["exclude"], source, "exclude"))
    if "max-file-mb" in data:
        limit = data["max-file-mb"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise DslintError(f"{source}: max-file-mb must be a whole number of megabytes")
        config.max_file_mb = limit
    if "label-from-name" in data:
        if not isinstance(data["label-from-name"], str):
            raise DslintError(f"{source}: label-from-name must be a regular expression (a string)")
        config.label_from_name = data["label-from-name"]
    for role in ("path", "label", "split"):
        if f"{role}-column" in data:
            if not isinstance(data[f"{role}-column"], str):
                raise DslintError(f"{source}: {role}-column must be a column's name")
            config.columns[role] = data[f"{role}-column"]
    for key, value in _table(data.get("severity", {}), source, "severity").items():
        rule = _rule(key, rules, by_name, source, f"severity.{key}")
        config.severity[rule.id] = _choice(value, SEVERITIES, source, f"severity.{key}")
    for key, options in _table(data.get("rules", {}), source, "rules").items():
        rule = _rule(key, rules, by_name, source, f"rules.{key}")
        config.rule_options[rule.id] = _rule_options(rule, options, source, f"rules.{key}")
    task = _table(data.get("task", {}), source, "task")
    _known_keys(task, TASK_KEYS, source, "task.")
    loss = None
    if "loss" in task:
        loss = canonical_loss(str(task["loss"]))
        if loss is None:
            raise DslintError(
                f"{source}: task.loss {task['loss']!r} is not a known loss "
                f"(known: {', '.join(known_losses())})"
            )
    labels = None
    if "labels" in task:
        if not isinstance(task["labels"], list) or not task["labels"]:
            raise DslintError(f"{source}: task.labels must be a non-empty list of label values")
        labels = tuple(task["labels"])
    classes = task.get("classes")
    if classes is not None and (
        isinstance(classes, bool) or not isinstance(classes, int) or classes < 2
    ):
        raise DslintError(f"{source}: task.classes must be a whole number of at least 2")
    config.task = Task(loss=loss, labels=labels, classes=classes)
    return config


def selected(rule: type[Rule], selectors: tuple[str, ...]) -> bool:
    return any(s == "ALL" or s == rule.name or rule.id.startswith(s) for s in selectors)


def as_selectors(value: str | Iterable[str] | None) -> tuple[str, ...] | None:
    """Selectors as the CLI, the API and the configuration take them: one string
    (`"D001"`, `"F,L001"`) or several, each possibly comma-separated."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not all(isinstance(v, str) for v in value):
        raise DslintError(f"rule selectors must be strings, not {value!r}")
    return tuple(part.strip() for v in value for part in v.split(",") if part.strip())


def checked_selectors(
    selectors: Iterable[str], rules: dict[str, type[Rule]], where: str
) -> tuple[str, ...]:
    """The selectors, each known to match a rule: a typo would otherwise select
    nothing, and a gate that runs no rule passes everything."""
    selectors = tuple(selectors)
    for selector in selectors:
        if not any(selected(rule, (selector,)) for rule in rules.values()):
            names = [*rules, *(rule.name for rule in rules.values())]
            close = difflib.get_close_matches(selector.upper(), rules, n=3, cutoff=0.5)
            close += difflib.get_close_matches(selector, names, n=3, cutoff=0.6)
            close = close or [i for i in rules if i[:1] == selector[:1].upper()][:6]
            hint = f" (did you mean {', '.join(dict.fromkeys(close))}?)" if close else ""
            raise DslintError(f"{where} names {selector!r}, which matches no rule{hint}")
    return selectors


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise DslintError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise DslintError(f"{path}: cannot be read: {exc.strerror}") from None


def _known_keys(table: dict[str, Any], allowed: tuple[str, ...], source: str, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise DslintError(
                f"{source}: unknown key '{prefix}{key}' (known: {', '.join(allowed)})"
            )


def _table(value: Any, source: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DslintError(f"{source}: {key} must be a table")
    return value


def _strings(value: Any, source: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DslintError(f"{source}: {key} must be a list of strings")
    return value


def _choice(value: Any, choices: tuple[str, ...], source: str, key: str) -> str:
    if value not in choices:
        raise DslintError(f"{source}: {key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _rule(
    key: str, rules: dict[str, type[Rule]], by_name: dict[str, type[Rule]], source: str, where: str
) -> type[Rule]:
    rule = rules.get(key) or by_name.get(key)
    if rule is None:
        raise DslintError(f"{source}: unknown rule {key!r} in {where}")
    return rule


def _rule_options(rule: type[Rule], options: Any, source: str, where: str) -> dict[str, Any]:
    parsed = {}
    for key, value in _table(options, source, where).items():
        name = key.replace("-", "_")
        if name not in rule.options:
            known = ", ".join(k.replace("_", "-") for k in rule.options) or "none"
            raise DslintError(
                f"{source}: unknown option {where}.{key} (options of {rule.id}: {known})"
            )
        parsed[name] = rule.options[name].parse(value, f"{source}: {where}.{key}")
    return parsed
