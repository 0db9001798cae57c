"""Erlang C and Erlang A staffing formulas."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.methods.queueing import agents_for_target, erlang_a, erlang_c, traffic_intensity

DATA = Path(__file__).resolve().parents[2] / "data" / "calls"
TIGHT = 1e-9


# --------------------------------------------------------------------------- Erlang C
def test_erlang_c_matches_issue_reference():
    r = erlang_c(calls=100, interval_s=1800, aht_s=180, agents=14, target_s=20)
    assert r.probability_wait == pytest.approx(0.1741319336, abs=TIGHT)
    assert r.service_level == pytest.approx(0.8883500192, abs=TIGHT)
    assert r.asa_s == pytest.approx(7.835937, abs=1e-6)
    assert r.occupancy == pytest.approx(10 / 14, abs=TIGHT)


def test_agents_for_target_finds_fourteen_agents_for_80_in_20():
    r = agents_for_target(100, 1800, 180, target_service_level=0.8, target_s=20)
    assert (r.agents, r.positions) == (14, 14)
    assert erlang_c(100, 1800, 180, 13, 20).service_level < 0.8 <= r.service_level


@pytest.mark.parametrize(
    "row", pd.read_csv(DATA / "pyworkforce_expected.csv", comment="#").to_dict("records")
)
def test_agents_for_target_matches_pyworkforce(row):
    r = agents_for_target(
        100, 1800, 180, target_service_level=0.8, target_s=20, shrinkage=0.3,
        max_occupancy=row["max_occupancy"],
    )
    assert r.agents == row["raw_positions"]
    assert r.positions == row["positions"]
    assert round(r.service_level, 3) == row["service_level"]
    assert round(r.occupancy, 3) == row["occupancy"]
    assert round(r.probability_wait, 3) == row["waiting_probability"]


def test_positions_round_up_without_floating_point_dust():
    # 14 / (1 - 0.3) is 20.000000000000004 in floating point; it must give 20 positions
    r = agents_for_target(100, 1800, 180, 0.8, 20, shrinkage=0.3)
    assert r.positions == 20


def test_erlang_c_asa_and_service_level_follow_the_textbook_formulas():
    r = erlang_c(100, 1800, 180, 12, 15)
    a = 10.0
    # Erlang C from the direct series, independent of the recursion used in the code
    top = a**12 / math.factorial(12) * 12 / (12 - a)
    pw = top / (sum(a**k / math.factorial(k) for k in range(12)) + top)
    assert r.probability_wait == pytest.approx(pw, abs=TIGHT)
    assert r.service_level == pytest.approx(1 - pw * math.exp(-(12 - a) * 15 / 180), abs=TIGHT)
    assert r.asa_s == pytest.approx(pw * 180 / (12 - a), abs=TIGHT)


@settings(max_examples=100, deadline=None)
@given(
    calls=st.integers(1, 2000),
    aht=st.floats(10, 900),
    target=st.floats(0, 120),
)
def test_service_level_rises_and_asa_falls_with_agents(calls, aht, target):
    traffic = traffic_intensity(calls, 1800, aht)
    c = math.floor(traffic) + 1
    levels = [erlang_c(calls, 1800, aht, k, target) for k in range(c, c + 6)]
    for lo, hi in zip(levels, levels[1:], strict=False):
        assert hi.service_level >= lo.service_level - 1e-12
        assert hi.asa_s <= lo.asa_s + 1e-12
        assert 0 <= hi.probability_wait <= 1


@settings(max_examples=50, deadline=None)
@given(calls=st.integers(1, 1000), aht=st.floats(30, 600), goal=st.floats(0.5, 0.95))
def test_agents_for_target_is_the_fewest_agents_meeting_the_goal(calls, aht, goal):
    r = agents_for_target(calls, 1800, aht, goal, 20)
    assert r.service_level >= goal - 1e-12
    if r.agents - 1 > traffic_intensity(calls, 1800, aht):
        assert erlang_c(calls, 1800, aht, r.agents - 1, 20).service_level < goal


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agents": 10}, "must exceed the traffic"),
        ({"agents": 0}, "at least 1"),
        ({"agents": 14.5}, "whole number"),
        ({"calls": -1}, "calls"),
        ({"aht_s": 0}, "aht_s"),
        ({"interval_s": -5}, "interval_s"),
        ({"target_s": -1}, "target_s"),
    ],
)
def test_erlang_c_rejects_invalid_input(kwargs, message):
    args = {"calls": 100, "interval_s": 1800, "aht_s": 180, "agents": 14, "target_s": 20}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        erlang_c(**args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"target_service_level": 1.2}, "target_service_level"),
        ({"target_service_level": 1.0}, "cannot be reached"),
        ({"shrinkage": 1.0}, "shrinkage"),
        ({"shrinkage": -0.1}, "shrinkage"),
        ({"max_occupancy": 0}, "max_occupancy"),
    ],
)
def test_agents_for_target_rejects_invalid_input(kwargs, message):
    args = {
        "calls": 100, "interval_s": 1800, "aht_s": 180, "target_service_level": 0.8,
        "target_s": 20,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        agents_for_target(**args)


# --------------------------------------------------------------------------- Erlang A
def test_erlang_a_matches_pyworkforce_exact_metrics():
    ref = pd.read_csv(DATA / "pyworkforce_erlang_a_expected.csv", comment="#")
    r = erlang_a(calls=100, interval_s=1800, aht_s=180, agents=14, target_s=20, patience_s=300)
    got = {
        "probability_wait": r.probability_wait,
        "probability_abandon": r.probability_abandon,
        "occupancy": r.occupancy,
        "asa_minutes": r.asa_s / 60,
        "service_level_offered": r.service_level_offered,
    }
    for row in ref.itertuples():
        assert round(got[row.metric], int(row.decimals)) == pytest.approx(row.expected, abs=1e-12)


@pytest.mark.parametrize("agents", [15, 20, 25])
def test_erlang_a_converges_to_erlang_c_for_very_patient_callers(agents):
    a = erlang_a(100, 1800, 180, agents, 20, patience_s=1e9)
    c = erlang_c(100, 1800, 180, agents, 20)
    assert a.probability_wait == pytest.approx(c.probability_wait, abs=1e-6)
    assert a.service_level_offered == pytest.approx(c.service_level, abs=1e-6)
    assert a.asa_s == pytest.approx(c.asa_s, abs=1e-4)
    assert a.probability_abandon < 1e-6


def test_erlang_a_is_consistent_with_littles_law_and_abandonment_balance():
    r = erlang_a(100, 1800, 180, 12, 20, patience_s=120)
    lam = 100 / 1800
    assert r.asa_s == pytest.approx(r.mean_queue_length / lam, rel=1e-12)
    assert r.probability_abandon == pytest.approx(r.mean_queue_length / 120 / lam, rel=1e-12)
    assert r.service_level_answered == pytest.approx(
        r.service_level_offered / (1 - r.probability_abandon), rel=1e-12
    )


def test_erlang_a_allows_fewer_agents_than_traffic():
    r = erlang_a(100, 1800, 180, 8, 20, patience_s=60)
    assert 0 < r.probability_abandon < 1
    assert r.occupancy <= 1


def test_erlang_a_service_level_at_zero_seconds_is_the_share_answered_at_once():
    r = erlang_a(100, 1800, 180, 12, 0, patience_s=120)
    assert r.service_level_offered == pytest.approx(1 - r.probability_wait, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    calls=st.integers(10, 400),
    aht=st.floats(60, 400),
    patience=st.floats(10, 600),
    target=st.floats(0, 60),
)
def test_erlang_a_measures_are_probabilities_and_improve_with_agents(
    calls, aht, patience, target
):
    traffic = traffic_intensity(calls, 1800, aht)
    start = max(1, math.floor(traffic) - 2)
    results = [erlang_a(calls, 1800, aht, k, target, patience) for k in range(start, start + 4)]
    for r in results:
        for v in (r.probability_wait, r.probability_abandon, r.service_level_offered,
                  r.service_level_answered, r.occupancy):
            assert -1e-12 <= v <= 1 + 1e-9
    for lo, hi in zip(results, results[1:], strict=False):
        assert hi.service_level_offered >= lo.service_level_offered - 1e-9
        assert hi.probability_abandon <= lo.probability_abandon + 1e-12


def test_less_patient_callers_abandon_more():
    assert (
        erlang_a(100, 1800, 180, 12, 20, patience_s=30).probability_abandon
        > erlang_a(100, 1800, 180, 12, 20, patience_s=600).probability_abandon
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"patience_s": 0}, "patience_s"),
        ({"agents": 0}, "at least 1"),
        ({"target_s": -1}, "target_s"),
        ({"calls": "many"}, "calls"),
    ],
)
def test_erlang_a_rejects_invalid_input(kwargs, message):
    args = {
        "calls": 100, "interval_s": 1800, "aht_s": 180, "agents": 14, "target_s": 20,
        "patience_s": 300,
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        erlang_a(**args)
