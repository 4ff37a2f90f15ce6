"""The pre-commit hook, for real: a throwaway dataset repository with the README's
.pre-commit-config.yaml, pinned by `pre-commit autoupdate --freeze` to a commit of
this checkout, a clean commit that passes, and a commit adding a cross-split
duplicate that is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.photos import photo_crops

PRE_COMMIT = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
pytestmark = pytest.mark.skipif(
    not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed (pip install -e '.[test]')"
)


DSLINT_URL = "https://github.com/dslint/dslint"


def readme_snippet() -> str:
    """The README's .pre-commit-config.yaml, as a user copies it."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (snippet,) = [b for b in readme.split("```yaml\n")[1:] if b.startswith("repos:")]
    return snippet.split("```")[0]


def git(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=check, env=_env(cwd)
    )


def _env(cwd: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
    }


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This checkout as it is now (tracked and new files), committed in a repository of
    its own, as pre-commit needs a commit to install a hook from."""
    target = tmp_path_factory.mktemp("hook") / "dslint"
    listed = git("ls-files", "--cached", "--others", "--exclude-standard", "-z", cwd=REPO)
    for name in filter(None, listed.stdout.split("\0")):
        if (REPO / name).is_file() and not name.startswith("fixtures/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-qm", "hook under test", cwd=target)
    return target, git("rev-parse", "HEAD", cwd=target).stdout.strip()


def test_hook_passes_a_clean_commit_and_refuses_a_leak(hook_repo, tmp_path: Path) -> None:
    hook, rev = hook_repo
    repo = tmp_path / "datasets"
    photo_crops(repo / "data", {"train": 12, "val": 6})
    (repo / ".gitignore").write_text(".dslint_cache/\n")
    config = repo / ".pre-commit-config.yaml"
    config.write_text(readme_snippet().replace(DSLINT_URL, str(hook)))
    git("init", "-q", cwd=repo)
    pin = subprocess.run(
        [PRE_COMMIT, "autoupdate", "--freeze"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=_env(repo),
    )
    assert pin.returncode == 0, pin.stdout + pin.stderr
    assert yaml.safe_load(config.read_text())["repos"][0]["rev"] == rev
    install = subprocess.run(
        [PRE_COMMIT, "install"], cwd=repo, capture_output=True, text=True, env=_env(repo)
    )
    assert install.returncode == 0, install.stderr
    git("add", "-A", cwd=repo)
    clean = git("commit", "-m", "clean dataset", cwd=repo, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "dslint" in clean.stdout + clean.stderr

    shutil.copyfile(repo / "data/train/flower/0003.jpg", repo / "data/val/flower/new.jpg")
    git("add", "-A", cwd=repo)
    leak = git("commit", "-m", "add a val image", cwd=repo, check=False)
    output = leak.stdout + leak.stderr
    assert leak.returncode != 0, output
    assert "D001 split-leakage-exact error" in output
    assert (
        "1 of 13 val samples (7.7 %) also appear in train: train/flower/0003.jpg = "
        "val/flower/new.jpg (identical bytes)" in output
    )
    assert git("log", "--oneline", cwd=repo).stdout.count("\n") == 1
