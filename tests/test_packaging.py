"""`pip install .` and `pip install -e .` both install the top-level rules/ folder as
`dslint.rules`, with the `builtin` entry point that loads it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import REPO

PROBE = (
    "import json, pkgutil, importlib.metadata as m, dslint.rules as r; "
    "print(json.dumps({'file': r.__file__, "
    "'modules': sorted(i.name for i in pkgutil.iter_modules(r.__path__)), "
    "'entries': [e.value for e in m.entry_points(group='dslint.rules')]}))"
)


@pytest.mark.parametrize("editable", [False, True], ids=["pip install .", "pip install -e ."])
def test_install_provides_dslint_rules(tmp_path: Path, editable: bool) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    python = tmp_path / "venv/bin/python"
    # A non-editable install builds from a clean copy, as CI does: a build/ folder left
    # in the checkout could otherwise supply files that the package list forgets.
    source = REPO if editable else _clean_copy(tmp_path / "src")
    install = [python, "-m", "pip", "install", "--quiet", "--no-deps"]
    subprocess.run([*install, *(["-e"] if editable else []), str(source)], check=True, timeout=600)
    result = subprocess.run(
        [python, "-c", PROBE], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    assert found["entries"] == ["dslint.rules"]
    assert {"binary_label_values", "unreadable_file"} <= set(found["modules"])
    installed_in = Path(found["file"]).resolve()
    if editable:
        assert installed_in == REPO / "rules/__init__.py"
    else:
        assert (tmp_path / "venv").resolve() in installed_in.parents
        site = installed_in.parent.parent.parent
        shipped = {p.relative_to(site).as_posix() for p in (site / "dslint").rglob("*.py")}
        source = {p.relative_to(REPO).as_posix() for p in (REPO / "dslint").rglob("*.py")}
        assert source <= shipped, f"not installed: {sorted(source - shipped)}"
        for data in ("dslint/analysis/probe.onnx", "dslint/scan/mel_banks.npz"):  # not .py
            assert (site / data).read_bytes() == (REPO / data).read_bytes()


def _clean_copy(target: Path) -> Path:
    """The files a clean checkout would have: tracked and untracked-but-not-ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in listed.splitlines():
        if (REPO / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    return target


def test_a_bare_checkout_on_sys_path_resolves_the_builtin_rules(tmp_path: Path) -> None:
    """Without installing (no entry points, no package-dir mapping), the checkout on
    sys.path finds `dslint.rules` in the top-level rules/ folder and loads every rule."""
    from dslint.engine.registry import load_rules

    site = sysconfig.get_paths()["purelib"]  # the dependencies, without their .pth hooks
    code = (
        f"import sys; sys.path[:0] = [{str(REPO)!r}]; sys.path.append({site!r}); "
        "import dslint.rules; from dslint.engine.registry import load_rules; "
        "hooks = [type(f).__name__ for f in sys.meta_path if 'editable' in repr(f).lower()]; "
        "print(dslint.rules.__file__, len(load_rules()), hooks)"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(REPO / "rules/__init__.py"), str(len(load_rules())), "[]"]
