"""Proportions: Wilson, pooled rates, two-proportion comparison and funnel plots."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from evaluation.methods.proportions import (
    compare_proportions,
    funnel_assess,
    funnel_limits,
    newcombe_interval,
    overdispersion,
    pooled_rate,
    rolling_pooled_rate,
    wilson_interval,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "proportions"
REF = 1e-6


# --------------------------------------------------------------------------- Wilson
@pytest.mark.parametrize(
    ("x", "n", "confidence", "lower", "upper"),
    [
        (865, 1000, 0.95, 0.8424178448, 0.8847886215),  # issue 4
        (65, 100, 0.998, 0.495495, 0.778354),  # issue 4 / PHEindicatormethods testWilson.R
    ],
)
def test_wilson_interval_matches_reference_values(x, n, confidence, lower, upper):
    lo, hi = wilson_interval(x, n, confidence)
    assert lo == pytest.approx(lower, abs=REF)
    assert hi == pytest.approx(upper, abs=REF)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99, 0.998])
@pytest.mark.parametrize(("x", "n"), [(0, 10), (1, 10), (5, 10), (10, 10), (3, 7), (999, 1000)])
def test_wilson_interval_agrees_with_statsmodels(x, n, confidence):
    expected = proportion_confint(x, n, alpha=1 - confidence, method="wilson")
    assert wilson_interval(x, n, confidence) == pytest.approx(expected, abs=1e-12)


def test_wilson_interval_is_exactly_zero_and_one_at_the_extremes():
    assert wilson_interval(0, 50)[0] == 0.0
    assert wilson_interval(50, 50)[1] == 1.0


def test_wilson_interval_accepts_weighted_fractional_counts():
    lo, hi = wilson_interval(0.445, 1)
    assert 0 < lo < 0.445 < hi < 1


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=100_000),
    frac=st.floats(min_value=0, max_value=1),
    confidence=st.floats(min_value=0.5, max_value=0.9999),
)
def test_wilson_interval_contains_observed_rate_and_lies_in_unit_interval(n, frac, confidence):
    x = round(frac * n)
    lo, hi = wilson_interval(x, n, confidence)
    assert 0.0 <= lo <= x / n <= hi <= 1.0


@settings(max_examples=100, deadline=None)
@given(n=st.integers(min_value=2, max_value=10_000), frac=st.floats(0, 1))
def test_wilson_interval_widens_with_confidence(n, frac):
    x = round(frac * n)
    lo95, hi95 = wilson_interval(x, n, 0.95)
    lo99, hi99 = wilson_interval(x, n, 0.99)
    assert lo99 <= lo95 and hi95 <= hi99


@pytest.mark.parametrize(
    ("x", "n", "confidence", "message"),
    [
        (-1, 10, 0.95, "at least 0"),
        (11, 10, 0.95, "must not exceed n"),
        (5, 0, 0.95, "greater than 0"),
        (5, -3, 0.95, "greater than 0"),
        (5, 10, 1.0, "strictly between 0 and 1"),
        (5, 10, 0.0, "strictly between 0 and 1"),
        (5, 10, 95, "strictly between 0 and 1"),
        (float("nan"), 10, 0.95, "finite"),
        ("five", 10, 0.95, "must be numbers"),
    ],
)
def test_wilson_interval_rejects_invalid_input(x, n, confidence, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(x, n, confidence)


# --------------------------------------------------------------------------- pooled rates
def test_pooled_rate_weights_periods_by_respondents_not_by_month():
    # 90/100 and 10/900: pooled 100/1000 = 0.1, whereas the mean of the rates would be 0.456
    assert pooled_rate([90, 10], [100, 900]) == pytest.approx(0.1, abs=1e-15)


def test_rolling_pooled_rate_pools_each_trailing_window():
    x = pd.Series([1, 2, 3, 4], index=pd.period_range("2024-01", periods=4, freq="M"))
    n = [10, 10, 20, 40]
    result = rolling_pooled_rate(x, n, window=2)
    expected = pd.Series(
        [np.nan, 3 / 20, 5 / 30, 7 / 60], index=x.index, name="pooled_rate", dtype=float
    )
    pd.testing.assert_series_equal(result, expected)


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        ([1, 2], [10], "same length"),
        ([], [], "must not be empty"),
        ([1, 20], [10, 10], "must not exceed n"),
        ([1, 2], [10, -1], "greater than 0"),
        ([1, 2], [10, 0], "must not exceed n"),
        ([1, np.nan], [10, 10], "finite"),
    ],
)
def test_pooled_rate_rejects_invalid_input(x, n, message):
    with pytest.raises(ValueError, match=message):
        pooled_rate(x, n)


def test_rolling_pooled_rate_rejects_a_zero_window():
    with pytest.raises(ValueError, match="window"):
        rolling_pooled_rate([1, 2], [10, 10], window=0)


# --------------------------------------------------------------------------- two proportions
def test_compare_proportions_matches_issue_reference():
    r = compare_proportions(865, 1000, 830, 1000)
    assert r.z == pytest.approx(2.1769490823, abs=REF)
    assert r.p_value == pytest.approx(0.0294843667, abs=REF)
    assert r.difference == pytest.approx(0.035, abs=1e-12)
    assert r.significant is True


def test_compare_proportions_interval_is_unpooled_wald():
    r = compare_proportions(865, 1000, 830, 1000)
    se = math.sqrt(0.865 * 0.135 / 1000 + 0.83 * 0.17 / 1000)
    assert r.lower == pytest.approx(0.035 - 1.959963984540054 * se, abs=1e-12)
    assert r.upper == pytest.approx(0.035 + 1.959963984540054 * se, abs=1e-12)


def test_compare_proportions_design_factor_scales_both_standard_errors():
    plain = compare_proportions(865, 1000, 830, 1000)
    deft = compare_proportions(865, 1000, 830, 1000, design_factor=1.5)
    assert deft.z == pytest.approx(plain.z / 1.5, rel=1e-12)
    assert deft.upper - deft.lower == pytest.approx(1.5 * (plain.upper - plain.lower), rel=1e-12)
    assert deft.significant is False


def test_compare_proportions_with_identical_all_success_groups_is_not_significant():
    r = compare_proportions(10, 10, 20, 20)
    assert (r.z, r.p_value, r.significant) == (0.0, 1.0, False)


@settings(max_examples=100, deadline=None)
@given(
    n1=st.integers(5, 5000),
    n2=st.integers(5, 5000),
    f1=st.floats(0.01, 0.99),
    f2=st.floats(0.01, 0.99),
)
def test_compare_proportions_is_antisymmetric(n1, n2, f1, f2):
    x1, x2 = round(f1 * n1), round(f2 * n2)
    a = compare_proportions(x1, n1, x2, n2)
    b = compare_proportions(x2, n2, x1, n1)
    assert a.z == pytest.approx(-b.z, abs=1e-12)
    assert a.p_value == pytest.approx(b.p_value, abs=1e-12)
    assert a.lower <= a.difference <= a.upper


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"design_factor": 0}, "design_factor"),
        ({"design_factor": -1}, "design_factor"),
        ({"confidence": 1.5}, "between 0 and 1"),
    ],
)
def test_compare_proportions_rejects_invalid_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        compare_proportions(5, 10, 6, 10, **kwargs)


def test_compare_proportions_names_the_group_with_bad_counts():
    with pytest.raises(ValueError, match="second group"):
        compare_proportions(5, 10, 12, 10)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"), [(56, 70, 48, 80), (9, 10, 3, 10), (0, 20, 5, 20)]
)
def test_newcombe_interval_agrees_with_statsmodels(x1, n1, x2, n2):
    expected = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert newcombe_interval(x1, n1, x2, n2) == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------- funnels
def _phe_outputs() -> pd.DataFrame:
    return pd.read_csv(DATA / "phe_funnel_prop_outputs.csv", comment="#")


def test_funnel_limits_match_phe_indicator_methods_outputs():
    ref = _phe_outputs()
    target = ref["Baseline"].iloc[0] / 100
    limits = funnel_limits(target, ref["Population"])
    expected = pd.DataFrame(
        {
            "lower_95": ref["Lower2s0025limit"].to_numpy() / 100,
            "upper_95": ref["Upper2s0025limit"].to_numpy() / 100,
            "lower_99_8": ref["Lower3s0001limit"].to_numpy() / 100,
            "upper_99_8": ref["Upper3s0001limit"].to_numpy() / 100,
        },
        index=pd.Index(ref["Population"].to_numpy(dtype=float), name="n"),
    )
    pd.testing.assert_frame_equal(limits, expected, check_exact=False, atol=REF, rtol=0)


def test_funnel_assess_reproduces_phe_significance_bands():
    data = pd.read_csv(DATA / "phe_funnel_prop_inputs.csv", comment="#")
    target = _phe_outputs()["Baseline"].iloc[0] / 100
    result = funnel_assess(data["numerator"], data["denominator"], target)
    phe_names = {
        "above 99.8%": "High (0.001)",
        "above 95%": "High (0.025)",
        "within limits": "Not significant",
        "below 95%": "Low (0.025)",
        "below 99.8%": "Low (0.001)",
    }
    assert result["band"].map(phe_names).tolist() == data["significance"].tolist()


def test_funnel_limits_columns_follow_levels():
    limits = funnel_limits(0.5, [100], levels=(0.9, 0.99))
    assert list(limits.columns) == ["lower_90", "upper_90", "lower_99", "upper_99"]


@settings(max_examples=100, deadline=None)
@given(
    target=st.floats(0.01, 0.99),
    n=st.lists(st.integers(1, 10**6), min_size=2, max_size=20, unique=True),
)
def test_funnel_limits_narrow_as_n_grows_and_contain_the_target(target, n):
    limits = funnel_limits(target, sorted(n))
    width95 = (limits["upper_95"] - limits["lower_95"]).to_numpy()
    width998 = (limits["upper_99_8"] - limits["lower_99_8"]).to_numpy()
    assert np.all(np.diff(width95) <= 1e-15)
    assert np.all(np.diff(width998) <= 1e-15)
    assert np.all(limits["lower_99_8"] <= limits["lower_95"])
    assert np.all(limits["lower_95"] <= target) and np.all(limits["upper_95"] >= target)
    assert np.all((limits >= 0) & (limits <= 1))


def test_funnel_assess_z_is_standardised_difference_from_target():
    result = funnel_assess([60, 45], [100, 100], 0.5)
    np.testing.assert_allclose(result["z"], [2.0, -1.0], rtol=1e-12)
    assert result["band"].tolist() == ["above 95%", "within limits"]


def _overdispersed_units() -> tuple[np.ndarray, np.ndarray]:
    n = np.array([400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000])
    rates = np.array([0.70, 0.86, 0.75, 0.83, 0.72, 0.88, 0.78, 0.84, 0.74, 0.81])
    return np.round(rates * n), n


def test_overdispersion_estimates_follow_spiegelhalter_formulae():
    x, n = _overdispersed_units()
    target = 0.8
    phi, tau2 = overdispersion(x, n, target)
    s2 = target * (1 - target) / n
    z = (x / n - target) / np.sqrt(s2)
    lo, hi = np.percentile(z, [10, 90])
    expected_phi = np.mean(np.clip(z, lo, hi) ** 2)
    w = 1 / s2
    expected_tau2 = (10 * expected_phi - 9) / (w.sum() - (w**2).sum() / w.sum())
    assert phi == pytest.approx(expected_phi, rel=1e-12)
    assert tau2 == pytest.approx(expected_tau2, rel=1e-12)
    assert phi > 1 and tau2 > 0


def test_overdispersion_adjustment_pulls_units_back_inside_the_funnel():
    x, n = _overdispersed_units()
    plain = funnel_assess(x, n, 0.8)
    mult = funnel_assess(x, n, 0.8, overdispersion_method="multiplicative")
    add = funnel_assess(x, n, 0.8, overdispersion_method="additive")
    outside = (plain["band"] != "within limits").sum()
    assert (mult["band"] != "within limits").sum() < outside
    assert (add["band"] != "within limits").sum() < outside
    assert mult.attrs["phi"] > 1 and add.attrs["tau2"] > 0
    np.testing.assert_allclose(mult["z"], plain["z"] / math.sqrt(mult.attrs["phi"]))


def test_overdispersion_is_zero_when_units_agree_with_target():
    phi, tau2 = overdispersion([500, 500, 501], [1000, 1000, 1000], 0.5)
    assert phi < 1 and tau2 == 0.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: funnel_limits(0.0, [10]), "target"),
        (lambda: funnel_limits(1.2, [10]), "target"),
        (lambda: funnel_limits(0.5, [0, 10]), "greater than 0"),
        (lambda: funnel_limits(0.5, [10], levels=(0.95, 1.0)), "between 0 and 1"),
        (lambda: funnel_limits(0.5, [10], levels=()), "at least one"),
        (lambda: funnel_limits(0.5, [10], phi=0), "phi"),
        (lambda: funnel_limits(0.5, [10], tau2=-1), "tau2"),
        (lambda: funnel_assess([5], [10], 0.5, overdispersion_method="x"), "overdispersion"),
        (lambda: overdispersion([5], [10], 0.5), "at least two"),
        (lambda: funnel_assess([11], [10], 0.5), "must not exceed n"),
    ],
)
def test_funnel_functions_reject_invalid_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_pooled_rate_accepts_a_month_with_no_respondents() -> None:
    from evaluation.methods.proportions import pooled_rate, rolling_pooled_rate

    assert pooled_rate([8, 0, 9], [10, 0, 10]) == pytest.approx(17 / 20)
    with pytest.raises(ValueError, match="no observations"):
        pooled_rate([0, 0], [0, 0])
    rolled = rolling_pooled_rate([1, 0, 0, 3], [2, 0, 0, 4], window=2)
    assert rolled.isna().tolist() == [True, False, True, False]
    assert rolled.iloc[1] == pytest.approx(0.5) and rolled.iloc[3] == pytest.approx(0.75)


def test_overdispersion_test_by_hand():
    from evaluation.methods.proportions import overdispersion_test

    # 80, 85, 90, 70 of 100 around 0.8: se 0.04, z = 0, 1.25, 2.5, -2.5. Winsorised at the
    # 10th and 90th percentiles (-1.75 and 2.125 by linear interpolation): squares 0,
    # 1.5625, 4.515625, 3.0625; phi = 2.28515625; I x phi = 9.140625 on 3 df, whose
    # chi-squared upper tail is 0.02748 (tables: 9.14 lies between 7.81 at 0.05 and 9.35
    # at 0.025)
    t = overdispersion_test([80, 85, 90, 70], [100] * 4, 0.8)
    assert t.phi == pytest.approx(2.28515625)
    assert t.statistic == pytest.approx(9.140625) and t.df == 3
    assert 0.025 < t.p_value < 0.05 and t.p_value == pytest.approx(0.02748, abs=5e-5)
    assert t.present
    calm = overdispersion_test([79, 81, 80, 80], [100] * 4, 0.8)
    assert not calm.present and calm.p_value > 0.5
