"""The README's commands and snippets work as written."""

from __future__ import annotations

import re
import shlex

import yaml

from tests.conftest import FIXTURES, REPO
from tests.helpers import run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")


def fenced() -> list[tuple[str, str]]:
    """The README's code blocks in order, each as (language, text)."""
    found, language, lines = [], None, []
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            if language is None:
                language, lines = line[3:].strip(), []
            else:
                found.append((language, "".join(lines)))
                language = None
        elif language is not None:
            lines.append(line)
    return found


def blocks(language: str) -> list[str]:
    return [text for lang, text in fenced() if lang == language]


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
    from dslint.gate.config import tomllib

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


def test_readme_rule_table_and_formats_are_written_from_the_code() -> None:
    from dslint.docs import with_generated_parts
    from dslint.engine.registry import load_rules

    assert with_generated_parts(README, load_rules()) == README, (
        "the README's rule table or formats differ from the code: run `python -m dslint.docs`"
    )


def test_the_precommit_hook_runs_on_every_declared_format() -> None:
    """The hook's file pattern is the one the format declarations write, so a new
    format cannot be missed there (it missed `.pbm` when written by hand)."""
    from dslint.model.formats import KIND_OF_EXTENSION, precommit_pattern

    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["files"] == precommit_pattern(), "run `python -m dslint.docs`"
    for ext in KIND_OF_EXTENSION:
        assert re.search(hook["files"], f"data/train/cat/1{ext.upper()}"), ext


def _timeless(text: str) -> str:
    return re.sub(r"\d+\.\d\d s · dslint", "N s · dslint", text)


def test_readme_example_prints_what_it_shows(tmp_path) -> None:
    (example,) = [b for b in blocks("text") if b.startswith("$ dslint ")]
    command, shown = example.split("\n", 1)
    # as a user runs it: with the probe, which says why it did not run on ten samples
    result = run_cli(*shlex.split(command)[2:], "--cache-dir", tmp_path, cwd=REPO, probe=True)
    assert result.returncode == 0, result.stderr
    assert _timeless(result.stdout) == _timeless(shown)


# The README's placeholders, and the bundled files that stand in for them.
PLACEHOLDERS = {
    "data/": "fixtures/H001-chance-stagnation/fail-majority-class/data",
    "training.log": "fixtures/H001-chance-stagnation/pass-healthy-console/training.log",
    "preds.csv": "fixtures/P001-constant-predictions/fail-all-normal/predictions.csv",
}


def test_every_dslint_command_in_the_readme_runs(tmp_path) -> None:
    commands = [
        line.split("&&")[-1].split("#")[0].strip()
        for block in blocks("bash")
        for line in block.splitlines()
        if "dslint " in line.split("&&")[-1]
    ]
    assert len(commands) >= 3
    for command in commands:
        args = [PLACEHOLDERS.get(word, word) for word in shlex.split(command)[1:]]
        result = run_cli(*args, "--cache-dir", tmp_path, cwd=REPO)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert result.stderr == "", (command, result.stderr)
        assert result.stdout.strip(), command


def test_readme_synopsis_lists_exactly_the_options_of_dslint_check() -> None:
    import typer

    from dslint.cli import app

    (synopsis,) = [b for b in blocks("") if b.startswith("dslint check [PATH")]
    shown = set(re.findall(r"--[a-z-]+", synopsis))
    (check,) = [c for c in typer.main.get_command(app).commands.values() if c.name == "check"]
    options = {o for p in check.params for o in (*p.opts, *p.secondary_opts) if o[:2] == "--"}
    assert shown == options - {"--help"}
