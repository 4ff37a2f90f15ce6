"""`HistoryCheck`, a Keras callback that runs dslint's history rules at each epoch end.

Duck-typed: it has the methods Keras calls on a callback, so dslint never imports
TensorFlow or Keras.

    model.fit(x, y, validation_data=(xv, yv), epochs=50,
              callbacks=[HistoryCheck(classes=4, stop_on=("H001", "H005"))])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dslint.training.live import WatchingCallback


class HistoryCheck(WatchingCallback):
    """Warn (a `DslintWarning`) as soon as a history verdict is certain: accuracy at
    chance after `min_epochs` epochs (H001), validation parted from training (H002),
    a NaN loss (H005), ... With `stop_on`, those verdicts also stop training."""

    model: Any = None  # set by Keras through set_model
    params: dict | None = None

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        new = self.watch.add(epoch, logs or {})
        if self.watch.should_stop(new) and self.model is not None:
            self.model.stop_training = True

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("on_"):  # every other hook Keras calls does nothing here
            return _nothing
        raise AttributeError(name)


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None
