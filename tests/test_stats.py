"""dslint.analysis.stats computes the same tests as scipy.stats, without its import cost."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from dslint.analysis.stats import chi2_homogeneity, welch_t_test


@pytest.mark.parametrize(
    "table",
    [
        [[150, 50], [20, 80]],
        [[10, 12, 30], [4, 9, 11]],
        [[5, 0, 7], [3, 0, 9]],
        [[100, 100], [100, 100]],
    ],
)
def test_chi2_homogeneity_matches_scipy(table) -> None:
    nonzero = np.asarray(table)[:, np.asarray(table).sum(axis=0) > 0]
    expected = stats.chi2_contingency(nonzero, correction=False)
    statistic, p = chi2_homogeneity(table)
    assert statistic == pytest.approx(expected.statistic)
    assert p == pytest.approx(expected.pvalue)


@pytest.mark.parametrize("seed", range(4))
def test_welch_t_test_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, 12), rng.normal(0.8, 2, 7)
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    assert welch_t_test(list(a), list(b)) == pytest.approx(expected)
