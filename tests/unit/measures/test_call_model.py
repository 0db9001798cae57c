"""The queueing model measured from call logs and back-tested: checked against a call
centre simulated call by call (FCFS, exponential handling and patience), whose true inputs
are known - not against the model's own output."""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd
import pytest

from evaluation.measures import call_model as cm
from evaluation.report.chapters import call_model as chapter
from evaluation.report.trace import untraceable

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _simulate(agents: int, per_hour: float, handle_s: float, patience_s: float,
              start: str = "2018-04-01", months: int = 2, seed: int = 1) -> pd.DataFrame:
    """Every call of a first-come-first-served queue with ``agents`` handlers: a caller
    whose offered wait (until the first handler is free) exceeds their patience hangs up
    and takes no handler."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start)
    horizon = ((t0 + pd.DateOffset(months=months)) - t0).total_seconds()
    n = rng.poisson(per_hour * horizon / 3600)
    arrivals = np.sort(rng.uniform(0, horizon, n))
    service = rng.exponential(handle_s, n)
    patience = rng.exponential(patience_s, n)
    free = [0.0] * agents
    answered = np.full(n, np.nan)
    abandoned = np.full(n, np.nan)
    ended = np.full(n, np.nan)
    for i, t in enumerate(arrivals):
        wait = max(0.0, free[0] - t)
        if wait > patience[i]:
            abandoned[i] = t + patience[i]
            continue
        answered[i] = t + wait
        ended[i] = t + wait + service[i]
        heapq.heapreplace(free, t + wait + service[i])

    def stamp(seconds: np.ndarray) -> pd.Series:
        return pd.Series(t0 + pd.to_timedelta(seconds, unit="s")).dt.floor("s")

    blank = stamp(np.full(n, np.nan))
    return pd.DataFrame({"call_id": [f"c{i}" for i in range(n)], "line": "101",
                         "received_at": stamp(arrivals), "answered_at": stamp(answered),
                         "abandoned_at": stamp(abandoned), "transferred_to_secondary": False,
                         "secondary_answered_at": blank, "callback_requested": False,
                         "callback_made_at": blank, "ended_at": stamp(ended)})


def _rota(agents: float) -> pd.DataFrame:
    return pd.DataFrame([{"line": "101", "weekday": d, "hour": h, "handlers_on_shift": agents}
                         for d in WEEKDAYS for h in range(24)])


@pytest.fixture(scope="module")
def logs() -> pd.DataFrame:
    return _simulate(agents=6, per_hour=60, handle_s=300, patience_s=120)


def test_handle_time_and_patience_are_measured_close_to_the_truth(logs):
    handles = cm.handle_times(logs)
    assert set(handles["hour_of_week"]) == set(range(168))
    assert cm.line_handle_time(handles)["101"] == pytest.approx(300, rel=0.03)
    assert cm.patience_by_line(logs)["101"] == pytest.approx(120, rel=0.08)
    assert cm.handle_times(logs.drop(columns="ended_at")) is None


def test_the_backtest_fits_a_queue_that_works_as_the_model_assumes(logs):
    handles = cm.handle_times(logs)
    table = cm.backtest(logs, _rota(6), {"101": 30}, handles, cm.patience_by_line(logs))
    assert table["month"].tolist() == ["2018-04", "2018-05"]
    assert table["service_level_error_pp"].abs().max() < 1.5
    assert table["abandonment_error_pp"].abs().max() < 1.0
    fit = cm.backtest_summary(table, tolerance_pp=2.0)
    assert bool(fit.loc[0, "fits"])
    text = chapter.backtest_sentence(fit, "101")
    assert "within the tolerance of 2.0 points, so its staffing figures below can be used" in text
    assert untraceable(text, [fit]) == []


def test_a_rota_that_overstates_the_handlers_fails_the_backtest_and_says_why(logs):
    # the rota says 8 handlers but 6 took calls: the model expects far better service
    table = cm.backtest(logs, _rota(8), {"101": 30}, cm.handle_times(logs),
                        cm.patience_by_line(logs))
    fit = cm.backtest_summary(table, tolerance_pp=3.0)
    row = fit.iloc[0]
    assert not row["fits"] and row["service_level_bias_pp"] > 3
    text = chapter.backtest_sentence(fit, "101")
    assert "outside the tolerance of 3.0 points" in text
    assert "states no staffing needs from it" in text and "shrinkage" in text
    assert not chapter.model_fits(fit, "101")
    # shrinkage of a quarter brings 8 rostered handlers back to the 6 who took calls
    shrunk = cm.backtest(logs, _rota(8), {"101": 30}, cm.handle_times(logs),
                         cm.patience_by_line(logs), shrinkage=0.25)
    assert bool(cm.backtest_summary(shrunk, 2.0).loc[0, "fits"])


def test_backtest_without_a_rota_is_empty_and_says_so(logs):
    table = cm.backtest(logs, None, {"101": 30}, {"101": 300.0}, {"101": 120.0})
    fit = cm.backtest_summary(table, 3.0)
    assert table.empty and fit.empty
    assert "could not be tested" in chapter.backtest_sentence(fit, "101")
    with pytest.raises(ValueError, match="shrinkage"):
        cm.backtest(logs, _rota(6), {"101": 30}, {"101": 300.0}, {"101": 120.0}, shrinkage=1)
