"""Comparisons of periods, checked against published reference values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation.methods.comparisons import compare_monthly_rates, evidence, holm

# R's `sleep` data (Student 1908); `t.test(extra ~ group, data = sleep)` prints
# t = -1.8608, df = 17.776, p-value = 0.07939, 95 percent CI -3.3654832 0.2054832,
# means 0.75 (group 1) and 2.33 (group 2): the Welch test, R's default.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_welch_comparison_matches_r_t_test_on_the_sleep_data():
    r = compare_monthly_rates(after=SLEEP_1, before=SLEEP_2)
    assert r.after_mean == pytest.approx(0.75) and r.before_mean == pytest.approx(2.33)
    assert r.t == pytest.approx(-1.8608, abs=5e-5)
    assert r.df == pytest.approx(17.776, abs=5e-4)
    assert r.p_value == pytest.approx(0.07939, abs=5e-6)
    assert (r.lower, r.upper) == pytest.approx((-3.3654832, 0.2054832), abs=1e-7)


def test_a_tiny_change_in_a_huge_volume_is_not_significant_against_monthly_variation():
    # twelve months of about 27,500 calls each: answered within target wanders between
    # 87% and 89%; the next year is 0.2 points higher on average. A z-test on the 330,000
    # calls would call that significant; against the months it is not.
    rng = np.random.default_rng(4)
    before = 0.88 + rng.normal(0, 0.006, 12)
    after = before.mean() + 0.002 + rng.normal(0, 0.006, 12)
    r = compare_monthly_rates(after, before)
    assert r.p_value > 0.1
    assert evidence(r.p_value) == "none"


def test_identical_months_give_an_exact_answer():
    same = compare_monthly_rates([0.5, 0.5], [0.5, 0.5])
    assert same.p_value == 1.0 and same.difference == 0.0
    moved = compare_monthly_rates([0.6, 0.6], [0.5, 0.5])
    assert moved.p_value == 0.0 and moved.lower == moved.upper == pytest.approx(0.1)


@pytest.mark.parametrize(("after", "before", "message"), [
    ([0.5], [0.5, 0.6], "after needs at least 2"),
    ([0.5, float("nan")], [0.5, 0.6], "missing"),
    (["a", "b"], [0.5, 0.6], "numbers"),
])
def test_monthly_comparison_rejects_bad_input(after, before, message):
    with pytest.raises(ValueError, match=message):
        compare_monthly_rates(after, before)


def test_holm_matches_the_step_down_by_hand():
    # sorted p 0.01, 0.02, 0.03, 0.04 times 4, 3, 2, 1 = 0.04, 0.06, 0.06 (monotone), 0.06
    adjusted = holm([0.04, 0.01, 0.03, 0.02])
    assert adjusted.tolist() == pytest.approx([0.06, 0.04, 0.06, 0.06])
    with_gap = holm([0.01, float("nan"), 0.5])
    assert with_gap[0] == pytest.approx(0.02) and math.isnan(with_gap[1])
    assert with_gap[2] == pytest.approx(0.5)


@pytest.mark.parametrize(("p", "diff", "mid", "expected"), [
    (0.0001, 0.05, 0.02, "strong"),
    (0.0001, 0.002, 0.02, "strong but small"),
    (0.0099, None, None, "strong"),
    (0.01, None, None, "weak"),
    (0.0999, None, None, "weak"),
    (0.1, None, None, "none"),
])
def test_evidence_bands(p, diff, mid, expected):
    assert evidence(p, diff, mid) == expected
