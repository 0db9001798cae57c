"""The queueing model of the call centre, measured and tested against what happened.

Erlang A (:func:`evaluation.methods.queueing.erlang_a`) needs, for each hour of the week,
the calls offered, the handlers taking calls, the mean handle time and the callers' mean
patience. Here each is measured from the call-level logs, not assumed:

* handle time: ``ended_at - answered_at`` of answered calls, by line and hour of the week
  (:func:`handle_times`); logs without ``ended_at`` give None and the caller must say the
  handle time is assumed;
* patience: :func:`evaluation.methods.queueing.estimate_patience` over every call's wait
  (answered calls are censored observations of patience) - :func:`patience_by_line`;
* handlers: the rota's handlers on shift less ``shrinkage`` (the share of on-shift time not
  available for calls, a parameter with its stated source).

:func:`backtest` then predicts each month's service level and abandonment from that
month's own demand and compares them with the month's actual figures; the mean absolute
error in percentage points (:func:`backtest_summary`) decides whether the model describes
the service well enough for the paper to state staffing needs from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluation.measures.call_handling import WEEKDAYS, monthly_kpis
from evaluation.methods.queueing import erlang_a, estimate_patience

__all__ = ["BACKTEST_LABELS", "backtest", "backtest_summary", "handle_times",
           "line_handle_time", "patience_by_line"]


def _seconds(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (pd.to_datetime(later) - pd.to_datetime(earlier)).dt.total_seconds()


def handle_times(call_logs: pd.DataFrame) -> pd.DataFrame | None:
    """Mean handle time (s) by line and hour of the week (0 = Monday 00:00) of answered
    calls with an end time; None when the logs have no ``ended_at`` (or it is all blank).
    Hours with fewer than 30 handled calls take the line's mean for all hours, so a quiet
    hour is not modelled on a handful of calls. Columns: line, hour_of_week, weekday, hour,
    calls_handled, mean_handle_s."""
    if "ended_at" not in call_logs.columns or call_logs["ended_at"].isna().all():
        return None
    done = call_logs.loc[call_logs["answered_at"].notna() & call_logs["ended_at"].notna()]
    frame = pd.DataFrame({
        "line": done["line"].astype(str),
        "hour_of_week": done["answered_at"].dt.day_of_week * 24 + done["answered_at"].dt.hour,
        "handle_s": _seconds(done["ended_at"], done["answered_at"]),
    })
    g = frame.groupby(["line", "hour_of_week"])["handle_s"].agg(["size", "mean"])
    full = pd.MultiIndex.from_product([sorted(frame["line"].unique()), range(168)],
                                      names=["line", "hour_of_week"])
    g = g.reindex(full)
    overall = frame.groupby("line")["handle_s"].mean()
    line_of = g.index.get_level_values("line")
    few = g["size"].fillna(0) < 30
    g.loc[few, "mean"] = overall.reindex(line_of[few]).to_numpy()
    out = g.reset_index().rename(columns={"size": "calls_handled", "mean": "mean_handle_s"})
    out["calls_handled"] = out["calls_handled"].fillna(0).astype(int)
    out["weekday"] = (out["hour_of_week"] // 24).map(dict(enumerate(WEEKDAYS)))
    out["hour"] = out["hour_of_week"] % 24
    return out[["line", "hour_of_week", "weekday", "hour", "calls_handled", "mean_handle_s"]]


def line_handle_time(handles: pd.DataFrame) -> dict[str, float]:
    """The mean handle time of each line, weighted by calls handled in each hour."""
    out = {}
    for line, part in handles.groupby("line"):
        w = part["calls_handled"].to_numpy(float)
        out[str(line)] = float(np.average(part["mean_handle_s"], weights=w)) if w.sum() else \
            float(part["mean_handle_s"].mean())
    return out


def patience_by_line(call_logs: pd.DataFrame) -> dict[str, float]:
    """Mean patience (s) of each line's callers from their waits and abandonments
    (:func:`evaluation.methods.queueing.estimate_patience`): a caller answered after 40 s
    would have waited at least 40 s; a caller who hung up at 40 s had 40 s of patience."""
    abandoned = call_logs["abandoned_at"].notna()
    end = call_logs["answered_at"].where(~abandoned, call_logs["abandoned_at"])
    wait = _seconds(end, call_logs["received_at"]).clip(lower=0)
    out = {}
    for line in sorted(call_logs["line"].astype(str).unique()):
        mask = (call_logs["line"].astype(str) == line).to_numpy() & wait.notna().to_numpy()
        out[line] = estimate_patience(wait[mask].to_numpy(), abandoned[mask].to_numpy())
    return out


def _monthly_demand(call_logs: pd.DataFrame) -> pd.DataFrame:
    """Calls offered per line, month and hour of the week, with the hours that hour of the
    week occurs in the month, so calls_per_hour = calls / occurrences."""
    received = pd.to_datetime(call_logs["received_at"])
    frame = pd.DataFrame({"line": call_logs["line"].astype(str),
                          "month": received.dt.to_period("M"),
                          "hour_of_week": received.dt.day_of_week * 24 + received.dt.hour})
    counts = frame.groupby(["line", "month", "hour_of_week"]).size().rename("calls")
    lines, months = sorted(frame["line"].unique()), sorted(frame["month"].unique())
    full = pd.MultiIndex.from_product([lines, months, range(168)],
                                      names=["line", "month", "hour_of_week"])
    out = counts.reindex(full, fill_value=0).reset_index()
    occurrences = {}
    for month in months:
        days = pd.date_range(month.start_time, month.end_time.normalize(), freq="D")
        per_day = pd.Series(days.day_of_week).value_counts()
        occurrences[month] = {d: int(per_day.get(d, 0)) for d in range(7)}
    out["occurrences"] = [occurrences[m][h // 24] for m, h in zip(out["month"],
                                                                   out["hour_of_week"],
                                                                   strict=True)]
    out["calls_per_hour"] = out["calls"] / out["occurrences"]
    return out


def _actual(call_logs: pd.DataFrame, targets: Mapping[str, int]) -> pd.DataFrame:
    """Each line and month's actual answered within target (share of answered) and
    abandonment (share of offered), as the chapter's KPIs define them
    (:func:`evaluation.measures.call_handling.monthly_kpis`)."""
    k = monthly_kpis(call_logs, targets)
    return pd.DataFrame({"line": k["line"].astype(str),
                         "month": pd.to_datetime(k["month"]).dt.to_period("M"),
                         "offered": k["offered"],
                         "actual_service_level": k["within_target_share"],
                         "actual_abandonment": k["abandonment_rate"]})


def backtest(call_logs: pd.DataFrame, rota: pd.DataFrame | None, targets: Mapping[str, int],
             handle: pd.DataFrame | Mapping[str, float], patience: Mapping[str, float],
             shrinkage: float = 0.0) -> pd.DataFrame:
    """Each month of the logs: Erlang A's service level and abandonment from that month's
    demand by hour of the week, the rota less ``shrinkage``, the handle times (by hour of
    the week from :func:`handle_times`, or one figure per line) and the measured patience,
    beside what happened. Predictions are weighted by each hour's calls. Columns: line,
    month, offered, predicted and actual service level (answered within target / answered)
    and abandonment (abandoned / offered), and each error in percentage points."""
    if not 0 <= float(shrinkage) < 1:
        raise ValueError(f"shrinkage must be at least 0 and below 1, got {shrinkage!r}")
    if rota is None or call_logs.empty:
        return pd.DataFrame(columns=list(BACKTEST_LABELS)[:9])
    demand = _monthly_demand(call_logs)
    r = rota.assign(line=rota["line"].astype(str),
                    hour_of_week=rota["weekday"].map({d: i for i, d in enumerate(WEEKDAYS)})
                    * 24 + rota["hour"].astype(int))
    demand = demand.merge(r[["line", "hour_of_week", "handlers_on_shift"]],
                          on=["line", "hour_of_week"], how="left")
    if isinstance(handle, pd.DataFrame):
        demand = demand.merge(handle[["line", "hour_of_week", "mean_handle_s"]],
                              on=["line", "hour_of_week"], how="left")
    else:
        demand["mean_handle_s"] = demand["line"].map(dict(handle))
    rows = []
    for (line, month), part in demand.groupby(["line", "month"], sort=True):
        sl, ab = _predict_month(part, targets[line], patience[line], float(shrinkage))
        rows.append({"line": line, "month": month, "predicted_service_level": sl,
                     "predicted_abandonment": ab})
    out = pd.DataFrame(rows).merge(_actual(call_logs, targets), on=["line", "month"])
    out["service_level_error_pp"] = 100 * (out["predicted_service_level"]
                                           - out["actual_service_level"])
    out["abandonment_error_pp"] = 100 * (out["predicted_abandonment"]
                                         - out["actual_abandonment"])
    out["month"] = out["month"].astype(str)
    return out[["line", "month", "offered", "predicted_service_level", "actual_service_level",
                "service_level_error_pp", "predicted_abandonment", "actual_abandonment",
                "abandonment_error_pp"]]


def _predict_month(part: pd.DataFrame, target_s: int, patience_s: float, shrinkage: float
                   ) -> tuple[float, float]:
    """Call-weighted Erlang A service level (of answered) and abandonment for one month."""
    answered_within = answered = abandoned = offered = 0.0
    for rec in part.itertuples(index=False):
        calls = float(rec.calls_per_hour)
        weight = float(rec.calls)
        if calls <= 0 or weight <= 0:
            continue
        on_shift = float(rec.handlers_on_shift)
        agents = 0 if math.isnan(on_shift) else math.floor(round(on_shift * (1 - shrinkage), 9))
        offered += weight
        if agents < 1:
            abandoned += weight
            continue
        res = erlang_a(calls, 3600, float(rec.mean_handle_s), agents, target_s, patience_s)
        answered += weight * (1 - res.probability_abandon)
        answered_within += weight * res.service_level_offered
        abandoned += weight * res.probability_abandon
    if offered == 0:
        return math.nan, math.nan
    return (answered_within / answered if answered else math.nan), abandoned / offered


def backtest_summary(table: pd.DataFrame, tolerance_pp: float) -> pd.DataFrame:
    """Per line: months tested, the model's and the actual service level over them (weighted
    by calls offered), mean absolute error of the service level and of abandonment
    (percentage points), the tolerance, whether both errors are within it (``fits``) and
    the mean (signed) errors."""
    if not tolerance_pp > 0:
        raise ValueError(f"tolerance_pp must be positive, got {tolerance_pp!r}")
    if table.empty:
        return pd.DataFrame(columns=["line", "months", "fits"])
    rows = []
    for line, part in table.groupby("line", sort=True):
        sl = float(part["service_level_error_pp"].abs().mean())
        ab = float(part["abandonment_error_pp"].abs().mean())
        w = part["offered"].astype(float)
        rows.append({"line": line, "months": len(part),
                     "first_month": str(part["month"].iloc[0]),
                     "last_month": str(part["month"].iloc[-1]),
                     "predicted_service_level": float(
                         (part["predicted_service_level"] * w).sum() / w.sum()),
                     "actual_service_level": float(
                         (part["actual_service_level"] * w).sum() / w.sum()),
                     "service_level_mae_pp": sl, "abandonment_mae_pp": ab,
                     "tolerance_pp": float(tolerance_pp),
                     "fits": bool(sl <= tolerance_pp and ab <= tolerance_pp),
                     "service_level_bias_pp": float(part["service_level_error_pp"].mean()),
                     "abandonment_bias_pp": float(part["abandonment_error_pp"].mean())})
    return pd.DataFrame(rows)


BACKTEST_LABELS: dict[str, str] = {
    "line": "Line", "month": "Month", "offered": "Calls offered",
    "predicted_service_level": "Model: within target (% of answered)",
    "actual_service_level": "Actual: within target (% of answered)",
    "service_level_error_pp": "Error (pp)",
    "predicted_abandonment": "Model: abandoned (% of offered)",
    "actual_abandonment": "Actual: abandoned (% of offered)",
    "abandonment_error_pp": "Abandonment error (pp)",
    "months": "Months", "first_month": "From", "last_month": "To",
    "service_level_mae_pp": "Mean absolute error, within target (pp)",
    "abandonment_mae_pp": "Mean absolute error, abandoned (pp)",
    "tolerance_pp": "Tolerance (pp)", "fits": "Model fits",
    "service_level_bias_pp": "Mean error, within target (pp)",
    "abandonment_bias_pp": "Mean error, abandoned (pp)",
}
