"""The README's commands and snippets work as written."""

from __future__ import annotations

import re
import shlex

import yaml

from tests.conftest import FIXTURES, REPO
from tests.helpers import run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_command() -> None:
    first, second = blocks("bash")[:2]
    assert README.index(first) < README.index("## ")
    assert "pip install ." in first and "dslint check fixtures/" in first
    assert second.strip() in CI_RUN
    assert "python -m pytest" in second


def test_readme_demo_fixture_exists() -> None:
    command = blocks("bash")[0].strip().split("&&")[-1]
    path = shlex.split(command)[-1]
    assert (REPO / path).is_dir()


def test_readme_precommit_snippet_names_the_hook_this_repo_defines() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    config = next(yaml.safe_load(b) for b in blocks("yaml") if "repos:" in b)
    (entry,) = config["repos"][0]["hooks"]
    assert entry["id"] in {hook["id"] for hook in hooks}
    assert hooks[0]["pass_filenames"] is False
    assert re.search(hooks[0]["files"], "data/train/cat/1.jpg")
    assert not re.search(hooks[0]["files"], "src/model.py")


def test_readme_workflow_commands_run_on_a_fixture(tmp_path) -> None:
    workflow = next(yaml.safe_load(b) for b in blocks("yaml") if "jobs:" in b)
    steps = workflow["jobs"]["dslint"]["steps"]
    commands = [s["run"] for s in steps if s.get("run", "").startswith("dslint ")]
    assert len(commands) == 2
    data = FIXTURES / "D001-split-leakage-exact/fail-copied-val-images/data"
    for command in commands:
        args = [str(data) if a == "data/" else a for a in shlex.split(command)[1:]]
        result = run_cli(*args, "--no-cache", cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
    assert (tmp_path / "dslint.sarif").exists()


def test_no_install_command_fetches_the_unrelated_dslint_from_the_package_index() -> None:
    """`pip install dslint` or `"dslint[s3]"` installs another project of that name:
    every install names this checkout, its git repository, or a third-party package."""
    from dslint.config import tomllib

    name = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["name"]
    sources = [README, *(p.read_text() for p in (REPO / "dslint").rglob("*.py"))]
    commands = [c for text in sources for c in re.findall(r"pip install ([^`\n)]*)", text)]
    assert len(commands) >= 8
    for command in commands:
        head = command.split("&&")[0]  # what follows is another command
        assert not re.search(r"(^|[\s\"'])dslint(\[[^\]]*\])?([\s\"']|$)", head), command
        if re.search(rf"(^|[\s\"']){name}\b", head):
            assert "@ git+https://github.com/dslint/dslint" in head, command
    assert f'"{name}[s3] @ git+https://github.com/dslint/dslint"' in README
