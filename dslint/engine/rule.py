"""The plugin API: `Rule`, `Finding` and the `Context` a rule reads.

A rule is a class with a stable id, a kebab-case name, a default severity, a one-line
summary, typed options with defaults, and a docstring in four parts (What it catches,
Why it matters, Example, How to fix) that `dslint rule ID` prints. Its `check` yields
findings from the dataset and the scanned facts; it never opens files itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from dslint.errors import DslintError

if TYPE_CHECKING:
    from dslint.engine.context import Context

T = TypeVar("T")
SEVERITIES = ("error", "warning", "info")
DOC_SECTIONS = ("What it catches", "Why it matters", "Example", "How to fix")
RULE_ID = re.compile(r"^[A-Z]{1,3}[0-9]{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def printable(path: str) -> str:
    """A path as text that can always be printed (undecodable bytes become �)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _printable_tree(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): _printable_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable_tree(v) for v in value]
    return value


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    severity: str
    message: str
    paths: tuple[str, ...] = ()
    split: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    fix: str = ""
    dataset: str = ""

    def sort_key(self) -> tuple:
        return (
            self.dataset,
            severity_rank(self.severity),
            self.rule_id,
            self.paths,
            self.split or "",
            self.message,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "name": self.rule_name,
            "severity": self.severity,
            "message": self.message,
            "dataset": self.dataset,
            "split": self.split,
            "paths": list(self.paths),
            "evidence": self.evidence,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Option:
    """A rule option: its default, what it means, and the range it must lie in.

    The type is the default's: a whole-number default takes whole numbers only, a
    real-number default any number. `min`/`max` are inclusive bounds, `above`/`below`
    exclusive ones. `parse` is the one place a configured value is checked.
    """

    default: int | float
    help: str
    min: float | None = None
    max: float | None = None
    above: float | None = None
    below: float | None = None

    def parse(self, value: Any, where: str) -> int | float:
        whole = isinstance(self.default, int)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (whole and not isinstance(value, int))
            or value != value  # NaN
        ):
            raise DslintError(f"{where} must be {self.describe()}, not {value!r}")
        if (
            (self.min is not None and value < self.min)
            or (self.max is not None and value > self.max)
            or (self.above is not None and value <= self.above)
            or (self.below is not None and value >= self.below)
        ):
            raise DslintError(f"{where} must be {self.describe()}, not {value!r}")
        return value

    def describe(self) -> str:
        """The type and range in words: 'a whole number from 0 to 32'."""
        kind = "a whole number" if isinstance(self.default, int) else "a number"
        if self.min is not None and self.max is not None:
            return f"{kind} from {_number(self.min)} to {_number(self.max)}"
        bounds = [
            f"{word} {_number(value)}"
            for word, value in (
                ("at least", self.min),
                ("above", self.above),
                ("at most", self.max),
                ("below", self.below),
            )
            if value is not None
        ]
        if not bounds:
            return kind
        return f"{kind} {'of ' if bounds[0].startswith('at') else ''}{' and '.join(bounds)}"


def _number(value: float | None) -> str:
    return f"{value:g}" if isinstance(value, float) else f"{value:,}"


class Rule:
    """Base class of every rule, built-in or third-party."""

    id: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    default_severity: ClassVar[str]
    options: ClassVar[dict[str, Option]] = {}
    # Rules that read other rules' findings (to name a shared cause) run after the
    # others, once per check, with `ctx.findings`, `ctx.history` and `ctx.predictions`.
    reads_findings: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        where = f"{cls.__module__}.{cls.__qualname__}"
        for attribute in ("id", "name", "summary", "default_severity"):
            if not isinstance(getattr(cls, attribute, None), str):
                raise TypeError(f"rule {where} must declare {attribute} as a string")
        if not RULE_ID.match(cls.id):
            raise TypeError(f"rule {where}: id {cls.id!r} is not like 'L001'")
        if not RULE_NAME.match(cls.name):
            raise TypeError(f"rule {where}: name {cls.name!r} is not kebab-case")
        if cls.default_severity not in SEVERITIES:
            raise TypeError(f"rule {where}: default_severity must be one of {SEVERITIES}")
        if not (cls.__doc__ or "").strip():
            raise TypeError(f"rule {where} needs a docstring: it is the rule's documentation")
        for name, option in cls.options.items():
            if not isinstance(option, Option):
                raise TypeError(
                    f"rule {where}: option {name} must be declared as an Option "
                    "(default, help and range)"
                )
            option.parse(option.default, f"rule {where}: the default of {name}")

    def __init__(self, severity: str | None = None, options: dict[str, Any] | None = None):
        self.configured_severity = severity
        self.severity = severity or self.default_severity
        self.options = {name: o.default for name, o in self.options.items()} | (options or {})

    def check(self, ctx: Context) -> Iterator[Finding]:
        raise NotImplementedError

    def finding(
        self,
        message: str,
        *,
        paths: tuple[str, ...] | list[str] = (),
        split: str | None = None,
        evidence: dict[str, Any] | None = None,
        fix: str = "",
        severity: str | None = None,
    ) -> Finding:
        """A finding of this rule. `severity` overrides the rule's severity for findings
        whose gravity depends on the case (a configured severity always wins)."""
        return Finding(
            rule_id=self.id,
            rule_name=self.name,
            severity=self._severity_for(severity),
            message=printable(message),
            paths=tuple(printable(p) for p in paths),
            split=split,
            evidence=_printable_tree(evidence or {}),
            fix=fix,
        )

    def _severity_for(self, case_severity: str | None) -> str:
        return self.configured_severity or case_severity or self.default_severity
