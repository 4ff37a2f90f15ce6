"""The public plugin contract: `Rule`, `Finding`, `Option`, `Context` (with the shared
analyses a rule may ask for) and `Task`. A rule pack imports these from here; the
wording helpers for messages are in `dslint.engine.wording`."""

from dslint.engine.context import Context, Task
from dslint.engine.rule import Finding, Option, Rule

__all__ = ["Context", "Finding", "Option", "Rule", "Task"]
