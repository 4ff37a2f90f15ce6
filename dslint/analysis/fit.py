"""The probe's out-of-fold fits in NumPy: a multinomial logistic regression and a
depth-3 decision tree on one property, scored fold by fold.

They minimise the objectives scikit-learn's `LogisticRegression` (lbfgs, L2) and
`DecisionTreeClassifier` (Gini, best split) minimise, and tests hold their answers to
scikit-learn's. They are written here because importing scikit-learn costs a second of
CPU (it imports scipy.stats and pandas whatever is asked of it): on two cores that the
scan fills, that second was most of what the probe added to a check.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import NamedTuple

import numpy as np

MAX_ITER = 300
TOLERANCE = 1e-4  # on the largest component of the mean loss's gradient
MEMORY = 10  # the L-BFGS history
TREE_DEPTH = 3


class OutOfFold(NamedTuple):
    proba: np.ndarray  # one row per sample, one column per class of `truth`, sorted
    converged: bool  # whether every fold's fit reached the tolerance


def stratified_folds(truth: np.ndarray, folds: int, seed: int = 0) -> np.ndarray:
    """Each sample's fold: every class shuffled and dealt out in turn, so that each
    fold holds its share of every class and the folds' sizes differ by one at most."""
    rng = np.random.default_rng(seed)
    dealt = np.concatenate([rng.permutation(np.flatnonzero(truth == c)) for c in np.unique(truth)])
    fold = np.empty(len(truth), np.int64)
    fold[dealt] = np.arange(len(truth)) % folds
    return fold


def logistic_out_of_fold(
    features: np.ndarray, truth: np.ndarray, folds: int, c: float, standardise: bool
) -> OutOfFold:
    """Out-of-fold class probabilities of an L2 logistic regression (inverse strength
    `c`), the features standardised on each training fold when asked.

    The first fold is fitted from zero, the others from its weights, side by side on
    the machine's cores (NumPy's products let go of the interpreter). The folds share
    most of their samples, so each starts near its optimum, which is unique: a fit
    that converges differs only in its time (on clean classes 0.22 s against 0.85 s
    from zero), and one stopped at `MAX_ITER` is the closer for it. On a weakly
    separable set, where every fold runs out of iterations, two cores took 1.2 s where
    one took 2.0."""
    classes, codes = np.unique(truth, return_inverse=True)
    proba = np.zeros((len(truth), len(classes)))
    first, *others = _held_out(truth, folds)
    start = _fold(features, codes, first, c, standardise, proba, None)
    workers = max(1, min(len(others), os.cpu_count() or 1))
    with ThreadPoolExecutor(workers) as pool:
        fit_fold = partial(_fold, features, codes, c=c, standardise=standardise, proba=proba)
        done = list(pool.map(lambda test: fit_fold(test, start=start), others))
    return OutOfFold(proba, start.converged and all(fold.converged for fold in done))


class _Fitted(NamedTuple):
    present: np.ndarray  # the classes the fold's training samples hold
    weights: np.ndarray
    bias: np.ndarray
    converged: bool


def _fold(
    features: np.ndarray,
    codes: np.ndarray,
    test: np.ndarray,
    c: float,
    standardise: bool,
    proba: np.ndarray,
    start: _Fitted | None,
) -> _Fitted:
    """Fit on all but the `test` samples (from `start`'s weights when it saw the same
    classes) and write the `test` samples' probabilities into `proba`."""
    train = ~test
    x_train, x_test = features[train], features[test]
    if standardise:
        mean = x_train.mean(axis=0, dtype=np.float64)
        scale = x_train.std(axis=0, dtype=np.float64)
        scale[scale == 0] = 1.0
        x_train, x_test = (x_train - mean) / scale, (x_test - mean) / scale
    present = np.unique(codes[train])
    local = np.searchsorted(present, codes[train])
    warm = start is not None and np.array_equal(start.present, present)
    weights, bias, converged = logistic_fit(
        x_train, local, len(present), c, start=(start.weights, start.bias) if warm else None
    )
    proba[np.ix_(np.flatnonzero(test), present)] = _softmax(x_test @ weights + bias)
    return _Fitted(present, weights, bias, converged)


def logistic_fit(
    x: np.ndarray,
    y: np.ndarray,
    classes: int,
    c: float,
    max_iter: int = MAX_ITER,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Weights, intercepts and whether it converged, minimising the mean log loss plus
    ‖W‖² / (2·c·n), the intercepts unpenalised, by L-BFGS from `start` (weights and
    intercepts as returned) or from zero. Two classes are fitted as scikit-learn fits
    them: one weight vector, the first class's logit held at zero."""
    n, d = x.shape
    if classes < 2:
        return np.zeros((d, 1)), np.zeros(1), True
    x = np.ascontiguousarray(x, np.float32)  # the products in single precision, as
    # scikit-learn computes them for float32 features: twice as fast, and the
    # tolerance is far above their rounding
    binary = classes == 2
    width = 1 if binary else classes
    rows = np.arange(n)
    penalty = 1.0 / (c * n)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = theta[: d * width].reshape(d, width), theta[d * width :]
        logits = (x @ weights.astype(np.float32)).astype(np.float64) + bias
        if binary:
            logits = np.hstack([np.zeros((n, 1)), logits])
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        norm = exp.sum(axis=1)
        value = float((np.log(norm) - logits[rows, y]).sum() / n)
        residual = exp / norm[:, None]
        residual[rows, y] -= 1.0
        residual /= n
        if binary:
            residual = residual[:, 1:]
        value += 0.5 * penalty * float((weights**2).sum())
        gradient = np.concatenate(
            [(x.T @ residual.astype(np.float32) + penalty * weights).ravel(), residual.sum(axis=0)]
        )
        return value, gradient

    theta = (
        np.concatenate([start[0][:, -width:].ravel(), start[1][-width:]])
        if start is not None
        else np.zeros(d * width + width)
    )
    theta, converged = _lbfgs(loss, theta, max_iter)
    weights, bias = theta[: d * width].reshape(d, width), theta[d * width :]
    if binary:
        weights, bias = np.hstack([np.zeros((d, 1)), weights]), np.concatenate([[0.0], bias])
    return weights, bias, converged


def tree_out_of_fold_accuracy(values: np.ndarray, truth: np.ndarray, folds: int) -> float:
    """How often a depth-3 tree on `values` alone, fitted on the other folds, names
    each sample's class."""
    _, codes = np.unique(truth, return_inverse=True)
    right = 0
    for test in _held_out(truth, folds):
        thresholds, leaves = tree_fit(values[~test], codes[~test], TREE_DEPTH)
        predicted = leaves[np.searchsorted(thresholds, values[test], side="left")]
        right += int((predicted == codes[test]).sum())
    return right / len(truth)


def tree_fit(values: np.ndarray, codes: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """A Gini decision tree on one variable, as its thresholds in increasing order and
    the class of each interval between them (a value at a threshold goes left)."""
    order = np.argsort(values, kind="stable")
    xs, ys = values[order].astype(np.float64), codes[order]
    onehot = np.eye(int(codes.max()) + 1)[ys]
    thresholds: list[float] = []
    leaves: list[int] = []

    def grow(start: int, stop: int, depth_left: int) -> None:
        counts = onehot[start:stop].sum(axis=0)
        split = None
        if depth_left > 0 and stop - start > 1 and (counts > 0).sum() > 1:
            split = _best_split(xs[start:stop], onehot[start:stop])
        if split is None:
            leaves.append(int(np.argmax(counts)))
            return
        middle = start + split
        grow(start, middle, depth_left - 1)
        low, high = xs[middle - 1], xs[middle]
        threshold = (low + high) / 2
        thresholds.append(low if threshold == high else threshold)
        grow(middle, stop, depth_left - 1)

    grow(0, len(xs), depth)
    return np.array(thresholds), np.array(leaves)


def _best_split(xs: np.ndarray, onehot: np.ndarray) -> int | None:
    """Where the sorted node splits best (the first of the least weighted Gini
    impurity), between two different values; None when all values are equal."""
    n = len(xs)
    left = np.cumsum(onehot, axis=0)[:-1]
    right = onehot.sum(axis=0) - left
    n_left = np.arange(1, n, dtype=np.float64)
    n_right = n - n_left
    # n·(weighted impurity) = n - Σ left²/n_left - Σ right²/n_right: maximise the sums
    purity = (left**2).sum(axis=1) / n_left + (right**2).sum(axis=1) / n_right
    purity[xs[1:] <= xs[:-1]] = -np.inf
    best = int(np.argmax(purity))
    return None if purity[best] == -np.inf else best + 1


def _held_out(truth: np.ndarray, folds: int):
    """A mask of each fold's held-out samples, in turn."""
    fold = stratified_folds(truth, folds)
    for k in range(folds):
        yield fold == k


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _lbfgs(loss, theta: np.ndarray, max_iter: int) -> tuple[np.ndarray, bool]:
    """Minimise a smooth convex `loss` (value and gradient) from `theta`: L-BFGS with a
    backtracking line search. Converged when the gradient's largest component is
    under the tolerance, or a step no longer lowers the value measurably."""
    value, gradient = loss(theta)
    steps: list[np.ndarray] = []
    changes: list[np.ndarray] = []
    for _ in range(max_iter):
        if np.abs(gradient).max() <= TOLERANCE:
            return theta, True
        direction = _two_loop(gradient, steps, changes)
        slope = float(gradient @ direction)
        if slope >= 0:  # not a descent direction: start the history again
            steps.clear()
            changes.clear()
            direction, slope = -gradient, -float(gradient @ gradient)
        size = 1.0 if steps else min(1.0, 1.0 / np.abs(gradient).sum())
        while True:
            candidate = theta + size * direction
            new_value, new_gradient = loss(candidate)
            if new_value <= value + 1e-4 * size * slope or size < 1e-10:
                break
            size /= 2
        if value - new_value <= 64 * np.finfo(float).eps * max(abs(value), abs(new_value), 1.0):
            return candidate, True
        step, change = candidate - theta, new_gradient - gradient
        if float(step @ change) > 1e-10:
            steps.append(step)
            changes.append(change)
            if len(steps) > MEMORY:
                del steps[0], changes[0]
        theta, value, gradient = candidate, new_value, new_gradient
    return theta, bool(np.abs(gradient).max() <= TOLERANCE)


def _two_loop(gradient: np.ndarray, steps: list, changes: list) -> np.ndarray:
    """The L-BFGS direction: minus the inverse Hessian estimate times the gradient."""
    q = gradient.copy()
    alphas = []
    for step, change in zip(reversed(steps), reversed(changes), strict=True):
        alpha = float(step @ q) / float(change @ step)
        q -= alpha * change
        alphas.append(alpha)
    if steps:
        q *= float(steps[-1] @ changes[-1]) / float(changes[-1] @ changes[-1])
    for step, change, alpha in zip(steps, changes, reversed(alphas), strict=True):
        beta = float(change @ q) / float(change @ step)
        q += (alpha - beta) * step
    return -q
