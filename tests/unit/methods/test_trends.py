"""Mann-Kendall trend test, seasonal variant and Sen's slope."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from evaluation.methods.trends import mann_kendall

DATA = Path(__file__).resolve().parents[2] / "data" / "trends"
REF = 1e-6


def _bogra() -> pd.Series:
    return pd.read_csv(DATA / "monthly_rainfall.csv", comment="#")["Bogra"]


def _expected(test: str) -> pd.Series:
    table = pd.read_csv(DATA / "pymannkendall_expected.csv", comment="#").set_index("test")
    return table.loc[test]


def test_mann_kendall_matches_issue_reference():
    r = mann_kendall([1, 3, 2, 5, 4, 6, 8, 7, 9, 10])
    assert r.s == 39
    assert r.var_s == pytest.approx(125, abs=REF)
    assert r.z == pytest.approx(3.3988233258, abs=REF)
    assert r.p_value == pytest.approx(0.00067676418, abs=REF)
    assert r.sen_slope == pytest.approx(1.0, abs=REF)
    assert r.tau == pytest.approx(39 / 45, abs=1e-12)
    assert r.trend == "increasing"


def test_mann_kendall_matches_pymannkendall_original_test_on_rainfall():
    exp = _expected("original")
    r = mann_kendall(_bogra())
    assert r.s == exp["s"]
    assert r.var_s == pytest.approx(exp["var_s"], abs=REF)
    assert r.z == pytest.approx(exp["z"], abs=REF)
    assert r.p_value == pytest.approx(exp["p_value"], abs=REF)
    assert r.tau == pytest.approx(exp["tau"], abs=REF)
    assert r.n == 353


def test_sen_slope_matches_pymannkendall_on_the_series_it_used():
    # pyMannKendall renumbers time after dropping missing months
    r = mann_kendall(_bogra().dropna().reset_index(drop=True))
    assert r.sen_slope == pytest.approx(_expected("original")["sen_slope"], abs=REF)


def test_seasonal_mann_kendall_matches_pymannkendall_seasonal_test():
    exp = _expected("seasonal")
    r = mann_kendall(_bogra(), period=12)
    assert r.s == exp["s"]
    assert r.var_s == pytest.approx(exp["var_s"], abs=REF)
    assert r.z == pytest.approx(exp["z"], abs=REF)
    assert r.p_value == pytest.approx(exp["p_value"], abs=REF)
    assert r.tau == pytest.approx(exp["tau"], abs=REF)
    assert r.trend == "decreasing"


def test_seasonal_sen_slope_per_year_matches_pymannkendall_on_complete_years():
    years = _bogra().to_numpy().reshape(30, 12)
    complete = years[~np.isnan(years).any(axis=1)].ravel()
    r = mann_kendall(complete, period=12)
    assert r.sen_slope == pytest.approx(_expected("seasonal")["sen_slope"], abs=REF)


def test_seasonal_slope_is_per_cycle_not_per_observation():
    # each month rises by 12 units a year, with a different level per month
    months = np.tile(np.arange(12) * 100.0, 5)
    years = np.repeat(np.arange(5) * 12.0, 12)
    r = mann_kendall(months + years, period=12)
    assert r.sen_slope == pytest.approx(12.0)


def test_missing_values_keep_their_time_position_in_sen_slope():
    r = mann_kendall([1.0, np.nan, 3.0, 4.0])
    assert r.sen_slope == pytest.approx(1.0)
    assert r.n == 3


def test_tied_values_reduce_the_variance():
    no_ties = mann_kendall([1, 2, 3, 4, 5, 6])
    ties = mann_kendall([1, 2, 2, 4, 5, 5])
    assert ties.var_s == pytest.approx(no_ties.var_s - 2 * (2 * 1 * 9) / 18)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=3, max_size=40).filter(lambda v: len(set(v)) > 1))
def test_mann_kendall_s_agrees_with_scipy_kendall_tau(values):
    r = mann_kendall(values)
    tau_b = stats.kendalltau(np.arange(len(values)), values).statistic
    n = len(values)
    _, counts = np.unique(values, return_counts=True)
    ties = (counts * (counts - 1) / 2).sum()
    pairs = n * (n - 1) / 2
    assert r.s == pytest.approx(tau_b * np.sqrt(pairs * (pairs - ties)), abs=1e-6)
    assert 0 <= r.p_value <= 1


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-1000, 1000), min_size=3, max_size=40).filter(lambda v: len(set(v)) > 1),
    st.integers(1, 10),
)
def test_sen_slope_of_added_linear_trend_shifts_by_that_trend(values, slope):
    base = mann_kendall(values).sen_slope
    trended = np.asarray(values, dtype=float) + slope * np.arange(len(values))
    assert mann_kendall(trended).sen_slope == pytest.approx(base + slope, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, 2]}, "at least 3"),
        ({"values": [2, 2, 2, 2]}, "tied"),
        ({"values": [1, np.inf, 3]}, "infinite"),
        ({"values": ["a", "b", "c"]}, "numbers"),
        ({"values": [1, 2, 3], "period": 1}, "period"),
        ({"values": [1, 2, 3], "alpha": 0}, "alpha"),
        ({"values": [1, 2, 3, 4], "period": 4}, "season"),
    ],
)
def test_mann_kendall_rejects_invalid_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mann_kendall(**kwargs)
