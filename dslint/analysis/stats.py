"""Three classical tests, computed with NumPy and scipy.special.

`scipy.stats` would do the same, but importing it costs about 0.75 s, three times
the rest of a small check's start-up; in a pre-commit hook that is the difference
people notice. Even scipy.special costs 0.19 s, paid after the probe's fit where
nothing else runs, so the binomial tail the probe reads is NumPy's alone.
tests/test_stats.py holds these equal to scipy.stats's results.
"""

from __future__ import annotations

import math

import numpy as np


def binomial_tail(successes: int, trials: int, rate: float) -> float:
    """The chance of `successes` or more in `trials` draws at `rate`: the one-sided
    p-value of an accuracy against chance. Summed term by term in logarithms, so
    that it holds down to the smallest float and for thousands of trials."""
    if successes <= 0:
        return 1.0
    if successes > trials or rate <= 0:
        return 0.0
    if rate >= 1:
        return 1.0
    k = np.arange(successes, trials + 1)
    log_terms = (
        math.lgamma(trials + 1)
        - np.array([math.lgamma(x + 1) + math.lgamma(trials - x + 1) for x in k])
        + k * math.log(rate)
        + (trials - k) * math.log1p(-rate)
    )
    top = log_terms.max()
    return float(min(1.0, math.exp(top) * np.exp(log_terms - top).sum()))


def chi2_statistic(table: list[list[int]]) -> tuple[float, int]:
    """Pearson's chi-squared statistic that the rows of a contingency table share one
    distribution (no continuity correction), and its degrees of freedom; columns empty
    in every row are dropped. The effect size needs only these: the p-value, and the
    import it costs, only where the effect is large enough to matter."""
    observed = np.asarray(table, dtype=np.float64)
    observed = observed[:, observed.sum(axis=0) > 0]
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    statistic = float(((observed - expected) ** 2 / expected).sum())
    return statistic, (observed.shape[0] - 1) * (observed.shape[1] - 1)


def chi2_p_value(statistic: float, dof: int) -> float:
    """The chi-squared distribution's chance of `statistic` or more at `dof` degrees."""
    from scipy.special import chdtrc

    return float(chdtrc(dof, statistic)) if dof > 0 else 1.0


def welch_t_test(a: list[float], b: list[float]) -> float:
    """Two-sided p-value of Welch's t-test for a difference of means."""
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return welch_from_summaries(
        (x.mean(), x.var(ddof=1), len(x)), (y.mean(), y.var(ddof=1), len(y))
    )


def welch_from_summaries(a: tuple[float, float, int], b: tuple[float, float, int]) -> float:
    """Welch's two-sided p-value from each sample's mean, variance and size."""
    from scipy.special import stdtr

    (mx, varx, nx), (my, vary, ny) = a, b
    vx, vy = varx / nx, vary / ny
    if vx + vy == 0:
        return 0.0 if mx != my else 1.0
    t = (mx - my) / np.sqrt(vx + vy)
    dof = (vx + vy) ** 2 / (vx**2 / (nx - 1) + vy**2 / (ny - 1))
    return float(2 * stdtr(dof, -abs(t)))


def samples_behind(accuracies: list[float], most: int = 20_000) -> int | None:
    """How many samples accuracies logged at full precision were measured on: the
    smallest n (from 20 up to `most`) for which every one is a whole count out of n
    (Keras logs 167 of 190 right as 0.8789473772). None where none fits: values
    rounded to a few decimals, or averaged over batches of unequal size."""
    values = np.asarray(accuracies, dtype=np.float64)
    if len(values) < 3 or np.all(np.round(values, 4) == values):
        return None  # too few, or rounded: any n fits 4 decimals by chance
    for n in range(20, most + 1):
        counts = values * n
        if np.all(np.abs(counts - np.round(counts)) <= n * 6e-8):  # a float32 step
            return n
    return None
