"""`pip install .` and `pip install -e .` both install the top-level rules/ folder as
`dslint.rules`, with the `builtin` entry point that loads it."""

from __future__ import annotations

import json
import subprocess
import sys
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
    subprocess.run(
        [
            python,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            *(["-e"] if editable else []),
            str(REPO),
        ],
        check=True,
        timeout=600,
    )
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
