"""Erlang C and Erlang A staffing formulas."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.methods.queueing import (
    agents_for_target,
    erlang_a,
    erlang_c,
    estimate_patience,
    traffic_intensity,
)

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
        # pyworkforce's "ASA" is Lq / lambda: the mean wait of all callers (our mean_wait_s)
        "asa_minutes": r.mean_wait_s / 60,
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
    assert r.mean_wait_s == pytest.approx(r.mean_queue_length / lam, rel=1e-12)
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


# --------------------------------------------------------------------------- ASA of answered calls
def _independent_erlang_a(calls: float, interval_s: float, aht_s: float, agents: int,
                          patience_s: float, states: int = 600) -> dict[str, float]:
    """Erlang A solved another way, for reference: the stationary distribution from the
    birth-death balance equations (truncated far out), then each arriving caller's *offered*
    wait V (the time until service were they infinitely patient: from j callers ahead it is
    a sum of independent exponentials with rates c mu + i theta, i = j..1, then c mu) and
    the closed forms for exponential patience tau independent of V: the caller is answered
    when V <= tau, so P(answered) = E[exp(-theta V)] and E[wait; answered] =
    E[V exp(-theta V)] = sum over the stages of LT * 1 / (rate + theta)."""
    lam, mu, theta, c = calls / interval_s, 1 / aht_s, 1 / patience_s, agents
    weights = [1.0]
    for n in range(1, states):
        weights.append(weights[-1] * lam / (min(n, c) * mu + max(n - c, 0) * theta))
    total = sum(weights)
    p = [w / total for w in weights]
    answered = sum(p[:c])
    wait_answered = 0.0
    wait_all = 0.0
    for j in range(states - c):
        rates = [c * mu] + [c * mu + i * theta for i in range(1, j + 1)]
        lt = math.prod(r / (r + theta) for r in rates)
        answered += p[c + j] * lt
        wait_answered += p[c + j] * lt * sum(1 / (r + theta) for r in rates)
        wait_all += p[c + j] * (1 - lt) / theta  # E[min(V, tau)]
    return {"asa_s": wait_answered / answered, "mean_wait_s": wait_all,
            "probability_abandon": 1 - answered}


@pytest.mark.parametrize(("calls", "interval_s", "aht_s", "agents", "patience_s"), [
    (83.3, 3600, 240, 9, 120),     # the issue's example
    (100, 1800, 180, 12, 120),
    (400, 3600, 420, 40, 240),     # a busy 101 hour
    (60, 3600, 200, 3, 45),        # 999-like: impatient callers, few handlers
    (300, 3600, 300, 20, 600),     # fewer handlers than traffic: abandonment keeps it finite
])
def test_erlang_a_asa_is_the_mean_wait_of_answered_calls(calls, interval_s, aht_s, agents,
                                                         patience_s):
    ref = _independent_erlang_a(calls, interval_s, aht_s, agents, patience_s)
    r = erlang_a(calls, interval_s, aht_s, agents, 30, patience_s)
    assert r.asa_s == pytest.approx(ref["asa_s"], rel=1e-8)
    assert r.mean_wait_s == pytest.approx(ref["mean_wait_s"], rel=1e-8)
    assert r.probability_abandon == pytest.approx(ref["probability_abandon"], rel=1e-8)


def test_erlang_a_asa_matches_the_issue_reference_values():
    # 83.3 calls an hour, 240 s handling, 9 agents, 120 s mean patience: "about 2.44 s"
    # for answered calls, against 3.14 s for all callers (issue 12)
    r = erlang_a(83.3, 3600, 240, 9, 30, 120)
    assert r.asa_s == pytest.approx(2.44, abs=0.015)
    assert r.mean_wait_s == pytest.approx(3.14, abs=0.015)


# --------------------------------------------------------------------------- patience
def test_patience_is_total_wait_over_abandonments_hand_worked():
    # four calls: answered after 10 s and 30 s (censored: they would have waited longer),
    # abandoned after 20 s and 40 s; total waiting 100 s over 2 abandonments = 50 s
    assert estimate_patience([10, 20, 30, 40], [False, True, False, True]) == 50.0
    # a call answered at once adds no waiting but is still a caller: 100 / 2 again
    assert estimate_patience([0, 10, 20, 30, 40], [0, 0, 1, 0, 1]) == 50.0


def test_patience_recovers_the_true_mean_of_simulated_exponential_callers():
    import numpy as np

    rng = np.random.default_rng(12)
    patience = rng.exponential(180.0, 200_000)
    offered_wait = rng.exponential(60.0, 200_000)  # independent of patience
    waits = np.minimum(patience, offered_wait)
    assert estimate_patience(waits, patience < offered_wait) == pytest.approx(180.0, rel=0.01)


@pytest.mark.parametrize(("waits", "abandoned", "message"), [
    ([10, 20], [False, False], "no call was abandoned among 2"),
    ([10, -1], [True, False], "not negative"),
    ([10, float("nan")], [True, False], "finite"),
    ([10, 20], [True], "same length"),
    ([], [], "no calls"),
    ([10, 20], [2, 0], "True/False"),
])
def test_patience_rejects_what_it_cannot_estimate(waits, abandoned, message):
    with pytest.raises(ValueError, match=message):
        estimate_patience(waits, abandoned)
