"""XmR charts with Making Data Count rules (NHSRplotthedots 0.2.2)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.methods.spc import _part_of_run, _shift_ends, _trend_ends, _two_of_three, xmr

DATA = Path(__file__).resolve().parents[2] / "data" / "spc"
ISSUE_VALUES = [89, 86, 75, 77, 81, 74, 72, 78, 76, 82, 77, 54, 66, 77, 86]


def _quiet_xmr(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(*args, **kwargs)


# --------------------------------------------------------------------------- reference values
def test_xmr_matches_issue_reference_limits():
    r = xmr(ISSUE_VALUES, improvement="increase")
    assert r.points["mean"].iloc[0] == pytest.approx(76.6666666667, abs=1e-9)
    assert r.points["lpl"].iloc[0] == pytest.approx(57.0966666667, abs=1e-9)
    assert r.points["upl"].iloc[0] == pytest.approx(96.2366666667, abs=1e-9)


def test_xmr_flags_only_point_12_as_outside_limits_concern():
    r = xmr(ISSUE_VALUES, improvement="increase")
    expected_cause = [None] * 15
    expected_cause[11] = "outside limits"
    expected_variation = ["common cause"] * 15
    expected_variation[11] = "concern"
    assert r.points["special_cause"].tolist() == expected_cause
    assert r.points["variation"].tolist() == expected_variation
    assert r.latest_variation == "common cause"
    assert r.assurance is None
    assert r.warnings == ()


def test_xmr_points_frame_has_the_documented_columns_and_input_index():
    idx = pd.date_range("2023-01-01", periods=15, freq="MS")
    r = xmr(pd.Series(ISSUE_VALUES, index=idx))
    assert list(r.points.columns) == ["value", "mean", "lpl", "upl", "special_cause",
                                     "signal", "variation"]
    pd.testing.assert_index_equal(r.points.index, idx)


def _nhsr_values() -> np.ndarray:
    return pd.read_csv(DATA / "nhsr_rnorm_seed123.csv", comment="#")["y"].to_numpy()


def _nhsr_expected() -> pd.DataFrame:
    return pd.read_csv(DATA / "nhsr_expected.csv", comment="#").set_index("case")


def _signif(x: float, digits: int = 3) -> float:
    return float(f"{x:.{digits}g}")


def test_xmr_reproduces_nhsrplotthedots_snapshot_for_seeded_normal_data():
    expected = _nhsr_expected().loc["all"]
    r = xmr(_nhsr_values())
    first = r.points.iloc[0]
    assert _signif(first["mean"]) == expected["mean"]
    assert _signif(first["lpl"]) == expected["lpl"]
    assert _signif(first["upl"]) == expected["upl"]
    assert (r.points["variation"] == "common cause").sum() == expected["common_cause"]


def test_xmr_rebased_periods_match_nhsrplotthedots_facet_snapshot():
    expected = _nhsr_expected()
    with pytest.warns(UserWarning, match="trial limits"):
        r = xmr(_nhsr_values(), rebase_at=[10])
    for case, row in (("first10", 0), ("last10", 10)):
        got = r.points.iloc[row]
        assert _signif(got["mean"]) == expected.loc[case, "mean"]
        assert _signif(got["lpl"]) == expected.loc[case, "lpl"]
        assert _signif(got["upl"]) == expected.loc[case, "upl"]
    assert r.rebase_group == (0,) * 10 + (1,) * 10
    assert (r.points["variation"] == "common cause").all()


def test_two_of_three_needs_points_on_the_same_side_of_the_mean():
    # NHSRplotthedots test-ptd_spc_standard.R: symmetrical data, then two successive points
    # close to the limits on opposite sides of the mean are both common cause.
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    r = xmr(data)
    assert r.points["variation"].tail(2).tolist() == ["common cause", "common cause"]


# NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R: rule helper vectors.
@pytest.mark.parametrize(
    ("side", "expected"),
    [
        ([1] * 6, [0] * 6),
        ([1] * 6 + [-1], [0] * 7),
        ([1] * 8 + [-1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
        ([-1] * 8 + [1], [0, 0, 0, 0, 0, 0, 1, 1, 0]),
        ([-1] + [1] * 8 + [-1], [0, 0, 0, 0, 0, 0, 0, 1, 1, 0]),
    ],
)
def test_shift_end_flags_match_nhsrplotthedots(side, expected):
    assert _shift_ends(np.array(side)).astype(int).tolist() == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (list(range(1, 7)), [0] * 6),
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        (list(range(1, 8)), [0, 0, 0, 0, 0, 0, 1]),
        ([2, *range(1, 8), 3], [0, 0, 0, 0, 0, 0, 0, 1, 0]),
        (list(range(7, 0, -1)), [0, 0, 0, 0, 0, 0, -1]),
        ([2, *range(7, 0, -1), 3], [0, 0, 0, 0, 0, 0, 0, -1, 0]),
    ],
)
def test_trend_end_flags_match_nhsrplotthedots(values, expected):
    assert _trend_ends(np.array(values, dtype=float)).tolist() == expected


def test_part_of_run_marks_the_six_points_before_each_run_end():
    ends = np.array([0, 0, 0, 0, 0, 0, 0, 1, 0])
    assert _part_of_run(ends).astype(int).tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 0]


@pytest.mark.parametrize(
    ("close", "expected"),
    [
        ([1, 0, 1], [1, 0, 1]),
        ([0, 1, 1], [0, 1, 1]),
        ([1, 1, 0], [1, 1, 0]),
        ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
        ([1, 0, 0, 1], [0, 0, 0, 0]),
        ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1]),
    ],
)
def test_two_of_three_flags_match_nhsrplotthedots(close, expected):
    # all points on the same side of the mean, as in the package's helper tests
    c = np.array(close, dtype=bool)
    assert _two_of_three(c, np.ones(c.size, dtype=int)).astype(int).tolist() == expected


# --------------------------------------------------------------------------- rules in xmr
def test_shift_of_seven_points_above_mean_is_special_cause_improvement():
    values = [10, 12, 9, 11, 10, 8, 12, 9, 11, 10, 12.5, 12.5, 12.5, 12.5, 12.5, 12.5, 12.5]
    r = xmr(values, improvement="increase")
    assert r.points["special_cause"].tail(7).tolist() == ["shift"] * 7
    assert r.points["variation"].tail(7).tolist() == ["improvement"] * 7


def test_point_on_the_mean_breaks_a_shift():
    values = [3, 1, 3, 0, 1, 3, 1, -3, -1, -3, -1, -3, -1]
    # the mean is exactly 0, so the fourth point sits on it and splits 7 high points in two
    r = xmr(values)
    assert r.points["mean"].iloc[0] == 0.0
    assert r.points["special_cause"].isna().all()
    nudged = list(values)
    nudged[3] = 0.5
    assert xmr(nudged).points["special_cause"].head(7).tolist() == ["shift"] * 7


def test_trend_of_seven_rising_points_is_flagged_and_ties_break_it():
    rising = [5, 4, 6, 5, 4, 1, 2, 3, 4, 5, 6, 7, 5, 4, 6]
    r = xmr(rising, improvement="decrease")
    causes = r.points["special_cause"].tolist()
    assert causes[5:12] == ["trend"] * 7
    tied = [5, 4, 6, 5, 4, 1, 2, 3, 3, 5, 6, 7, 5, 4, 6]
    assert "trend" not in xmr(tied, improvement="decrease").points["special_cause"].tolist()


def test_trend_points_take_the_direction_of_the_trend_not_their_side_of_the_mean():
    # NHSRplotthedots issue #171, fixed in PR #180 to agree with the Making Data Count Excel
    # tool: a rising trend is an improvement when higher is better, wherever its points lie
    rising = [5, 4, 6, 5, 4, 1, 2, 3, 4, 5, 6, 7, 5, 4, 6]
    r = xmr(rising, improvement="increase")
    trend = r.points.iloc[5:12]
    assert (trend["value"] < trend["mean"]).any() and (trend["value"] > trend["mean"]).any()
    assert trend["variation"].tolist() == ["improvement"] * 7
    assert trend["signal"].tolist() == ["rising trend"] * 7
    assert xmr(rising, improvement="decrease").points["variation"].iloc[5:12].tolist() == (
        ["concern"] * 7)


def test_a_falling_trend_above_the_mean_is_a_concern_when_higher_is_better():
    # the case of issue #171: before PR #180 the points above the mean were "improvement"
    values = [10, 14, 6] * 4 + [13, 12.5, 12, 11.5, 11, 10.6, 10.3, 10, 14, 6]
    p = xmr(values, improvement="increase").points
    trend = p.iloc[12:20]
    assert trend["special_cause"].tolist() == ["trend"] * 8
    assert (trend["value"].iloc[:6] > trend["mean"].iloc[:6]).all()
    assert trend["variation"].tolist() == ["concern"] * 8
    assert p["variation"].iloc[20:].tolist() == ["common cause"] * 2


def test_a_point_ending_one_trend_and_starting_another_takes_the_later_trend():
    # 13 falling to 7 then rising to 13: 7 ends the fall and starts the rise; as in
    # NHSRplotthedots (the step to the next trend point decides) it belongs to the rise
    values = [10, 18, 2] * 4 + [13, 12, 11, 10, 9, 8, 7, 8, 9, 10, 11, 12, 13, 10, 18, 2]
    p = xmr(values, improvement="increase").points
    assert p["signal"].iloc[12:25].tolist() == ["falling trend"] * 6 + ["rising trend"] * 7
    assert p["variation"].iloc[12:25].tolist() == ["concern"] * 6 + ["improvement"] * 7


def test_signal_names_the_rule_and_its_direction():
    values = [10, 14, 6] * 4 + [8, 9, 10, 11, 12, 13, 40]
    p = xmr(values).points
    assert p["signal"].iloc[-1] == "above the upper limit"
    assert p["signal"].iloc[-7:-1].tolist() == ["rising trend"] * 6
    assert p["signal"].iloc[0] is None


def test_two_of_three_close_to_lower_limit_is_concern_when_higher_is_better():
    values = [10, 11, 9] * 4 + [10, 6, 9, 6, 10, 11]
    r = xmr(values, improvement="increase")
    p = r.points
    amr = (p["upl"].iloc[0] - p["mean"].iloc[0]) / 2.66
    assert p["lpl"].iloc[0] < 6 < p["mean"].iloc[0] - (2 / 3) * 2.66 * amr
    assert p["special_cause"].iloc[[13, 15]].tolist() == ["two of three"] * 2
    assert p["variation"].iloc[[13, 15]].tolist() == ["concern"] * 2
    assert p["special_cause"].iloc[14] is None


def test_outside_limits_takes_precedence_over_other_rules():
    values = [10, 14, 6] * 4 + [8, 9, 10, 11, 12, 13, 40]
    r = xmr(values)
    # 40 ends a 7-point rise and is above the upper limit: it is labelled "outside limits"
    assert r.points["value"].iloc[-1] > r.points["upl"].iloc[-1]
    assert r.points["special_cause"].iloc[-1] == "outside limits"
    assert r.points["special_cause"].iloc[-7:-1].tolist() == ["trend"] * 6


def test_neutral_improvement_labels_special_cause_as_neutral_and_skips_assurance():
    r = xmr(ISSUE_VALUES, improvement="neutral", target=80)
    assert r.points["variation"].iloc[11] == "neutral"
    assert r.assurance is None


def test_screening_removes_large_moving_ranges_from_the_limits():
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 30, 10, 11, 9]
    screened = xmr(values, screen_outliers=True).points.iloc[0]
    unscreened = xmr(values, screen_outliers=False).points.iloc[0]
    mr = np.abs(np.diff(values))
    kept = mr[mr < 3.267 * mr.mean()]
    assert screened["upl"] == pytest.approx(np.mean(values) + 2.66 * kept.mean(), abs=1e-9)
    assert unscreened["upl"] == pytest.approx(np.mean(values) + 2.66 * mr.mean(), abs=1e-9)
    assert screened["upl"] - screened["lpl"] < unscreened["upl"] - unscreened["lpl"]


def test_fix_after_n_points_uses_only_the_baseline_points():
    values = ISSUE_VALUES + [90, 95, 99, 97, 96]
    r = xmr(values, fix_after_n_points=15)
    base = xmr(ISSUE_VALUES).points.iloc[0]
    assert r.points["mean"].iloc[-1] == pytest.approx(base["mean"], abs=1e-9)
    assert r.points["upl"].iloc[-1] == pytest.approx(base["upl"], abs=1e-9)


def test_rebase_at_accepts_dates_when_values_have_a_date_index():
    idx = pd.date_range("2022-01-01", periods=30, freq="MS")
    values = pd.Series(np.r_[np.tile([10.0, 11, 9], 5), np.tile([20.0, 21, 19], 5)], index=idx)
    r = xmr(values, rebase_at=[pd.Timestamp("2023-04-01")])
    assert r.points["mean"].iloc[0] == pytest.approx(10.0)
    assert r.points["mean"].iloc[-1] == pytest.approx(20.0)


# --------------------------------------------------------------------------- assurance
@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        ("increase", 50, "pass"),
        ("increase", 100, "fail"),
        ("increase", 80, "inconsistent"),
        ("decrease", 50, "fail"),
        ("decrease", 100, "pass"),
        ("decrease", 96.2366666667 - 1e-6, "inconsistent"),
    ],
)
def test_assurance_compares_target_with_limits_at_the_last_point(improvement, target, expected):
    assert xmr(ISSUE_VALUES, improvement=improvement, target=target).assurance == expected


def test_assurance_uses_the_limits_of_the_last_rebased_period():
    values = [10.0, 11, 9] * 5 + [20.0, 21, 19] * 5
    r = xmr(values, improvement="increase", target=15, rebase_at=[15])
    assert r.assurance == "pass"


# --------------------------------------------------------------------------- warnings / input
def test_fewer_than_twelve_points_warns_about_trial_limits():
    with pytest.warns(UserWarning, match="trial limits"):
        r = xmr([1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3])
    assert r.trial_limits and len(r.warnings) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1]}, "at least 2"),
        ({"values": [1, np.nan, 3]}, "missing"),
        ({"values": ["a", "b"]}, "numbers"),
        ({"values": ISSUE_VALUES, "improvement": "up"}, "improvement"),
        ({"values": ISSUE_VALUES, "target": "high"}, "target"),
        ({"values": ISSUE_VALUES, "fix_after_n_points": 1}, "fix_after_n_points"),
        ({"values": ISSUE_VALUES, "rebase_at": [0]}, "after the first value"),
        ({"values": ISSUE_VALUES, "rebase_at": [14]}, "fewer than 2"),
        ({"values": ISSUE_VALUES, "rebase_at": ["2020-01"]}, "neither"),
        ({"values": ISSUE_VALUES, "screen_outliers": "yes"}, "screen_outliers"),
        ({"values": [0.2, 1.2, 0.5], "bounds": (0, 1)}, "within bounds"),
        ({"values": ISSUE_VALUES, "bounds": (100, 0)}, "below the upper bound"),
        ({"values": ISSUE_VALUES, "bounds": (0,)}, "pair"),
        ({"values": ISSUE_VALUES, "bounds": ("low", None)}, "numbers or None"),
    ],
)
def test_xmr_rejects_invalid_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        _quiet_xmr(**kwargs)


def test_bounds_clip_the_process_limits_to_the_natural_range_of_a_proportion():
    # 0.01, 0.05 alternating: mean 0.03, every moving range 0.04, so the unclipped limits are
    # 0.03 -/+ 2.66 x 0.04 = -0.0764 and 0.1364; only the lower one lies outside (0, 1).
    values = [0.01, 0.05] * 6
    r = _quiet_xmr(values, bounds=(0, 1))
    assert np.allclose(r.points["lpl"], 0.0)
    assert np.allclose(r.points["upl"], 0.1364)
    assert np.allclose(r.points["mean"], 0.03)


def test_bounds_change_only_the_limits_shown_not_the_rules_or_the_assurance():
    values = [0.02, 0.04, 0.03, 0.05, 0.01, 0.04, 0.03, 0.02, 0.05, 0.04, 0.03, 0.2]
    plain = _quiet_xmr(values, target=0.0, improvement="decrease")
    clipped = _quiet_xmr(values, target=0.0, improvement="decrease", bounds=(0, 1))
    assert plain.points["lpl"].iloc[-1] < 0 and clipped.points["lpl"].iloc[-1] == 0
    # the target 0 lies between the unclipped limits (inconsistent); were the clipped limit
    # used, 0 would sit on the limit, not below it, so the verdict is the same either way
    assert clipped.assurance == plain.assurance == "inconsistent"
    pd.testing.assert_frame_equal(clipped.points.drop(columns="lpl"),
                                  plain.points.drop(columns="lpl"))
    assert clipped.points["special_cause"].iloc[-1] == "outside limits"


def test_bounds_with_one_open_end_clip_only_the_other():
    r = _quiet_xmr([1.0, 3.0] * 6, bounds=(0, None))  # mean 2, limits 2 -/+ 5.32
    assert r.points["lpl"].iloc[0] == 0 and r.points["upl"].iloc[0] == pytest.approx(7.32)


# --------------------------------------------------------------------------- properties
values_strategy = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=12, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(values=values_strategy)
def test_xmr_mean_lies_within_process_limits(values):
    p = xmr(values).points
    assert np.all(p["lpl"] <= p["mean"]) and np.all(p["mean"] <= p["upl"])
    assert p["mean"].iloc[0] == pytest.approx(np.mean(values), rel=1e-9, abs=1e-6)


@settings(max_examples=150, deadline=None)
@given(values=values_strategy, improvement=st.sampled_from(["increase", "decrease", "neutral"]))
def test_xmr_labels_are_consistent(values, improvement):
    p = xmr(values, improvement=improvement).points
    common = p["special_cause"].isna()
    assert (p.loc[common, "variation"] == "common cause").all()
    assert (p.loc[~common, "variation"] != "common cause").all()
    outside = (p["value"] > p["upl"]) | (p["value"] < p["lpl"])
    assert (p.loc[outside, "special_cause"] == "outside limits").all()


def test_a_phase_that_is_mostly_special_cause_is_not_stable():
    import warnings as _w

    with _w.catch_warnings():
        _w.simplefilter("ignore", UserWarning)
        drift = xmr([100 - 2 * i for i in range(24)], improvement="increase")
        steady = xmr([10, 11, 9] * 8)
        # 20 steady months then one far out: the outlier pulls the mean so every other month
        # sits below it (a shift it creates); without it the phase is stable
        outlier = xmr([10.0, 11.0] * 10 + [30.0])
        step = xmr([10, 11, 9] * 4 + [20, 21, 19] * 4)  # an unrecorded change half way
        rebased = xmr([10, 11, 9] * 4 + [20, 21, 19] * 4, rebase_at=[12],
                      reasons=["new rota"])
    assert drift.points["special_cause"].notna().all() and drift.mostly_special_cause
    assert not steady.mostly_special_cause
    assert outlier.points["special_cause"].notna().sum() > 10
    assert not outlier.mostly_special_cause
    assert step.mostly_special_cause
    assert not rebased.mostly_special_cause  # the recorded phase explains it
    phases = rebased.phases()
    assert phases["reason"].tolist() == ["", "new rota"]
    assert phases["points"].tolist() == [12, 12]


def test_reasons_must_match_the_rebase_points():
    with pytest.raises(ValueError, match="one reason per rebase point"):
        xmr([1.0, 2.0, 3.0, 4.0], rebase_at=[2], reasons=["a", "b"])
