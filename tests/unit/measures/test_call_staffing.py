"""Staffing by hour of the week (moved from test_call_handling.py with its assertions)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.measures import call_staffing as st
from evaluation.report.chapters import call_handling as call_handling_chapter


def test_hourly_demand_divides_by_days_of_each_weekday() -> None:
    t = pd.to_datetime(["2015-10-05 08:10", "2015-10-05 08:40", "2015-10-12 08:05",
                        "2015-10-18 23:30"])
    logs = pd.DataFrame({"line": ["101", "101", "101", "999"], "received_at": t})
    d = st.hourly_demand(logs)
    assert len(d) == 2 * 168
    mon8 = d.loc[(d["line"] == "101") & (d["hour_of_week"] == 8)].iloc[0]
    assert (mon8["weekday"], mon8["calls"], mon8["days"]) == ("Monday", 3, 2)
    assert mon8["calls_per_hour"] == pytest.approx(1.5)   # 2 Mondays, 5 Oct - 18 Oct
    sun23 = d.loc[(d["line"] == "999") & (d["hour_of_week"] == 167)].iloc[0]
    assert sun23["calls_per_hour"] == pytest.approx(0.5)
    assert d["calls"].sum() == 4


def _demand(calls: float) -> pd.DataFrame:
    return pd.DataFrame({"line": ["101"], "weekday": ["Monday"], "hour": [8],
                         "hour_of_week": [8], "calls": [calls], "days": [1],
                         "calls_per_hour": [calls]})


def _rota(on_shift: float) -> pd.DataFrame:
    return pd.DataFrame({"line": ["101"], "weekday": ["Monday"], "hour": [8],
                         "handlers_on_shift": [on_shift]})


def test_staffing_needs_erlang_c_agents_grossed_up_for_shrinkage() -> None:
    # 20 calls x 360 s = 2 Erlangs; Erlang C service level within 20 s: 4 agents 84.4%,
    # 5 agents 94.9% -> 5 for 90%; shrinkage 0.2 -> ceil(5 / 0.8) = 7 handlers
    s = st.staffing_by_hour(_demand(20), _rota(6), aht_s=360, target_s={"101": 20},
                            service_level=0.9, shrinkage=0.2, patience_s=120)
    row = s.iloc[0]
    assert (row["agents_erlang_c"], row["handlers_needed"]) == (5, 7)
    assert bool(row["understaffed"]) and row["shortfall"] == pytest.approx(1)
    s80 = st.staffing_by_hour(_demand(20), _rota(6), aht_s=360, target_s={"101": 20},
                              service_level=0.8, patience_s=120)
    assert s80.iloc[0]["agents_erlang_c"] == 4
    assert not bool(s80.iloc[0]["understaffed"])


def test_erlang_a_agents_are_the_fewest_meeting_the_level_of_offered_calls() -> None:
    from evaluation.methods.queueing import erlang_a

    s = st.staffing_by_hour(_demand(60), _rota(10), aht_s=300, target_s={"101": 30},
                            service_level=0.9, patience_s=60)
    n = int(s.iloc[0]["agents_erlang_a"])
    assert erlang_a(60, 3600, 300, n, 30, 60).service_level_offered >= 0.9
    assert erlang_a(60, 3600, 300, n - 1, 30, 60).service_level_offered < 0.9


def test_extra_handlers_raise_the_modelled_service_level() -> None:
    s = st.staffing_by_hour(_demand(60), _rota(6), aht_s=300, target_s={"101": 30},
                            patience_s=120, extra_handlers=2)
    summary = st.staffing_summary(s).iloc[0]
    assert summary["service_level_plus"] > summary["service_level_rota"]
    assert summary["abandoned_plus"] < summary["abandoned_rota"]
    assert summary["service_level_gain_pp"] == pytest.approx(
        100 * (summary["service_level_plus"] - summary["service_level_rota"]))
    text = call_handling_chapter.staffing_sentence(st.staffing_summary(s), "101")
    assert "With 2 more handlers on every shift" in text


def test_no_extra_handlers_means_no_gain() -> None:
    s = st.staffing_by_hour(_demand(60), _rota(6), aht_s=300, target_s={"101": 30},
                            patience_s=120)
    assert st.staffing_summary(s).iloc[0]["service_level_gain_pp"] == 0


def test_staffing_without_rota_reports_needs_only() -> None:
    s = st.staffing_by_hour(_demand(20), None, aht_s=360, target_s={"101": 20},
                            service_level=0.9, patience_s=120)
    assert "understaffed" not in s.columns
    summary = st.staffing_summary(s)
    assert summary.iloc[0]["handler_hours_needed"] == 5
    assert "no rota was supplied" in call_handling_chapter.staffing_sentence(summary, "101")


def test_staffing_rejects_shrinkage_of_one() -> None:
    with pytest.raises(ValueError, match="shrinkage"):
        st.staffing_by_hour(_demand(20), None, aht_s=360, target_s={"101": 20}, shrinkage=1)


def test_staffing_chart_alt_text_counts_understaffed_hours() -> None:
    s = st.staffing_by_hour(_demand(20), _rota(6), aht_s=360, target_s={"101": 20},
                            service_level=0.9, shrinkage=0.2, patience_s=120)
    chart = call_handling_chapter.staffing_chart(s, "101")
    assert "1 hours are shaded as under-staffed" in chart.alt_text
    assert "largest shortfall 1.0 handlers on Monday at 08:00" in chart.alt_text
