"""The probe's fits in NumPy answer as scikit-learn's do: the logistic regression
reaches the optimum of the same objective, and the depth-3 tree makes the same
predictions."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from dslint.analysis.fit import (
    logistic_fit,
    logistic_out_of_fold,
    stratified_folds,
    tree_fit,
    tree_out_of_fold_accuracy,
)


def _objective(x: np.ndarray, y: np.ndarray, proba: np.ndarray, weights: np.ndarray) -> float:
    """scikit-learn's: the mean log loss plus ‖W‖² / (2·C·n), C = 0.5."""
    return float(-np.log(proba[np.arange(len(y)), y]).mean() + (weights**2).sum() / len(y))


def _blobs(
    classes: int, n: int, d: int, seed: int, strength: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.normal(size=(n, d)) + strength * y[:, None] * rng.normal(size=d)
    return (x - x.mean(axis=0)) / x.std(axis=0), y


@pytest.mark.parametrize(("classes", "n", "d"), [(2, 800, 50), (3, 200, 5), (4, 2000, 100)])
def test_the_logistic_regression_reaches_scikit_learns_optimum(
    classes: int, n: int, d: int
) -> None:
    x, y = _blobs(classes, n, d, seed=classes)
    weights, bias, converged = logistic_fit(x, y, classes, c=0.5)
    logits = x @ weights + bias
    ours = np.exp(logits - logits.max(axis=1, keepdims=True))
    ours /= ours.sum(axis=1, keepdims=True)
    reference = LogisticRegression(C=0.5, tol=1e-10, max_iter=20_000).fit(x, y)
    theirs = reference.predict_proba(x)
    their_weights = reference.coef_.T
    assert converged
    assert _objective(x, y, ours, weights) == pytest.approx(
        _objective(x, y, theirs, their_weights), rel=2e-3
    )
    assert np.abs(ours - theirs).max() < 0.03


def test_two_classes_have_one_weight_vector_as_in_scikit_learn() -> None:
    """The first class's logit is held at zero, so the penalty is on one vector."""
    x, y = _blobs(2, 400, 10, seed=7)
    weights, bias, _ = logistic_fit(x, y, 2, c=0.5)
    reference = LogisticRegression(C=0.5, tol=1e-10, max_iter=20_000).fit(x, y)
    assert not weights[:, 0].any() and bias[0] == 0
    assert np.abs(weights[:, 1] - reference.coef_[0]).max() < 1e-3


def test_a_fit_that_runs_out_of_iterations_says_it_did_not_converge() -> None:
    """Ten classes of noise in 448 dimensions under a weak penalty: nearly separable,
    reached in 300 iterations, not in 5."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(1000, 448)), rng.integers(0, 10, 1000)
    assert logistic_fit(x, y, 10, c=1e6)[2]
    assert not logistic_fit(x, y, 10, c=1e6, max_iter=5)[2]


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_the_depth_3_tree_predicts_as_scikit_learns(classes: int) -> None:
    rng = np.random.default_rng(classes)
    values = rng.normal(size=600).round(1)  # ties between values, as file sizes have
    y = ((values + rng.normal(size=600)) > 0).astype(int) + rng.integers(0, classes - 1, 600)
    thresholds, leaves = tree_fit(values, y, depth=3)
    ours = leaves[np.searchsorted(thresholds, values, side="left")]
    reference = DecisionTreeClassifier(max_depth=3, random_state=0).fit(values[:, None], y)
    assert (ours == reference.predict(values[:, None])).all()
    assert len(thresholds) == (reference.tree_.node_count - 1) // 2


def test_a_constant_property_is_one_leaf_of_its_majority_class() -> None:
    thresholds, leaves = tree_fit(np.ones(10), np.array([0, 1, 1, 1, 0, 1, 1, 1, 1, 0]), depth=3)
    assert thresholds.size == 0 and leaves.tolist() == [1]


def test_the_folds_hold_each_class_in_equal_shares() -> None:
    truth = np.repeat([0, 1, 2], [50, 30, 20])
    fold = stratified_folds(truth, 5)
    for k in range(5):
        assert np.bincount(truth[fold == k], minlength=3).tolist() == [10, 6, 4]
    assert (stratified_folds(truth, 5) == fold).all()  # the same folds every run


def test_out_of_fold_scores_the_signal_and_not_the_noise() -> None:
    x, y = _blobs(3, 600, 20, seed=3, strength=1.0)
    proba, converged = logistic_out_of_fold(x, y, 5, c=0.5, standardise=True)
    assert converged and proba.shape == (600, 3)
    assert np.allclose(proba.sum(axis=1), 1)
    assert (proba.argmax(axis=1) == y).mean() > 0.9
    noise = np.random.default_rng(0).normal(size=600)
    assert tree_out_of_fold_accuracy(noise, y, 5) < 0.45
    assert tree_out_of_fold_accuracy(x[:, 0] + y * 10, y, 5) == 1.0
