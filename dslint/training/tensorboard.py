"""TensorBoard event files as a training history, through TensorBoard's own reader
(`pip install tensorboard`).

Keras' TensorBoard callback writes `epoch_loss`, `epoch_accuracy` into `train/` and
`validation/` run folders; Lightning writes `train_loss`, `val_acc` and an `epoch`
scalar into one file. Both become acc/val_acc/loss/val_loss per epoch.
"""

from __future__ import annotations

from pathlib import Path

from dslint.errors import DslintError
from dslint.extras import install_hint
from dslint.training.history import History, canonical


def is_tensorboard(path: Path) -> bool:
    if path.is_dir():
        return any(path.rglob("*tfevents*"))
    return "tfevents" in path.name


def read_tensorboard(path: Path) -> History:
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise DslintError(
            f"history {path} is a TensorBoard log; reading it needs "
            f"TensorBoard: {install_hint('tensorboard')}"
        ) from None
    files = sorted(path.rglob("*tfevents*")) if path.is_dir() else [path]
    by_step: dict[int, dict[str, float]] = {}
    epoch_of_step: dict[int, int] = {}
    for file in files:
        prefix = "val_" if file.parent.name.lower() in ("validation", "val", "valid") else ""
        accumulator = EventAccumulator(str(file), size_guidance={"scalars": 0})
        try:
            accumulator.Reload()
        except Exception as exc:  # a damaged record: TensorBoard's reader says which
            raise DslintError(
                f"history {file} cannot be read as TensorBoard events: {exc}"
            ) from None
        for tag in accumulator.Tags().get("scalars", []):
            name = tag.split("/")[-1]
            name = name.removeprefix("epoch_") if name.startswith("epoch_") else name
            for event in accumulator.Scalars(tag):
                if name == "epoch":
                    epoch_of_step[event.step] = int(event.value)
                else:
                    by_step.setdefault(event.step, {})[canonical(prefix + name)] = event.value
    history = History(source=str(path), format="TensorBoard events")
    by_epoch: dict[int, dict[str, float]] = {}
    for position, step in enumerate(sorted(by_step)):
        epoch = epoch_of_step.get(step, position if not epoch_of_step else None)
        if epoch is not None:
            by_epoch.setdefault(epoch + 1, {}).update(by_step[step])
    for epoch in sorted(by_epoch):
        history.epochs.append(epoch)
        history.rows.append(by_epoch[epoch])
    if not history.rows:
        raise DslintError(f"history {path}: no scalars in its TensorBoard events")
    return history
