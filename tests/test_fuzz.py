"""Property-based tests: every parser either returns a consistent result or raises
DslintError (a one-line message), whatever text it is given."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dslint.discover.manifest import read_manifest
from dslint.engine.registry import load_rules
from dslint.errors import DslintError
from dslint.gate.config import parse_config
from dslint.training.predictions import read_predictions
from dslint.training.readers import parse_text

RULES = load_rules()
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

cells = st.one_of(
    st.sampled_from(
        [
            "path",
            "label",
            "split",
            "a.png",
            "train",
            "val",
            "-1",
            "1",
            "0.5",
            "nan",
            "",
            "cat",
            '"x,y"',
            "é",
            "\t",
        ]
    ),
    st.text(max_size=8),
)
tables = st.lists(st.lists(cells, min_size=0, max_size=5), min_size=0, max_size=12).map(
    lambda rows: "\n".join(",".join(row) for row in rows)
)
log_lines = st.one_of(
    st.sampled_from(
        [
            "Epoch 1/3",
            "Epoch 2/3",
            "40/40 [====] - loss: 0.5 - acc: 0.7",
            "12/40 [=>..] - ETA: 3s - loss: 0.9",
            "val_loss: nan - val_acc: 0.2",
            "epoch,loss,acc",
            "0,0.9,0.4",
            "1,,",
            '{"loss": [1, 2]}',
            "\r",
            "loss: inf",
        ]
    ),
    st.text(max_size=40),
)
logs = st.lists(log_lines, max_size=15).map("\n".join)


def _file(folder: Path, text: str, name: str) -> Path:
    """Each example overwrites one file in the test's own folder, which pytest removes."""
    path = folder / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@FUZZ
@given(text=tables)
def test_manifest_reader_never_crashes(tmp_path: Path, text: str) -> None:
    try:
        manifest = read_manifest(_file(tmp_path, text, "labels.csv"))
    except DslintError:
        return
    assert all(row.line >= 1 for row in manifest.rows)
    assert [row.line for row in manifest.rows] == sorted(row.line for row in manifest.rows)


@FUZZ
@given(text=logs)
def test_history_reader_never_crashes_and_epochs_increase(text: str) -> None:
    history = parse_text(text)
    assert len(history.epochs) == len(history.rows)
    assert all(b > a for a, b in zip(history.epochs, history.epochs[1:], strict=False))
    assert all(row for row in history.rows)


@FUZZ
@given(text=tables)
def test_predictions_reader_never_crashes(tmp_path: Path, text: str) -> None:
    try:
        predictions = read_predictions(
            _file(tmp_path, "label,prediction\n" + text, "predictions.csv")
        )
    except DslintError:
        return
    assert len(predictions.truth) == len(predictions.predicted)


toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-5, 10**9),
        st.floats(allow_nan=False),
        st.sampled_from(["error", "warning", "F", "L001", "hinge", "bce", "x"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["F006", "max-pixels", "loss", "labels", "classes", "L001"]),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)
configs = st.dictionaries(
    st.sampled_from(
        ["select", "ignore", "fail-on", "exclude", "severity", "task", "rules", "colour"]
    ),
    toml_values,
    max_size=4,
)


@FUZZ
@given(data=configs)
def test_config_parser_accepts_or_names_the_problem(data: dict) -> None:
    try:
        config = parse_config(data, "dslint.toml", RULES)
    except DslintError as error:
        assert "\n" not in str(error) and str(error).startswith("dslint.toml: ")
        return
    assert config.fail_on in ("error", "warning", "info", "never")
