"""The history reader recognises every format without being told which, and reports
where a broken log stopped."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from dslint.errors import DslintError
from dslint.training.readers import parse_text, read_history
from tests.conftest import FIXTURES
from tests.helpers import json_report, run_cli

SEED = {p.name: p for p in FIXTURES.glob("H00*/*/*.log") if "classes" in p.name}


def test_seed_logs_are_read_with_their_epoch_numbers() -> None:
    identical = read_history(SEED["identical-classes.log"])
    assert identical.format == "console output"
    assert identical.epochs == [12, 13, 14, 15]
    assert identical.series("val_acc") == [0.25, 0.2281, 0.2469, 0.25]
    overfit = read_history(SEED["similar-classes-overfit.log"])
    assert overfit.epochs == list(range(1, 10))  # no Epoch lines: counted from 1
    assert overfit.series("acc")[-1] == 1.0


def test_console_output_with_carriage_returns_warnings_and_custom_metrics() -> None:
    text = (
        "2026-11-23 10:00:01 WARNING tensorflow: lr=0.01 is high\n"
        "Epoch 1/3\n"
        " 1/40 [>....] - ETA: 9s - loss: 2.1 - accuracy: 0.2\r"
        "40/40 [=====] - 3s 70ms/step - loss: 1.5 - accuracy: 0.3 - auc: 0.61 - "
        "val_loss: 1.4 - val_accuracy: 0.35 - val_auc: 0.6\n"
        "Epoch 2/3\n"
        "40/40 [=====] - 3s 70ms/step - loss: 1.2 - accuracy: 0.5 - auc: 0.7 - "
        "val_loss: 1.1 - val_accuracy: 0.55 - val_auc: 0.71 - lr: 1e-3\n"
    )
    history = parse_text(text)
    assert history.epochs == [1, 2]
    assert history.rows[0] == {
        "loss": 1.5,
        "acc": 0.3,
        "auc": 0.61,
        "val_loss": 1.4,
        "val_acc": 0.35,
        "val_auc": 0.6,
    }
    assert history.rows[1]["lr"] == 1e-3
    assert history.stopped is None


def test_keras_csvlogger_in_any_column_order() -> None:
    history = parse_text(
        "val_accuracy,epoch,loss,val_loss,accuracy\n0.4,0,1.0,1.1,0.5\n0.5,1,0.9,1.0,0.6\n"
    )
    assert history.format == "Keras CSVLogger"
    assert history.epochs == [1, 2]
    assert history.series("val_acc") == [0.4, 0.5]


def test_history_json_plain_and_wrapped() -> None:
    plain = parse_text('{"loss": [1.0, 0.5], "sparse_categorical_accuracy": [0.2, 0.4]}')
    wrapped = parse_text('{"history": {"loss": [1.0, 0.5], "acc": [0.2, 0.4]}}')
    assert plain.series("acc") == wrapped.series("acc") == [0.2, 0.4]
    assert plain.format == "history JSON"


def test_lightning_metrics_csv_merges_sparse_rows_per_epoch() -> None:
    history = parse_text(
        "epoch,step,train_loss_epoch,val_loss,val_acc\n"
        "0,49,0.9,,\n0,49,,0.8,0.6\n1,99,0.7,,\n1,99,,0.75,0.65\n"
    )
    assert history.format == "Lightning metrics.csv"
    assert history.rows == [
        {"loss": 0.9, "val_loss": 0.8, "val_acc": 0.6},
        {"loss": 0.7, "val_loss": 0.75, "val_acc": 0.65},
    ]


def test_nan_losses_are_kept_as_nan() -> None:
    history = parse_text(
        "Epoch 1/2\n40/40 - loss: 0.9 - acc: 0.5\nEpoch 2/2\n40/40 - loss: nan - acc: 0.5\n"
    )
    assert str(history.series("loss")[-1]) == "nan"


def test_a_log_cut_mid_epoch_keeps_the_complete_epochs(tmp_path: Path) -> None:
    log = tmp_path / "training.log"
    log.write_text(
        "Epoch 1/5\n40/40 [===] - loss: 0.9 - acc: 0.5 - val_loss: 1.0 - "
        "val_acc: 0.5\nEpoch 2/5\n13/40 [=>...] - ETA: 4s - loss: 0.8 - acc: 0.55"
    )
    report = json_report("--history", log)
    assert report["history"]["epochs"] == 1
    assert [f["rule"] for f in report["findings"]] == ["H007"]


def test_a_csv_that_breaks_off_keeps_the_rows_before() -> None:
    history = parse_text("epoch,loss,acc\n0,0.9,0.5\n1,0.8,0.6\n2,0.7,0.6,9,9\n3,0.6,0.7\n")
    assert history.epochs == [1, 2]
    assert history.stopped == "line 4 has 5 cells for 3 columns"


@pytest.mark.parametrize(
    "content", [b"\x00\x01\x02garbage" * 50, b"", b"hello world\n", b'{"not": "a history"}']
)
def test_unreadable_histories_are_one_line_errors(tmp_path: Path, content: bytes) -> None:
    log = tmp_path / "history.log"
    log.write_bytes(content)
    with pytest.raises(DslintError):
        read_history(log)
    result = run_cli("check", "--history", log)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_history_alone_on_the_command_line() -> None:
    result = run_cli("check", "--history", SEED["identical-classes.log"])
    assert result.returncode == 1
    assert "H001 chance-stagnation error" in result.stdout
    assert "identical-classes.log  (console output; epochs 12–15" in result.stdout


def test_nothing_to_check_is_a_usage_error() -> None:
    result = run_cli("check")
    assert result.returncode == 2
    assert "nothing to check" in result.stderr


def _write_events(folder: Path, scalars: dict[str, list[float]]) -> None:
    """Real TensorBoard event files, written with TensorBoard's own writer."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(str(folder))
    for tag, values in scalars.items():
        for step, value in enumerate(values):
            summary = summary_pb2.Summary(
                value=[summary_pb2.Summary.Value(tag=tag, simple_value=value)]
            )
            writer.add_event(event_pb2.Event(step=step, wall_time=1.0 + step, summary=summary))
    writer.close()


def test_keras_tensorboard_logs_with_train_and_validation_runs(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard", reason="pip install tensorboard")
    _write_events(
        tmp_path / "logs/train",
        {"epoch_loss": [1.386, 1.385, 1.386, 1.384], "epoch_accuracy": [0.25, 0.26, 0.24, 0.25]},
    )
    _write_events(
        tmp_path / "logs/validation",
        {"epoch_loss": [1.387, 1.386, 1.388, 1.386], "epoch_accuracy": [0.25, 0.24, 0.25, 0.26]},
    )
    history = read_history(tmp_path / "logs")
    assert history.format == "TensorBoard events"
    assert history.epochs == [1, 2, 3, 4]
    assert history.series("val_acc") == pytest.approx([0.25, 0.24, 0.25, 0.26])
    report = json_report("--history", tmp_path / "logs")
    assert [f["rule"] for f in report["findings"]] == ["H001"]


@pytest.mark.parametrize(
    "case",
    sorted(FIXTURES.glob("H00*/*/history.json")),
    ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}",
)
def test_a_history_saved_as_str_of_the_dict_gets_the_same_verdicts(
    case: Path, tmp_path: Path
) -> None:
    """`json.dump(str(history.history), f)`: a JSON string holding a Python dict, read
    as literals, and the same dict written by `f.write(str(...))`."""
    import dslint

    data = json.loads(case.read_text())
    as_json = dslint.check(history=case, use_cache=False)
    for name, text in (("string.json", json.dumps(str(data))), ("repr.txt", str(data))):
        (tmp_path / name).write_text(text)
        report = dslint.check(history=tmp_path / name, use_cache=False)
        assert report.history["epochs"] == as_json.history["epochs"]
        assert [f.message for f in report.findings] == [f.message for f in as_json.findings]


def test_a_python_literal_is_read_never_run(tmp_path: Path) -> None:
    (tmp_path / "h.txt").write_text("{'loss': [__import__('os').system('touch /tmp/pwned')]}")
    result = run_cli("check", "--history", tmp_path / "h.txt")
    assert result.returncode == 2
    assert "no epochs with metrics found" in result.stderr


def test_checkpoint_lines_are_not_epochs() -> None:
    """A resumed run's log: 'Loaded best model (epoch=20, val_loss=1.05)' names an
    epoch and a metric, but trains nothing; read as one, it cut the run at epoch 20."""
    lines = [
        f"Epoch [{e:03d}/30] TrainLoss={1 - e / 40:.4f} TrainAcc={50 + e}% | "
        f"ValLoss={1 + e / 100:.4f} ValAcc={60 + e / 10:.2f}%"
        for e in range(1, 31)
    ]
    lines.insert(25, "[Checkpoint] Loaded <- best_model.pth  (epoch=20, val_loss=1.0521)")
    lines.append("[Checkpoint] Saved -> final_model.pth  (epoch=30, val_acc=63.00)")
    history = parse_text("\n".join(lines))
    assert history.epochs == list(range(1, 31))
    assert history.series("val_loss")[-1] == pytest.approx(1.30)


def test_lightning_step_rows_of_an_epoch_are_averaged() -> None:
    rows = ["epoch,step,train_loss,val_loss,val_accuracy"]
    for epoch, losses in enumerate([(0.30, 0.10, 0.05), (0.04, 0.05, 0.03)]):
        rows += [f"{epoch},{epoch * 3 + i},{loss}," for i, loss in enumerate(losses)]
        rows.append(f"{epoch},{epoch * 3 + 2},,{0.1 - epoch / 20},0.9")
    history = parse_text("\n".join(rows) + "\n")
    assert history.format == "Lightning metrics.csv"
    assert history.series("loss") == pytest.approx([0.15, 0.04])


def test_k_is_estimated_past_an_exploded_first_epoch(tmp_path: Path) -> None:
    """A binary run whose first epoch's loss was 5e8: K comes from the first loss that
    can be ln K (0.69), and the stagnation at chance is reported."""
    rows = [(507568352.0, 0.5439, 0.5508), (0.6898, 0.5478, 0.5508), (0.6894, 0.5487, 0.5508)]
    log = tmp_path / "training.log"
    log.write_text(
        "".join(
            f"Epoch {i}/5\n915/915 [====] - 59s - loss: {loss} - accuracy: {acc} - "
            f"val_loss: 0.69 - val_accuracy: {val}\n"
            for i, (loss, acc, val) in enumerate(rows, start=1)
        )
    )
    (finding,) = [f for f in json_report("--history", log)["findings"] if f["rule"] == "H001"]
    assert finding["message"].startswith("accuracy stays at chance for 2 classes (K is an estimate")


def test_a_loss_falling_fast_over_a_few_noisy_epochs_is_not_unsettled(tmp_path: Path) -> None:
    log = tmp_path / "history.csv"
    log.write_text(
        "epoch,loss,accuracy\n0,0.130,0.90\n1,0.043,0.95\n2,0.0431,0.96\n3,0.030,0.96\n4,0.026,0.97\n"
    )
    assert [f["rule"] for f in json_report("--history", log)["findings"]] == []


def test_a_table_of_results_is_no_history(tmp_path: Path) -> None:
    """A row per model (an sklearn comparison), no epoch and no loss column."""
    table = tmp_path / "metrics.csv"
    table.write_text("model,precision,recall,f1,accuracy\nRandomForest,0.89,0.82,0.86,0.86\n")
    result = run_cli("check", "--history", table)
    assert result.returncode == 2
    assert "no epochs with metrics found" in result.stderr


def test_a_utf16_log_as_powershell_writes_it_is_read(tmp_path: Path) -> None:
    text = "".join(
        f"Epoch {e}/3\n10/10 [====] - 1s - loss: {1 - e / 5:.4f} - accuracy: {0.5 + e / 10:.4f}\n"
        for e in range(1, 4)
    )
    log = tmp_path / "training.log"
    log.write_bytes(text.encode("utf-16"))  # with its byte-order mark
    assert read_history(log).epochs == [1, 2, 3]


def _estimated_classes(rows: list[tuple[float, float]]) -> tuple[int, str] | None:
    """K, and whence, as a history of (loss, accuracy) epochs alone gives it."""
    from dslint.engine.context import Context
    from dslint.model.dataset import Dataset
    from dslint.training.chance import chance

    history = parse_text(
        "".join(
            f"Epoch {i}/{len(rows)}\n9/9 [====] - 1s - loss: {loss:.4f} - accuracy: {acc}\n"
            for i, (loss, acc) in enumerate(rows, start=1)
        )
    )
    ctx = Context(dataset=Dataset(root="", layout="", label_source="none"), facts={})
    found = chance(replace(ctx, history=history))
    return (found.classes, found.source.split(" ")[4]) if found else None


def test_k_is_read_from_a_loss_of_exactly_ln_k_in_two_epochs() -> None:
    """Answering 1/K for everything scores exactly ln K: twice is a signature, once is
    a loss passing by on its way down, and only a few classes are read so."""
    twice = [(2.87, 0.54), (0.6931, 0.50), (1.9, 0.49), (0.6931, 0.5)]
    assert _estimated_classes(twice) == (2, "loss")  # "from a loss of 0.6931 = ln 2"
    once = [(2.31, 0.10), (1.2, 0.6), (0.6931, 0.8), (0.4, 0.9)]
    assert _estimated_classes(once) == (10, "first")  # "from the first loss 2.310 ≈ ln 10"
    ln_100 = 4.6052  # exactly ln 100 twice: too many classes to read from a coincidence
    assert _estimated_classes([(4.3, 0.01), (ln_100, 0.01), (ln_100, 0.01)]) == (92, "first")


def test_a_loss_of_exactly_ln_k_is_counted_by_epochs_not_by_series() -> None:
    """Loss and validation loss both at ln 2 in one epoch are one epoch of evidence;
    0.6932 is not ln 2 = 0.69315 to four decimals."""
    from dslint.training.chance import _uniform_answer

    epochs = [(0.6931, 0.6931), (0.6932, 0.6932), (0.9, 0.9)]
    history = parse_text(
        "".join(
            f"Epoch {i}/3\n9/9 [====] - 1s - loss: {loss} - accuracy: 0.5 - val_loss: {val}"
            " - val_accuracy: 0.5\n"
            for i, (loss, val) in enumerate(epochs, start=1)
        )
    )
    assert _uniform_answer(history) is None
