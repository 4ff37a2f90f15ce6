"""The Keras and Lightning callbacks warn as soon as a verdict is certain and can stop
training; driven by minimal trainer loops that call the hooks the way the frameworks
do, and by a real Keras model.fit where Keras is installed."""

from __future__ import annotations

import math
import warnings
from types import SimpleNamespace

import pytest

from dslint.training.keras import HistoryCheck as KerasCheck
from dslint.training.lightning import HistoryCheck as LightningCheck
from dslint.training.live import DslintWarning

STUCK = {"loss": 1.386, "accuracy": 0.25, "val_loss": 1.387, "val_accuracy": 0.25}


def keras_like_fit(callback: KerasCheck, logs_per_epoch: list[dict], epochs: int) -> int:
    """What Keras' fit does with a callback: set_model/params, the train and epoch
    hooks, and stop when model.stop_training is set. Returns epochs run."""
    model = SimpleNamespace(stop_training=False)
    callback.set_model(model)
    callback.set_params({"epochs": epochs, "steps": 40, "verbose": 1})
    callback.on_train_begin(logs={})
    run = 0
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch, logs={})
        callback.on_train_batch_end(0, logs={"loss": 1.0})
        callback.on_epoch_end(epoch, logs=dict(logs_per_epoch[epoch]))
        run += 1
        if model.stop_training:
            break
    callback.on_train_end(logs={})
    return run


def test_keras_callback_warns_once_when_accuracy_stays_at_chance() -> None:
    check = KerasCheck(classes=4)
    with pytest.warns(DslintWarning, match="H001 chance-stagnation: accuracy stays at chance"):
        run = keras_like_fit(check, [STUCK] * 12, epochs=12)
    assert run == 12
    assert [f.rule_id for f in check.findings] == ["H001"]


def test_keras_callback_stops_training_on_a_chosen_verdict() -> None:
    check = KerasCheck(classes=4, stop_on=("H001",), min_epochs=5)
    with pytest.warns(DslintWarning):
        run = keras_like_fit(check, [STUCK] * 50, epochs=50)
    assert run == 5


def test_keras_callback_reports_a_nan_loss_at_once() -> None:
    logs = [{"loss": 0.9 - 0.1 * e, "accuracy": 0.5 + 0.05 * e} for e in range(3)]
    logs.append({"loss": math.nan, "accuracy": 0.5})
    check = KerasCheck(stop_on=("H005",))
    with pytest.warns(DslintWarning, match="H005 non-finite-loss: loss is nan from epoch 4"):
        assert keras_like_fit(check, logs + logs, epochs=8) == 4


def test_keras_callback_is_silent_on_a_healthy_run() -> None:
    logs = [
        {
            "loss": 0.7 * 0.8**e,
            "accuracy": 0.5 + 0.04 * e,
            "val_loss": 0.72 * 0.8**e,
            "val_accuracy": 0.49 + 0.04 * e,
        }
        for e in range(10)
    ]
    check = KerasCheck(classes=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DslintWarning)
        keras_like_fit(check, logs, epochs=10)
    assert check.findings == []


def test_lightning_callback_reads_callback_metrics_and_stops() -> None:
    check = LightningCheck(classes=4, stop_on=("H001",), min_epochs=6)
    trainer = SimpleNamespace(
        should_stop=False, sanity_checking=False, current_epoch=0, callback_metrics={}
    )
    check.setup(trainer, None, stage="fit")
    with pytest.warns(DslintWarning, match="H001"):
        for epoch in range(20):
            trainer.current_epoch = epoch
            trainer.callback_metrics = {
                "train_loss_epoch": 1.386,
                "train_acc_epoch": 0.26,
                "val_loss": 1.386,
                "val_acc": 0.24,
            }
            check.on_validation_epoch_end(trainer, None)
            check.on_train_epoch_end(trainer, None)
            if trainer.should_stop:
                break
    assert epoch == 5


def test_real_keras_fit_with_the_callback() -> None:
    keras = pytest.importorskip("keras", reason="Keras with a CPU backend is not installed")
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.zeros((64, 4), dtype="float32")  # four classes of identical inputs
    y = np.tile([0, 1, 2, 3], 16)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.SGD(0.05),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    check = KerasCheck(classes=4, stop_on=("H001",), min_epochs=5)
    with pytest.warns(DslintWarning, match="H001"):
        fitted = model.fit(x, y, validation_split=0.25, epochs=30, verbose=0, callbacks=[check])
    assert len(fitted.history["loss"]) == 5
