from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="rewrite fixtures/*/*/expected.json from the current findings",
    )


@pytest.fixture
def update_fixtures(request: pytest.FixtureRequest) -> bool:
    return request.config.getoption("--update-fixtures")


def tree_digest(root: Path) -> dict[str, str]:
    """Every file and folder under root with a hash of its bytes and its mtime, to prove
    that a run wrote nothing there."""
    digest = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            digest[os.path.join(folder, name)] = "dir"
        for name in files:
            path = os.path.join(folder, name)
            if os.path.islink(path) or not os.path.isfile(path):
                digest[path] = "special"
                continue
            with open(path, "rb") as handle:
                digest[path] = hashlib.sha256(handle.read()).hexdigest() + str(
                    os.stat(path).st_mtime_ns
                )
    return digest
