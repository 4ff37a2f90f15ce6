"""dslint.analysis.stats computes the same tests as scipy.stats, without its import cost."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from dslint.analysis.stats import (
    binomial_tail,
    chi2_p_value,
    chi2_statistic,
    samples_behind,
    welch_t_test,
)


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
    statistic, dof = chi2_statistic(table)
    assert (statistic, dof) == (pytest.approx(expected.statistic), expected.dof)
    assert chi2_p_value(statistic, dof) == pytest.approx(expected.pvalue)


@pytest.mark.parametrize("seed", range(4))
def test_welch_t_test_matches_scipy(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = rng.normal(0, 1, 12), rng.normal(0.8, 2, 7)
    expected = stats.ttest_ind(a, b, equal_var=False).pvalue
    assert welch_t_test(list(a), list(b)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("successes", "trials", "rate"),
    [
        (0, 10, 0.5),
        (7, 10, 0.5),
        (41, 160, 0.25),
        (1000, 4000, 0.25),
        (3990, 4000, 0.25),
        (4000, 4000, 0.1683),
        (183, 200, 0.9),
        (10, 10, 1.0),
        (5, 10, 0.0),
    ],
)
def test_the_binomial_tail_matches_scipy(successes: int, trials: int, rate: float) -> None:
    expected = stats.binom.sf(successes - 1, trials, rate)
    assert binomial_tail(successes, trials, rate) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_a_check_of_splits_with_the_same_class_shares_imports_no_scipy() -> None:
    """A shift too small to matter needs no p-value, nor scipy's import (0.09 s of a
    cached re-check of 100,000 files)."""
    import subprocess
    import sys

    from tests.conftest import FIXTURES

    clean = FIXTURES / "F001-unreadable-file/pass-clean-images/data"
    program = (
        "import sys, dslint; "
        f"dslint.check({str(clean)!r}, probe=False, use_cache=False); "
        "print(any(name.startswith('scipy') for name in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_accuracies_logged_at_full_precision_tell_how_many_samples_they_counted() -> None:
    """Keras writes 167 right of 190 as float32: 0.8789473772. Rounded or averaged
    values say nothing."""
    keras = [float(np.float32(k / 190)) for k in (147, 160, 167, 161)]
    assert samples_behind(keras) == 190
    assert samples_behind([float(np.float32(k / 1000)) for k in (851, 904, 899)]) == 1000
    assert samples_behind([round(v, 4) for v in keras]) is None
    assert samples_behind([0.8137291, 0.8476503, 0.8611887, 0.8290413]) is None
    assert samples_behind(keras[:2]) is None  # too few to tell
