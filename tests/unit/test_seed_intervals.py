"""The intervals behind seeded verdicts, against scipy.stats computed another way."""

import math

import numpy as np
import pytest
from scipy import stats

from dlrepro.seed_intervals import (
    INCONCLUSIVE,
    MAX_SEEDS,
    REFUTED,
    REPRODUCED,
    Region,
    difference,
    seeds_needed,
    verdict,
)

# Made up for the purpose, five seeds each: a clear effect, a null one, one that straddles.
BASE = np.array([0.80, 0.83, 0.78, 0.81, 0.79])
CLEAR = BASE + np.array([0.050, 0.060, 0.055, 0.048, 0.062])
NULL = BASE + np.array([0.010, -0.012, 0.004, -0.006, 0.003])
STRADDLING = BASE + np.array([0.030, -0.010, 0.045, 0.002, 0.020])


def by_seed(values, seeds=range(5)):
    return dict(zip(seeds, values.tolist()))


def t_interval(differences, confidence):
    """The textbook paired interval, by scipy.stats.t.interval."""
    return stats.t.interval(confidence, len(differences) - 1, loc=differences.mean(),
                            scale=stats.sem(differences))


@pytest.mark.parametrize("other", [CLEAR, NULL, STRADDLING])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_paired_interval_matches_t_interval_and_ttest_rel(other, confidence):
    interval = difference(by_seed(other), by_seed(BASE), confidence)
    differences = other - BASE
    assert interval.method == "paired t" and interval.n == 5
    assert interval.effect == pytest.approx(differences.mean())
    assert (interval.low, interval.high) == pytest.approx(t_interval(differences, confidence))
    # the interval excludes 0 exactly when the paired t test rejects at 1 − confidence
    p_value = stats.ttest_rel(other, BASE).pvalue
    assert (interval.low > 0 or interval.high < 0) == (p_value < 1 - confidence)


def test_the_three_made_up_effects_get_the_three_verdicts():
    greater = Region.for_check("greater")
    judged = {name: verdict(difference(by_seed(values), by_seed(BASE), 0.95), greater)
              for name, values in (("clear", CLEAR), ("null", NULL), ("straddling", STRADDLING))}
    assert judged == {"clear": REPRODUCED, "null": INCONCLUSIVE, "straddling": INCONCLUSIVE}
    less = Region.for_check("less")
    assert verdict(difference(by_seed(CLEAR), by_seed(BASE), 0.95), less) == REFUTED


def test_other_seeds_on_each_side_give_welchs_interval():
    interval = difference(by_seed(CLEAR, range(5)), by_seed(BASE, range(10, 15)), 0.95)
    expected = stats.ttest_ind(CLEAR, BASE, equal_var=False).confidence_interval(0.95)
    assert interval.method == "Welch t"
    assert (interval.low, interval.high) == pytest.approx((expected.low, expected.high))
    # by hand: Welch–Satterthwaite degrees of freedom
    v1, v2 = CLEAR.var(ddof=1) / 5, BASE.var(ddof=1) / 5
    dof = (v1 + v2) ** 2 / (v1**2 / 4 + v2**2 / 4)
    half = stats.t.ppf(0.975, dof) * math.sqrt(v1 + v2)
    assert interval.high - interval.effect == pytest.approx(half)


def test_a_constant_side_gives_the_one_sample_interval_of_the_difference():
    above = difference(by_seed(CLEAR), 0.8, 0.95)
    low, high = stats.t.interval(0.95, 4, loc=CLEAR.mean(), scale=stats.sem(CLEAR))
    assert above.method == "one-sample t"
    assert (above.low, above.high) == pytest.approx((low - 0.8, high - 0.8))
    below = difference(0.8, by_seed(CLEAR), 0.95)  # constant on the left: the mirror image
    assert (below.low, below.high) == pytest.approx((0.8 - high, 0.8 - low))


def test_close_region_is_closed_and_less_greater_are_open():
    point = difference(by_seed(BASE + 0.05), by_seed(BASE), 0.95)  # zero spread: a point
    assert (point.low, point.high) == pytest.approx((0.05, 0.05))
    assert verdict(point, Region.for_check("close", band=0.06)) == REPRODUCED
    assert verdict(point, Region.for_check("close", band=0.04)) == REFUTED
    zero = difference(by_seed(BASE), by_seed(BASE), 0.95)
    assert verdict(zero, Region.for_check("greater")) == REFUTED  # 0 is not > 0


def test_one_seed_gives_no_interval_and_no_verdict():
    single = difference({0: 0.9}, {0: 0.8}, 0.95)
    assert math.isinf(single.low) and math.isinf(single.high)
    assert verdict(single, Region.for_check("greater")) == INCONCLUSIVE
    assert seeds_needed(single, Region.for_check("greater")) is None


def test_diverged_seeds_are_left_out():
    left = {0: 0.9, 1: None, 2: 0.91, 3: float("nan")}
    interval = difference(left, {0: 0.8, 1: 0.8, 2: 0.82, 3: 0.81}, 0.95)
    assert interval.n == 2 and interval.effect == pytest.approx((0.1 + 0.09) / 2)


def test_seeds_needed_is_the_fewest_that_would_exclude_the_boundary():
    interval = difference(by_seed(STRADDLING), by_seed(BASE), 0.95)
    region = Region.for_check("greater")
    needed = seeds_needed(interval, region)
    spread = (STRADDLING - BASE).std(ddof=1)

    def half_width(n):
        return stats.t.ppf(0.975, n - 1) * spread / math.sqrt(n)

    assert needed is not None and needed > 5
    assert half_width(needed) < interval.effect <= half_width(needed - 1)


def test_an_effect_of_about_zero_needs_no_practical_number_of_seeds():
    differences = np.array([1e-4, -1e-4, 2e-4, -2e-4, 0.5e-4]) + 1.0
    interval = difference(by_seed(differences), by_seed(np.ones(5)), 0.95)
    assert seeds_needed(interval, Region.for_check("greater")) is None
    spread = (differences - 1).std(ddof=1)
    # even MAX_SEEDS seeds would leave the interval around the effect wider than the effect
    assert stats.t.ppf(0.975, MAX_SEEDS - 1) * spread / math.sqrt(MAX_SEEDS) > interval.effect


def test_confidence_outside_0_1_is_refused():
    with pytest.raises(ValueError, match="confidence"):
        difference(by_seed(CLEAR), by_seed(BASE), 1.5)
