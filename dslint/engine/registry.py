"""Loading rules from the `dslint.rules` entry-point group.

Each entry names a package or module of rules. The built-in pack is the entry
`builtin = "dslint.rules"`; its modules are found with pkgutil, so a new rule file
needs no reinstall. A third-party pack registers the same way.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

from dslint.engine.rule import Rule
from dslint.errors import DslintError

GROUP = "dslint.rules"
BUILTIN = EntryPoint("builtin", "dslint.rules", GROUP)


def load_rules() -> dict[str, type[Rule]]:
    """Every registered rule class by id, sorted by id. The built-in pack is always
    among them: a bare checkout on sys.path has no installed entry points."""
    found: dict[str, type[Rule]] = {}
    entries = list(entry_points(group=GROUP))
    if not any(entry.value == BUILTIN.value for entry in entries):
        entries.append(BUILTIN)
    for entry in sorted(entries, key=lambda e: e.name):
        try:
            pack = entry.load()
        except Exception as exc:
            raise DslintError(
                f"rule pack {entry.name!r} ({entry.value}) failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        for module in _modules_of(pack):
            for rule in rules_in(module):
                if rule.id in found and found[rule.id] is not rule:
                    other = found[rule.id]
                    raise DslintError(
                        f"rule id {rule.id} is defined twice: in "
                        f"{other.__module__} and in {rule.__module__}"
                    )
                found[rule.id] = rule
    return dict(sorted(found.items()))


def rules_in(module: ModuleType) -> list[type[Rule]]:
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, Rule) and obj is not Rule and obj.__module__ == module.__name__
    ]


def _modules_of(pack: ModuleType) -> list[ModuleType]:
    if not hasattr(pack, "__path__"):
        return [pack]
    modules = [pack]
    for info in pkgutil.iter_modules(pack.__path__, pack.__name__ + "."):
        try:
            modules.append(importlib.import_module(info.name))
        except Exception as exc:
            raise DslintError(
                f"rule module {info.name} failed to import: {type(exc).__name__}: {exc}"
            ) from None
    return modules
