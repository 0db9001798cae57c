"""Call handlers needed, hour by hour, against the rota: Erlang C and Erlang A staffing of
each hour of a typical week from the calls offered (:func:`hourly_demand`), and the service
level and abandonment the rota should give (:func:`staffing_by_hour`,
:func:`staffing_summary`). Whether the model describes the service well enough for these
figures to be used is tested in :mod:`evaluation.measures.call_model`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from evaluation.measures.call_handling import (
    DEFAULT_AHT_S,
    DEFAULT_PATIENCE_S,
    WEEKDAYS,
    check_lines,
    line_targets,
)
from evaluation.methods.queueing import agents_for_target, erlang_a

__all__ = ["hourly_demand", "staffing_by_hour", "staffing_summary"]


def hourly_demand(call_logs: pd.DataFrame) -> pd.DataFrame:
    """Average calls offered in each hour of the week, per line.

    The number of weeks behind each weekday is counted from the calendar (first to last day
    of the logs), so hours with no calls count as zero. Columns: line, weekday, hour,
    hour_of_week (0 = Monday 00:00), calls, days, calls_per_hour.
    """
    if call_logs.empty:
        raise ValueError("hourly_demand needs at least one call")
    received = call_logs["received_at"]
    days = pd.date_range(received.min().normalize(), received.max().normalize(), freq="D")
    per_weekday = pd.Series(days.day_of_week).value_counts().reindex(range(7), fill_value=0)
    frame = pd.DataFrame({"line": call_logs["line"].astype(str),
                          "dow": received.dt.day_of_week, "hour": received.dt.hour})
    counts = frame.groupby(["line", "dow", "hour"]).size()
    lines = sorted(frame["line"].unique())
    full = pd.MultiIndex.from_product([lines, range(7), range(24)],
                                      names=["line", "dow", "hour"])
    out = counts.reindex(full, fill_value=0).rename("calls").reset_index()
    out["days"] = out["dow"].map(per_weekday).astype(int)
    out["calls_per_hour"] = out["calls"] / out["days"].where(out["days"] > 0)
    out["calls_per_hour"] = out["calls_per_hour"].fillna(0.0)
    out["weekday"] = out["dow"].map(dict(enumerate(WEEKDAYS)))
    out["hour_of_week"] = out["dow"] * 24 + out["hour"]
    return out[["line", "weekday", "hour", "hour_of_week", "calls", "days", "calls_per_hour"]]


def _per_line(value: Mapping[str, float] | float, line: str, name: str) -> float:
    if isinstance(value, Mapping):
        if line not in value:
            raise ValueError(f"{name} has no value for line {line}")
        return float(value[line])
    return float(value)


def _erlang_a_needed(calls: float, aht: float, target: float, level: float,
                     patience: float, start: int) -> int:
    """Fewest agents whose Erlang A share of *offered* calls answered within target reaches
    ``level`` (callers who hang up count as failures, so abandonment cannot flatter it)."""

    def ok(c: int) -> bool:
        return erlang_a(calls, 3600, aht, c, target, patience).service_level_offered >= level

    lo, hi = 1, max(1, start)
    while not ok(hi):
        lo, hi = hi + 1, hi * 2
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _with_rota(calls: float, aht: float, target: float, patience: float, agents: int
               ) -> tuple[float, float, float]:
    """(within target of offered, of answered, abandoned) by Erlang A; no agents: all lost."""
    if calls <= 0:
        return 0.0, 1.0, 0.0
    if agents < 1:
        return 0.0, float("nan"), 1.0
    r = erlang_a(calls, 3600, aht, agents, target, patience)
    return r.service_level_offered, r.service_level_answered, r.probability_abandon


def staffing_by_hour(
    demand: pd.DataFrame,
    rota: pd.DataFrame | None = None,
    *,
    aht_s: Mapping[str, float] | float | None = None,
    target_s: Mapping[str, int] | None = None,
    service_level: float = 0.9,
    shrinkage: float = 0.0,
    patience_s: Mapping[str, float] | float | None = None,
    extra_handlers: float = 0,
) -> pd.DataFrame:
    """Handlers needed in each hour of the week against the handlers on shift.

    For each line and hour: traffic (Erlangs) from ``calls_per_hour`` x ``aht_s``; agents
    needed for ``service_level`` answered within ``target_s`` by Erlang C
    (:func:`evaluation.methods.queueing.agents_for_target`) and by Erlang A with callers of mean
    ``patience_s`` who hang up (share of *offered* calls answered within target, so callers
    who give up count as failures); ``handlers_needed`` grosses the Erlang C agents up for
    ``shrinkage`` (share of on-shift time not available for calls). With a ``rota``
    (call_handler_rota), the hour is under-staffed when handlers on shift < handlers
    needed, and Erlang A gives the service level and abandonment expected with the rota's
    agents (``floor(on shift x (1 - shrinkage))``) and with ``extra_handlers`` more on shift
    in every hour; those service levels are given both of answered calls (as the published
    KPI) and of offered calls.
    """
    aht = DEFAULT_AHT_S if aht_s is None else aht_s
    patience = DEFAULT_PATIENCE_S if patience_s is None else patience_s
    targets = line_targets(target_s)
    if not 0 < float(service_level) < 1:
        raise ValueError(f"service_level must be between 0 and 1 (exclusive), got "
                         f"{service_level!r}")
    if not 0 <= float(shrinkage) < 1:
        raise ValueError(f"shrinkage must be at least 0 and below 1, got {shrinkage!r}")
    if float(extra_handlers) < 0:
        raise ValueError(f"extra_handlers must be 0 or more, got {extra_handlers!r}")
    d = demand.copy()
    d["line"] = d["line"].astype(str)
    check_lines(d["line"].unique().tolist(), targets)
    if rota is not None:
        r = rota[["line", "weekday", "hour", "handlers_on_shift"]].copy()
        r["line"] = r["line"].astype(str)
        r["hour"] = r["hour"].astype(int)
        d = d.merge(r, on=["line", "weekday", "hour"], how="left")
    else:
        d["handlers_on_shift"] = np.nan
    rows = [_staffing_row(rec, aht, patience, targets, float(service_level), float(shrinkage),
                          float(extra_handlers)) for rec in d.itertuples(index=False)]
    out = pd.concat([d.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    out["target_s"] = out["line"].map(targets)
    out["extra_handlers"] = float(extra_handlers)
    out["service_level_target"] = float(service_level)
    return out.sort_values(["line", "hour_of_week"]).reset_index(drop=True)


def _staffing_row(rec: Any, aht: Mapping[str, float] | float,
                  patience: Mapping[str, float] | float, targets: Mapping[str, int],
                  service_level: float, shrinkage: float, extra_handlers: float
                  ) -> dict[str, object]:
    """One hour of the week: agents needed by Erlang C and A, and with a rota the shortfall
    and the service the rota (and the rota plus ``extra_handlers``) should give."""
    line = rec.line
    a, t = _per_line(aht, line, "aht_s"), targets[line]
    pat = _per_line(patience, line, "patience_s")
    calls = float(rec.calls_per_hour)
    if calls > 0:
        need = agents_for_target(calls, 3600, a, service_level, t, shrinkage=shrinkage)
        agents_c, positions, traffic = need.agents, need.positions, need.traffic_erlangs
        agents_a = _erlang_a_needed(calls, a, t, service_level, pat, agents_c)
    else:
        agents_c = positions = agents_a = 0
        traffic = 0.0
    row: dict[str, object] = {"agents_erlang_c": agents_c, "handlers_needed": positions,
                              "agents_erlang_a": agents_a, "traffic_erlangs": traffic}
    on_shift = float(rec.handlers_on_shift)
    if not math.isnan(on_shift):
        agents = math.floor(round(on_shift * (1 - shrinkage), 9))
        more = math.floor(round((on_shift + extra_handlers) * (1 - shrinkage), 9))
        sl_off, sl_ans, ab = _with_rota(calls, a, t, pat, agents)
        sl_off2, sl_ans2, ab2 = _with_rota(calls, a, t, pat, more)
        row.update(shortfall=max(0.0, positions - on_shift),
                   understaffed=bool(on_shift < positions),
                   sl_offered_rota=sl_off, sl_answered_rota=sl_ans, abandon_rota=ab,
                   sl_offered_plus=sl_off2, sl_answered_plus=sl_ans2, abandon_plus=ab2)
    return row


def staffing_summary(staffing: pd.DataFrame) -> pd.DataFrame:
    """Per line, a week: calls, handler-hours needed and rostered, hours under-staffed, and the
    service level (answered within target / answered) expected with the rota and with the
    extra handlers (calls-weighted over the week, Erlang A)."""
    rows = []
    for line, s in staffing.groupby("line", sort=True):
        calls = s["calls_per_hour"]
        row: dict[str, object] = {
            "line": line, "target_s": int(s["target_s"].iloc[0]),
            "service_level_target": float(s["service_level_target"].iloc[0]),
            "calls_per_week": float(calls.sum()),
            "handler_hours_needed": float(s["handlers_needed"].sum()),
            "peak_handlers_needed": int(s["handlers_needed"].max()),
        }
        if "understaffed" in s and s["handlers_on_shift"].notna().all():
            answered = (calls * (1 - s["abandon_rota"])).sum()
            answered_plus = (calls * (1 - s["abandon_plus"])).sum()
            sl = float((calls * s["sl_offered_rota"]).sum() / answered)
            sl_plus = float((calls * s["sl_offered_plus"]).sum() / answered_plus)
            row.update({
                "handler_hours_rostered": float(s["handlers_on_shift"].sum()),
                "hours_in_week": len(s),
                "hours_understaffed": int(s["understaffed"].sum()),
                "largest_shortfall": float(s["shortfall"].max()),
                "service_level_rota": sl,
                "abandoned_rota": float((calls * s["abandon_rota"]).sum() / calls.sum()),
                "extra_handlers": float(s["extra_handlers"].iloc[0]),
                "service_level_plus": sl_plus,
                "abandoned_plus": float((calls * s["abandon_plus"]).sum() / calls.sum()),
                "service_level_gain_pp": 100 * (sl_plus - sl),
            })
        rows.append(row)
    return pd.DataFrame(rows)
