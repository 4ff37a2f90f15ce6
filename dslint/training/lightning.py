"""`HistoryCheck`, a PyTorch Lightning callback that runs dslint's history rules at
each training epoch end, on `trainer.callback_metrics` (log with `on_epoch=True`).

Duck-typed, so dslint never imports Lightning or PyTorch.

    trainer = Trainer(callbacks=[HistoryCheck(classes=4, stop_on=("H001",))])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dslint.training.live import WatchingCallback


class HistoryCheck(WatchingCallback):
    state_key = "dslint.HistoryCheck"

    def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
        if getattr(trainer, "sanity_checking", False):
            return
        metrics = {k: _scalar(v) for k, v in dict(trainer.callback_metrics).items()}
        new = self.watch.add(trainer.current_epoch, metrics)
        if self.watch.should_stop(new):
            trainer.should_stop = True

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        return None

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith(("on_", "setup", "teardown")):
            return _nothing
        raise AttributeError(name)


def _scalar(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None
