"""Training histories in text, as people paste and save them: Keras console output
(progress bars with or without `Epoch N/M` lines, carriage-return updates, warnings
mixed in), Keras `CSVLogger` files, a JSON dump of `history.history`, and PyTorch
Lightning `CSVLogger` `metrics.csv` files (sparse rows, step and epoch columns). Each
reader returns None when the text is not its format."""

from __future__ import annotations

import csv
import json
import re

from dslint.training.history import ALIASES, History, canonical

NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|-?inf|-?Inf"
# a metric: one or two words ("loss", "Train Loss"), a colon or equals sign, a number,
# perhaps a percent sign
METRIC = re.compile(rf"\b((?:[A-Za-z]+ )?[A-Za-z_][\w/.-]*?)\s*[:=]\s*({NUMBER})(%?)(?![\w.])")
INLINE_EPOCH = re.compile(r"\bepoch\s*[:=\[]?\s*(\d+)(?:\s*/\s*\d+)?", re.IGNORECASE)
EPOCH_LINE = re.compile(r"^\s*Epoch\s+(\d+)\s*/\s*(\d+)\s*$")
PROGRESS = re.compile(r"^\s*(\d+)/(\d+)\s")
NOT_METRICS = {"eta", "epoch", "step", "steps", "batch", "lr_step"}
# a checkpoint callback's line names an epoch and its metrics, but is no training epoch
CHECKPOINT_LINE = re.compile(r"\b(checkpoint|saving|saved|loaded|loading|restor\w*)\b", re.I)


def json_history(text: str, source: str) -> History | None:
    """A JSON dump of Keras' `history.history` (or of its records); also the dict as
    Python writes it, bare or inside a JSON string, as `json.dump(str(history.history),
    f)` leaves it. Read as literals (`ast.literal_eval`), never run."""
    try:
        data = json.loads(text)
    except ValueError:
        data = text if text.lstrip().startswith("{") else None
    if isinstance(data, str):
        data = _python_literal(data)
    if data is None:
        return None
    if isinstance(data, dict) and isinstance(data.get("history"), dict):
        data = data["history"]
    history = History(source=source, format="history JSON")
    if isinstance(data, dict):
        columns = {canonical(k): v for k, v in data.items() if isinstance(v, list)}
        length = max((len(v) for v in columns.values()), default=0)
        for i in range(length):
            row = {k: _number(v[i]) for k, v in columns.items() if i < len(v)}
            _append(history, i + 1, {k: v for k, v in row.items() if v is not None})
    elif isinstance(data, list) and all(isinstance(r, dict) for r in data):
        for i, record in enumerate(data):
            epoch = _number(record.get("epoch"))
            row = {canonical(k): _number(v) for k, v in record.items() if k != "epoch"}
            _append(
                history,
                int(epoch) + 1 if epoch is not None else i + 1,
                {k: v for k, v in row.items() if v is not None},
            )
    return history


NUMPY_SCALAR = re.compile(r"\bnp\.(?:float|int)(?:16|32|64)\(([^()]*)\)")
NON_FINITE = re.compile(r"(?<![\w'\"])(nan|inf|-inf)(?![\w'\"])")


def _python_literal(text: str) -> object | None:
    """A Python literal such as `str(history.history)` writes, numpy 2's scalar reprs
    (`np.float64(0.5)`) and `nan` included; None for anything else."""
    import ast

    text = NUMPY_SCALAR.sub(r"\1", text)
    text = NON_FINITE.sub(lambda m: f"'{m.group(1)}'", text)
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def csv_history(text: str, source: str) -> History | None:
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or ("," not in lines[0] and "\t" not in lines[0]):
        return None
    delimiter = "\t" if lines[0].count("\t") > lines[0].count(",") else ","
    header = [h.strip() for h in next(csv.reader([lines[0]], delimiter=delimiter))]
    names = [canonical(h) for h in header]
    if not any(n in ALIASES for n in names):
        return None
    if "epoch" not in [h.lower() for h in header] and not {"loss", "val_loss"} & set(names):
        return None  # no epochs and no loss: a table of results (a row per model), no history
    lightning = "step" in [h.lower() for h in header]
    history = History(
        source=source, format="Lightning metrics.csv" if lightning else "Keras CSVLogger"
    )
    epoch_col = next((i for i, h in enumerate(header) if h.lower() == "epoch"), None)
    by_epoch: dict[int, dict[str, list[float]]] = {}
    runs, previous = 1, -1
    for number, cells in enumerate(csv.reader(lines[1:], delimiter=delimiter), start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            history.stopped = f"line {number} has {len(cells)} cells for {len(header)} columns"
            break
        values = {names[i]: _number(c) for i, c in enumerate(cells) if i != epoch_col}
        if epoch_col is not None and epoch_col < len(cells):
            epoch_value = _number(cells[epoch_col])
            if epoch_value is None:
                history.stopped = f"line {number}: epoch {cells[epoch_col]!r} is not a number"
                break
            epoch = int(epoch_value) + 1  # Keras and Lightning count epochs from 0
            if epoch < previous:  # a new or resumed run appended to the file
                by_epoch = {e: row for e, row in by_epoch.items() if e < epoch}
                runs += 1
            previous = epoch
        else:
            epoch = len(by_epoch) + 1
        row = by_epoch.setdefault(epoch, {})
        for name, value in values.items():
            if value is not None and name.lower() != "step":
                # Lightning writes a row per logged step: an epoch is their mean (as its
                # own on_epoch logging takes it); a CSVLogger row replaces its epoch
                row[name] = [*row.get(name, []), value] if lightning else [value]
    for epoch in sorted(by_epoch):
        _append(history, epoch, {k: sum(v) / len(v) for k, v in by_epoch[epoch].items()})
    if runs > 1:
        history.format += f" ({runs} runs in the file, later epochs replacing earlier)"
    return history


def console(text: str, source: str) -> History:
    """Keras progress output. Within a line, carriage returns separate progress
    updates and the last one counts; an epoch ends on a line whose last update reached
    the final step (N/N) or carries validation metrics. `Epoch N/M` lines, when
    present, number the epochs; a metrics line before the first of them belongs to
    the epoch before it."""
    history = History(source=source, format="console output")
    ends: list[tuple[int | None, dict[str, float]]] = []
    current: int | None = None
    first_header: int | None = None
    unfinished: int | None = None
    zero_based = inline_mode = False
    runs = 1
    for number, line in enumerate(text.split("\n"), start=1):
        updates = [u for u in line.split("\r") if u.strip()]
        if not updates:
            continue
        header = EPOCH_LINE.match(updates[-1])
        if header:
            if current is not None and int(header.group(1)) < current:
                ends, runs = _resume(ends, int(header.group(1))), runs + 1
            current = int(header.group(1))
            first_header = first_header or current
            continue
        last = updates[-1]
        if CHECKPOINT_LINE.search(last):
            continue  # "Loaded best model (epoch=20, val_loss=1.05)" reports, not trains
        metrics = {
            canonical(k): float(v) / (100 if percent else 1)
            for k, v, percent in METRIC.findall(last)
            if k.lower() not in NOT_METRICS
        }
        if not set(metrics) & set(ALIASES):
            continue  # a warning or a line of other output
        inline = INLINE_EPOCH.search(last)
        if inline:  # "Epoch 3/35, Train Loss: 0.9" or "epoch: 3 loss=0.9"
            inline_mode = True
            epoch = int(inline.group(1)) + (1 if zero_based else 0)
            if current is None and epoch == 0:
                zero_based, epoch = True, 1
            if current is not None and epoch < current:
                ends, runs = _resume(ends, epoch), runs + 1
            current = epoch
        elif inline_mode:
            continue  # epochs are marked in this log; an unmarked line is a summary
        progress = PROGRESS.match(last)
        if (
            progress
            and progress.group(1) != progress.group(2)
            and not any(k.startswith("val_") for k in metrics)
        ):
            unfinished = number
            continue
        unfinished = None
        if ends and current is not None and ends[-1][0] == current:
            ends[-1] = (current, {**ends[-1][1], **metrics})  # a later line, same epoch
        else:
            ends.append((current, metrics))
    before_first = sum(1 for epoch, _ in ends if epoch is None)
    offset = first_header - before_first - 1 if first_header else 0
    for position, (epoch, metrics) in enumerate(ends):
        number = epoch if epoch is not None else max(1, offset + position + 1)
        if history.epochs and number <= history.epochs[-1]:
            number = history.epochs[-1] + 1
        _append(history, number, metrics)
    if unfinished is not None and history.rows:
        history.stopped = (
            f"the log ends mid-epoch at line {unfinished}, after epoch {history.epochs[-1]}"
        )
    if runs > 1:
        history.format += f" ({runs} runs in the log, later epochs replacing earlier)"
    return history


def _resume(ends: list, epoch: int) -> list:
    """A run that starts again at `epoch` replaces what the log held from there on:
    a fresh run (epoch 1) replaces everything, a resumed one only the later epochs."""
    return [(e, row) for e, row in ends if e is not None and e < epoch]


def _append(history: History, epoch: int, row: dict[str, float]) -> None:
    for name in ("acc", "val_acc"):  # accuracies logged in percent
        if name in row and 1 < row[name] <= 100:
            row[name] /= 100
    if row:
        history.epochs.append(epoch)
        history.rows.append(row)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return None
