"""Call handling: monthly KPIs from call logs (pandas or DuckDB), the long monthly series,
year-on-year and before/after comparisons and the XmR charts of the monthly KPIs. Staffing
by hour of the week is in :mod:`evaluation.measures.call_staffing`; the queueing model's
inputs and back-test in :mod:`evaluation.measures.call_model`.

Definitions (the same in the pandas and the DuckDB paths):

* a call belongs to the month in which it was *received*;
* time to answer = ``answered_at - received_at``; a call is answered *within target* when
  that is at most ``target_s`` seconds (30 for 101, 10 for 999 by default);
* ``within_target_share`` = answered within target / **answered**. This is the definition
  of the published service level (the 2016 paper's "94% of 101 calls answered within 30
  seconds" counts answered calls), so the figures are comparable; abandoned calls are shown
  separately by ``abandonment_rate`` = abandoned / offered. ``within_target_share_offered``
  (answered within target / offered, abandoned calls counting as failures) is given too;
* average speed of answer (``asa_s``) = mean time to answer over answered calls;
* ``transfer_share`` = transferred to a secondary handler / answered;
* secondary pick-up wait = ``secondary_answered_at - answered_at`` over calls with a
  secondary pick-up; mean, median and 90th percentile. Percentiles use linear interpolation
  between order statistics (pandas ``quantile`` default = DuckDB ``quantile_cont``);
* call-backs: requested, made (``callback_made_at`` set); time to call-back =
  ``callback_made_at - received_at``; ``callback_within_share`` = made within
  ``callback_within_s`` (1 hour by default) / **requested**, so a call-back never made counts
  as late; ``callback_median_s`` is over call-backs made.

"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.data import read_log
from evaluation.methods.comparisons import MonthlyComparison, compare_monthly_rates, evidence
from evaluation.methods.periods import (
    financial_year,
    months_span,
    period_label,
    reporting_months,
)
from evaluation.methods.spc import XmRResult, xmr

__all__ = [
    "DEFAULT_AHT_S",
    "DEFAULT_PATIENCE_S",
    "DEFAULT_TARGETS",
    "KPI_COLUMNS",
    "KPI_LABELS",
    "WEEKDAYS",
    "before_after",
    "financial_year_summary",
    "kpi_xmr",
    "monthly_kpis",
    "monthly_kpis_duckdb",
    "monthly_series",
    "secondary_wait_before_after",
    "xmr_table",
]

log = logging.getLogger(__name__)

DEFAULT_TARGETS: dict[str, int] = {"101": 30, "999": 10}
"""Answer targets in seconds by line."""
DEFAULT_AHT_S: dict[str, float] = {"101": 420.0, "999": 200.0}
"""Average handling time by line, seconds (101 includes the triage conversation)."""
DEFAULT_PATIENCE_S: dict[str, float] = {"101": 240.0, "999": 45.0}
"""Mean time a caller waits before hanging up, seconds (Erlang A)."""
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                             "Saturday", "Sunday")

KPI_COLUMNS: tuple[str, ...] = (
    "month", "line", "target_s", "offered", "answered", "answered_within_target",
    "within_target_share", "within_target_share_offered", "asa_s", "abandoned",
    "abandonment_rate", "transferred_to_secondary", "transfer_share", "secondary_answered",
    "secondary_wait_mean_s", "secondary_wait_median_s", "secondary_wait_p90_s",
    "callbacks_requested", "callbacks_made", "callbacks_within", "callback_within_share",
    "callback_median_s",
)
_COUNT_COLUMNS = ("target_s", "offered", "answered", "answered_within_target", "abandoned",
                  "transferred_to_secondary", "secondary_answered", "callbacks_requested",
                  "callbacks_made", "callbacks_within")

KPI_LABELS: dict[str, str] = {
    "month": "Month",
    "line": "Line",
    "target_s": "Target (s)",
    "offered": "Calls offered",
    "answered": "Answered",
    "answered_within_target": "Answered within target",
    "within_target_share": "Within target (% of answered)",
    "within_target_share_offered": "Within target (% of offered)",
    "asa_s": "Average speed of answer (s)",
    "abandoned": "Abandoned",
    "abandonment_rate": "Abandoned (% of offered)",
    "transferred_to_secondary": "Transferred to secondary",
    "transfer_share": "Transferred (% of answered)",
    "secondary_answered": "Secondary pick-ups",
    "secondary_wait_mean_s": "Secondary wait, mean (s)",
    "secondary_wait_median_s": "Secondary wait, median (s)",
    "secondary_wait_p90_s": "Secondary wait, 90th percentile (s)",
    "callbacks_requested": "Call-backs requested",
    "callbacks_made": "Call-backs made",
    "callbacks_within": "Call-backs made within the limit",
    "callback_within_share": "Call-backs within the limit (% of requested)",
    "callback_median_s": "Time to call-back, median (s)",
}

_MEASURES: dict[str, dict[str, str]] = {
    "within_target_share": {"label": "answered within target", "improvement": "increase",
                            "unit": "share", "axis": "Answered within target (% of answered)"},
    "abandonment_rate": {"label": "abandoned", "improvement": "decrease", "unit": "share",
                         "axis": "Abandoned (% of calls offered)"},
    "transfer_share": {"label": "transferred to a secondary handler", "improvement": "neutral",
                       "unit": "share", "axis": "Transferred (% of answered)"},
    "mean_secondary_wait_s": {"label": "mean wait for a secondary handler",
                              "improvement": "decrease", "unit": "seconds",
                              "axis": "Mean secondary wait (minutes)"},
}


# --------------------------------------------------------------------------- helpers
def line_targets(target_s: Mapping[str, int] | None) -> dict[str, int]:
    targets = dict(DEFAULT_TARGETS if target_s is None else target_s)
    for line, value in targets.items():
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"target_s for line {line} must be a whole number of seconds >= 0, "
                             f"got {value!r}")
    return {str(k): int(v) for k, v in targets.items()}


def check_lines(lines: Sequence[str], targets: Mapping[str, int]) -> None:
    missing = sorted(set(lines) - set(targets))
    if missing:
        raise ValueError(f"no answer target given for line(s) {missing}; pass target_s for "
                         "every line in the call logs")


def check_callback_within(callback_within_s: float) -> float:
    value = float(callback_within_s)
    if not value > 0 or math.isinf(value):
        raise ValueError(f"callback_within_s must be a positive number of seconds, got "
                         f"{callback_within_s!r}")
    return value


def finalise_kpis(df: pd.DataFrame) -> pd.DataFrame:
    """Column order and dtypes shared by both engines (counts int64, rates float64)."""
    out = df.loc[:, list(KPI_COLUMNS)].copy()
    out["month"] = pd.to_datetime(out["month"]).astype("datetime64[ns]")
    out["line"] = out["line"].astype(str)
    for col in KPI_COLUMNS[2:]:
        kind = "int64" if col in _COUNT_COLUMNS else "float64"
        out[col] = pd.to_numeric(out[col]).astype(kind)
    return out.sort_values(["month", "line"]).reset_index(drop=True)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    return num.astype(float) / den.astype(float).where(den > 0)


# --------------------------------------------------------------------------- KPIs: pandas
def monthly_kpis(
    call_logs: pd.DataFrame,
    target_s: Mapping[str, int] | None = None,
    callback_within_s: float = 3600,
) -> pd.DataFrame:
    """Monthly call-handling KPIs per line from call-level logs (see the module docstring).

    ``call_logs`` is typed as :func:`evaluation.data.loaders.load` returns it (datetimes as
    ``datetime64``). One row per month and line, columns :data:`KPI_COLUMNS`.
    """
    targets = line_targets(target_s)
    within_s = check_callback_within(callback_within_s)
    if call_logs.empty:
        return finalise_kpis(pd.DataFrame(columns=list(KPI_COLUMNS)))
    line = call_logs["line"].astype(str)
    check_lines(line.unique().tolist(), targets)
    received = call_logs["received_at"]
    answered_at = call_logs["answered_at"]
    wait = (answered_at - received).dt.total_seconds()
    target = line.map(targets).astype(float)
    sec_wait = (call_logs["secondary_answered_at"] - answered_at).dt.total_seconds()
    cb_delay = (call_logs["callback_made_at"] - received).dt.total_seconds()
    requested = call_logs["callback_requested"].fillna(False).astype(bool)
    rows = pd.DataFrame({
        "month": received.dt.to_period("M").dt.to_timestamp(),
        "line": line,
        "target_s": target,
        "answered": answered_at.notna(),
        "within": wait.le(target),
        "wait": wait,
        "abandoned": call_logs["abandoned_at"].notna(),
        "transferred": call_logs["transferred_to_secondary"].fillna(False).astype(bool),
        "sec_wait": sec_wait,
        "cb_requested": requested,
        "cb_made": call_logs["callback_made_at"].notna() & requested,
        "cb_within": cb_delay.le(within_s) & requested,
        "cb_delay": cb_delay.where(requested),
    })
    g = rows.groupby(["month", "line"], sort=True)
    out = g.agg(
        target_s=("target_s", "first"),
        offered=("answered", "size"),
        answered=("answered", "sum"),
        answered_within_target=("within", "sum"),
        asa_s=("wait", "mean"),
        abandoned=("abandoned", "sum"),
        transferred_to_secondary=("transferred", "sum"),
        secondary_answered=("sec_wait", "count"),
        secondary_wait_mean_s=("sec_wait", "mean"),
        callbacks_requested=("cb_requested", "sum"),
        callbacks_made=("cb_made", "sum"),
        callbacks_within=("cb_within", "sum"),
    )
    out["secondary_wait_median_s"] = g["sec_wait"].quantile(0.5)
    out["secondary_wait_p90_s"] = g["sec_wait"].quantile(0.9)
    out["callback_median_s"] = g["cb_delay"].quantile(0.5)
    out = out.reset_index()
    out["within_target_share"] = _ratio(out["answered_within_target"], out["answered"])
    out["within_target_share_offered"] = _ratio(out["answered_within_target"], out["offered"])
    out["abandonment_rate"] = _ratio(out["abandoned"], out["offered"])
    out["transfer_share"] = _ratio(out["transferred_to_secondary"], out["answered"])
    out["callback_within_share"] = _ratio(out["callbacks_within"], out["callbacks_requested"])
    return finalise_kpis(out)


# --------------------------------------------------------------------------- KPIs: DuckDB
_KPI_SQL = """
WITH targets AS (
    SELECT unnest($lines::VARCHAR[]) AS line, unnest($targets::BIGINT[]) AS target_s
),
calls AS (
    SELECT
        date_trunc('month', received_at) AS month,
        CAST(line AS VARCHAR) AS line,
        answered_at,
        abandoned_at,
        (epoch_us(answered_at) - epoch_us(received_at)) / 1e6 AS wait_s,
        coalesce(transferred_to_secondary, false) AS transferred,
        (epoch_us(secondary_answered_at) - epoch_us(answered_at)) / 1e6 AS sec_wait_s,
        coalesce(callback_requested, false) AS cb_requested,
        callback_made_at,
        (epoch_us(callback_made_at) - epoch_us(received_at)) / 1e6 AS cb_delay_s
    FROM read_parquet($paths)
),
agg AS (
    SELECT
        c.month,
        c.line,
        any_value(t.target_s) AS target_s,
        count(*) AS offered,
        count(c.answered_at) AS answered,
        count(*) FILTER (WHERE c.wait_s <= t.target_s) AS answered_within_target,
        avg(c.wait_s) AS asa_s,
        count(c.abandoned_at) AS abandoned,
        count(*) FILTER (WHERE c.transferred) AS transferred_to_secondary,
        count(c.sec_wait_s) AS secondary_answered,
        avg(c.sec_wait_s) AS secondary_wait_mean_s,
        -- one multi-quantile aggregate keeps each month's waits once (lower peak memory)
        quantile_cont(c.sec_wait_s, [0.5, 0.9]) AS sec_q,
        count(*) FILTER (WHERE c.cb_requested) AS callbacks_requested,
        count(c.callback_made_at) FILTER (WHERE c.cb_requested) AS callbacks_made,
        count(*) FILTER (WHERE c.cb_requested AND c.cb_delay_s <= $within)
            AS callbacks_within,
        quantile_cont(c.cb_delay_s, 0.5) FILTER (WHERE c.cb_requested) AS callback_median_s
    FROM calls AS c LEFT JOIN targets AS t ON c.line = t.line
    GROUP BY c.month, c.line
)
SELECT
    * EXCLUDE (sec_q),
    sec_q[1] AS secondary_wait_median_s,
    sec_q[2] AS secondary_wait_p90_s,
    answered_within_target / nullif(answered, 0) AS within_target_share,
    answered_within_target / nullif(offered, 0) AS within_target_share_offered,
    abandoned / nullif(offered, 0) AS abandonment_rate,
    transferred_to_secondary / nullif(answered, 0) AS transfer_share,
    callbacks_within / nullif(callbacks_requested, 0) AS callback_within_share
FROM agg
ORDER BY month, line
"""


def monthly_kpis_duckdb(
    parquet_paths: str | Path | Sequence[str | Path],
    target_s: Mapping[str, int] | None = None,
    callback_within_s: float = 3600,
) -> pd.DataFrame:
    """:func:`monthly_kpis` computed in SQL by DuckDB directly over Parquet files.

    The rows are never loaded into pandas: DuckDB scans the files (in parallel, spilling to
    disk if needed) and only the monthly aggregates come back. The result equals
    :func:`monthly_kpis` on the same calls (same definitions and percentile method).
    """
    import duckdb

    targets = line_targets(target_s)
    within_s = check_callback_within(callback_within_s)
    items = [parquet_paths] if isinstance(parquet_paths, str | Path) else list(parquet_paths)
    paths = [str(p) for p in items]
    if not paths:
        raise ValueError("monthly_kpis_duckdb needs at least one Parquet file")
    for p in paths:
        if not Path(p).is_file():
            raise FileNotFoundError(f"call log file not found: {p}")
        read_log.record(p)  # DuckDB opens files outside Python: note them for the cache
    con = duckdb.connect()
    try:
        lines = con.execute("SELECT DISTINCT CAST(line AS VARCHAR) FROM read_parquet($paths)",
                            {"paths": paths}).fetchall()
        check_lines([str(r[0]) for r in lines], targets)
        df = con.execute(_KPI_SQL, {
            "paths": paths, "lines": list(targets), "targets": list(targets.values()),
            "within": within_s,
        }).df()
    finally:
        con.close()
    return finalise_kpis(df)


# --------------------------------------------------------------------------- monthly series
def monthly_series(monthly: pd.DataFrame) -> pd.DataFrame:
    """``call_handling_monthly`` with its rates and financial year added, sorted by month."""
    m = pd.DataFrame(monthly).copy()
    m["month"] = pd.to_datetime(m["month"].astype(str).str.slice(0, 7) + "-01")
    m["line"] = m["line"].astype(str)
    m["financial_year"] = [financial_year(x) for x in m["month"]]
    m["within_target_share"] = _ratio(m["answered_within_target"], m["answered"])
    m["abandonment_rate"] = _ratio(m["abandoned"], m["offered"])
    m["transfer_share"] = _ratio(m["transferred_to_secondary"], m["answered"])
    return m.sort_values(["month", "line"]).reset_index(drop=True)


def financial_year_summary(monthly: pd.DataFrame) -> pd.DataFrame:
    """Financial-year totals and rates per line from ``call_handling_monthly``.

    The mean secondary wait of a year is the months' means weighted by calls transferred
    (the monthly table does not hold the number of secondary pick-ups). ``months`` tells
    whether a year is complete (12).
    """
    m = monthly_series(monthly)
    m["_wait_x_transferred"] = m["mean_secondary_wait_s"] * m["transferred_to_secondary"]
    m["_transferred_with_wait"] = m["transferred_to_secondary"].where(
        m["mean_secondary_wait_s"].notna(), 0)
    g = m.groupby(["financial_year", "line"], sort=True)
    out = g.agg(
        months=("month", "size"),
        target_s=("target_s", "max"),
        offered=("offered", "sum"),
        answered=("answered", "sum"),
        answered_within_target=("answered_within_target", "sum"),
        abandoned=("abandoned", "sum"),
        transferred_to_secondary=("transferred_to_secondary", "sum"),
        _wait=("_wait_x_transferred", "sum"),
        _base=("_transferred_with_wait", "sum"),
        call_handlers_fte=("call_handlers_fte", "mean"),
    ).reset_index()
    out["within_target_share"] = _ratio(out["answered_within_target"], out["answered"])
    out["abandonment_rate"] = _ratio(out["abandoned"], out["offered"])
    out["transfer_share"] = _ratio(out["transferred_to_secondary"], out["answered"])
    out["mean_secondary_wait_s"] = _ratio(out["_wait"], out["_base"])
    out["mean_secondary_wait_min"] = out["mean_secondary_wait_s"] / 60
    cols = ["financial_year", "line", "months", "target_s", "offered", "answered",
            "answered_within_target", "within_target_share", "abandoned", "abandonment_rate",
            "transferred_to_secondary", "transfer_share", "mean_secondary_wait_s",
            "mean_secondary_wait_min", "call_handlers_fte"]
    return out[cols]


def compare_years(monthly: pd.DataFrame, line: str, year: str, compare_with: str,
                  measure: str = "within_target_share", confidence: float = 0.95
                  ) -> MonthlyComparison | None:
    """One measure of one line in financial ``year`` against ``compare_with``, month by month
    (:func:`evaluation.methods.comparisons.compare_monthly_rates`): with about 30,000 calls
    a month the binomial noise on each call is negligible; what a comparison must beat is
    how much the months vary. None when either year has fewer than 2 months with a value.
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
    m = monthly_series(monthly)
    m = m.loc[m["line"] == str(line)]
    return _compare(m.loc[m["financial_year"] == year], m.loc[m["financial_year"] == compare_with],
                    measure, confidence)


def _compare(now: pd.DataFrame, then: pd.DataFrame, measure: str, confidence: float
             ) -> MonthlyComparison | None:
    a, b = now[measure].dropna(), then[measure].dropna()
    if len(a) < 2 or len(b) < 2:
        return None
    return compare_monthly_rates(a.to_numpy(float), b.to_numpy(float), confidence)


def year_comparison(monthly: pd.DataFrame, line: str, year: str, compare_with: str,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Answered within target and abandonment of one line in financial ``year`` against
    ``compare_with``: the year's count, base and rate, the other year's rate, the change in
    percentage points with its interval, and the month-by-month test
    (:func:`compare_years`). One row per measure; the p-value and interval are blank when a
    year has fewer than 2 months."""
    m = monthly_series(monthly)
    m = m.loc[m["line"] == str(line)]
    return _comparison_rows(m.loc[m["financial_year"] == year],
                            m.loc[m["financial_year"] == compare_with], str(line), year,
                            compare_with, confidence)


def period_comparison(monthly: pd.DataFrame, line: str, period_start: str, period_end: str,
                      confidence: float = 0.95) -> pd.DataFrame:
    """As :func:`year_comparison`, for the reporting period (any run of months) against the
    same months a year earlier; ``year`` and ``compared_with`` are the periods in words."""
    p0, p1 = reporting_months(period_start, period_end)
    m = monthly_series(monthly)
    m = m.loc[m["line"] == str(line)]
    months = m["month"].dt.to_period("M")
    return _comparison_rows(m.loc[(months >= p0) & (months <= p1)],
                            m.loc[(months >= p0 - 12) & (months <= p1 - 12)], str(line),
                            period_label(p0, p1), period_label(p0 - 12, p1 - 12), confidence)


def _comparison_rows(now: pd.DataFrame, then: pd.DataFrame, line: str, label: str,
                     compared_with: str, confidence: float) -> pd.DataFrame:
    if now.empty or then.empty:
        return pd.DataFrame(columns=list(YEAR_COMPARISON_LABELS))
    rows = []
    for measure, count, base in (("within_target_share", "answered_within_target", "answered"),
                                 ("abandonment_rate", "abandoned", "offered")):
        cmp = _compare(now, then, measure, confidence)
        rate = float(now[count].sum() / now[base].sum())
        rate_then = float(then[count].sum() / then[base].sum())
        rows.append({
            "line": line, "measure": measure, "year": label, "compared_with": compared_with,
            "months": len(now), "target_s": int(now["target_s"].max()),
            "count": int(now[count].sum()), "base": int(now[base].sum()),
            "rate": rate, "rate_compared": rate_then,
            "difference_pp": 100 * (rate - rate_then),
            "lower_pp": math.nan if cmp is None else 100 * cmp.lower,
            "upper_pp": math.nan if cmp is None else 100 * cmp.upper,
            "p_value": math.nan if cmp is None else cmp.p_value,
            "evidence": "" if cmp is None else evidence(cmp.p_value),
            "test": "" if cmp is None else cmp.test,
            "improvement": _MEASURES[measure]["improvement"],
        })
    return pd.DataFrame(rows)


YEAR_COMPARISON_LABELS: dict[str, str] = {
    "line": "Line", "measure": "Measure", "year": "Year", "compared_with": "Compared with",
    "months": "Months", "target_s": "Target (s)", "count": "Calls", "base": "Of",
    "rate": "Rate",
    "rate_compared": "Rate then", "difference_pp": "Change (pp)",
    "lower_pp": "95% CI lower (pp)", "upper_pp": "95% CI upper (pp)", "p_value": "p-value",
    "evidence": "Evidence of a change", "test": "Test", "improvement": "Better when",
}


FY_LABELS: dict[str, str] = {
    "financial_year": "Financial year",
    "line": "Line",
    "months": "Months",
    "target_s": "Target (s)",
    "offered": "Calls offered",
    "answered": "Answered",
    "answered_within_target": "Answered within target",
    "within_target_share": "Within target (% of answered)",
    "abandoned": "Abandoned",
    "abandonment_rate": "Abandoned (% of offered)",
    "transferred_to_secondary": "Transferred to secondary",
    "transfer_share": "Transferred (% of answered)",
    "mean_secondary_wait_s": "Mean secondary wait (s)",
    "mean_secondary_wait_min": "Mean secondary wait (minutes)",
    "call_handlers_fte": "Call handlers (FTE, mean)",
}


# --------------------------------------------------------------------------- SPC
def kpi_xmr(
    monthly: pd.DataFrame, line: str, measure: str, target: float | None = None,
    end: str | None = None, rebase_at: Sequence[str] = (), reasons: Sequence[str] = (),
    months: int | None = None,
) -> XmRResult:
    """XmR chart of one monthly measure of one line (``call_handling_monthly``).

    ``measure`` is ``within_target_share``, ``abandonment_rate``, ``transfer_share`` or
    ``mean_secondary_wait_s``; months with no value (e.g. no transfers) are left out. ``end``
    (a date) drops later months; ``months`` keeps only the last so many (the run's SPC
    window, as the scorecard uses). ``rebase_at`` lists months ("YYYY-MM") where a known change
    to the process started (the framework's recorded process changes, with ``reasons``): the
    mean and limits are recalculated from there; changes outside the series are left out. The
    limits of a
    share are clipped to 0–100% (``bounds`` of :func:`evaluation.methods.spc.xmr`).
    """
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
    m = monthly_series(monthly)
    m = m.loc[m["line"] == str(line)]
    if end is not None:
        m = m.loc[m["month"] <= pd.Timestamp(end)]
    series = m.set_index("month")[measure].dropna().astype(float)
    if months is not None:
        series = series.iloc[-months:]
    if series.empty:
        raise ValueError(f"no {measure} values for line {line}")
    why = list(reasons) or [""] * len(rebase_at)
    if len(why) != len(rebase_at):
        raise ValueError("reasons must give one reason per month of rebase_at")
    changes = [(pd.Timestamp(str(r)[:7] + "-01"), w) for r, w in zip(rebase_at, why, strict=True)]
    changes = [(r, w) for r, w in changes if series.index[0] < r <= series.index[-1]]
    bounds = (0.0, 1.0) if _MEASURES[measure]["unit"] == "share" else (None, None)
    return xmr(series, improvement=_MEASURES[measure]["improvement"],  # type: ignore[arg-type]
               target=target, rebase_at=[r for r, _ in changes],
               reasons=[w for _, w in changes], bounds=bounds)


def xmr_table(result: XmRResult) -> pd.DataFrame:
    """The points of an XmR chart as a table (month, value, mean, limits, variation)."""
    p = result.points.reset_index()
    p = p.rename(columns={p.columns[0]: "month"})
    return p[["month", "value", "mean", "lpl", "upl", "special_cause", "variation"]]


# --------------------------------------------------------------------------- before/after
def _window(months: pd.Series, change: pd.Timestamp, n: int) -> tuple[pd.Series, pd.Series]:
    before = (months < change) & (months >= change - pd.DateOffset(months=n))
    after = (months >= change) & (months < change + pd.DateOffset(months=n))
    return before, after


def before_after(
    monthly: pd.DataFrame, change_month: str, months: int = 5, line: str = "101",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Rates in the ``months`` months before ``change_month`` against the ``months`` months
    from it (answered within target, abandoned, transferred), each compared month by month
    (:func:`evaluation.methods.comparisons.compare_monthly_rates`, Welch's t-test on the
    monthly rates: the variation that matters for thousands of calls a month is between
    months, not between calls). Rates are the means of the monthly rates; difference_pp =
    after − before in percentage points, with its interval (lower_pp, upper_pp), p-value and
    the strength of evidence
    (:func:`evaluation.methods.comparisons.evidence`).
    """
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise ValueError(f"months must be a whole number of at least 1, got {months!r}")
    m = monthly_series(monthly)
    m = m.loc[m["line"] == str(line)]
    change = pd.Timestamp(str(change_month)[:7] + "-01")
    b_mask, a_mask = _window(m["month"], change, int(months))
    before, after = m.loc[b_mask], m.loc[a_mask]
    if before.empty or after.empty:
        raise ValueError(f"no {line} months on both sides of {change_month} in the monthly "
                         "data; choose another change_month")
    rows = []
    for measure, num, den in (("within_target_share", "answered_within_target", "answered"),
                              ("abandonment_rate", "abandoned", "offered"),
                              ("transfer_share", "transferred_to_secondary", "answered")):
        x1, n1 = int(after[num].sum()), int(after[den].sum())
        x0, n0 = int(before[num].sum()), int(before[den].sum())
        if n0 == 0 or n1 == 0 or (x0 + x1 == 0 and measure == "transfer_share"):
            continue
        r1, r0 = after[measure].dropna(), before[measure].dropna()
        if len(r1) < 2 or len(r0) < 2:
            continue
        cmp = compare_monthly_rates(r1.to_numpy(float), r0.to_numpy(float), confidence)
        label = _MEASURES[measure]["label"]
        if measure == "within_target_share":
            label = f"answered within {int(m['target_s'].iloc[0])} seconds"
        rows.append({
            "line": str(line), "measure": label, "before": months_span(before["month"]),
            "before_count": x0, "before_base": n0, "before_rate": cmp.before_mean,
            "after": months_span(after["month"]), "after_count": x1, "after_base": n1,
            "after_rate": cmp.after_mean, "difference_pp": 100 * cmp.difference,
            "lower_pp": 100 * cmp.lower, "upper_pp": 100 * cmp.upper, "p_value": cmp.p_value,
            "evidence": evidence(cmp.p_value), "test": cmp.test,
            "improvement": _MEASURES[measure]["improvement"],
        })
    return pd.DataFrame(rows)


BEFORE_AFTER_LABELS: dict[str, str] = {
    "line": "Line", "measure": "Measure", "before": "Before", "before_count": "Calls (before)",
    "before_base": "Base (before)", "before_rate": "Rate before", "after": "After",
    "after_count": "Calls (after)", "after_base": "Base (after)",
    "after_rate": "Rate after", "difference_pp": "Change (pp, after − before)",
    "lower_pp": "95% CI lower (pp)", "upper_pp": "95% CI upper (pp)", "p_value": "p-value",
    "evidence": "Evidence of a change",
}


def secondary_wait_before_after(
    monthly: pd.DataFrame, change_month: str, months: int = 5, line: str = "101",
) -> pd.DataFrame:
    """Mean wait for a secondary handler before and after ``change_month`` (weighted by calls
    transferred), with call handlers in post (FTE)."""
    m = monthly_series(monthly)
    m = m.loc[(m["line"] == str(line)) & m["mean_secondary_wait_s"].notna()]
    change = pd.Timestamp(str(change_month)[:7] + "-01")
    rows = []
    for period, mask in zip(("before", "after"), _window(m["month"], change, months),
                            strict=True):
        part = m.loc[mask]
        if part.empty:
            continue
        weight = part["transferred_to_secondary"].astype(float)
        mean_s = float((part["mean_secondary_wait_s"] * weight).sum() / weight.sum())
        rows.append({"period": period, "months": months_span(part["month"]),
                     "transferred_to_secondary": int(weight.sum()),
                     "mean_secondary_wait_s": mean_s, "mean_secondary_wait_min": mean_s / 60,
                     "call_handlers_fte": float(part["call_handlers_fte"].mean())})
    return pd.DataFrame(rows)


STAFFING_LABELS: dict[str, str] = {
    "line": "Line", "target_s": "Target (s)", "calls_per_week": "Calls a week",
    "handler_hours_needed": "Handler-hours needed (Erlang C)",
    "peak_handlers_needed": "Most handlers needed in an hour",
    "handler_hours_rostered": "Handler-hours on the rota", "hours_in_week": "Hours in the week",
    "hours_understaffed": "Hours under-staffed", "largest_shortfall": "Largest shortfall",
    "service_level_rota": "Expected within target, rota (% of answered)",
    "abandoned_rota": "Expected abandoned, rota (%)",
    "extra_handlers": "Extra handlers on shift",
    "service_level_plus": "Expected within target with extra handlers (% of answered)",
    "abandoned_plus": "Expected abandoned with extra handlers (%)",
    "service_level_gain_pp": "Gain (percentage points)",
    "service_level_target": "Planned within target (%)",
}


LABELS: dict[str, str] = {**KPI_LABELS, **FY_LABELS, **BEFORE_AFTER_LABELS, **STAFFING_LABELS,
                          **YEAR_COMPARISON_LABELS,
                          "period": "Period", "months": "Months",
                          "value": "Value", "mean": "Mean", "lpl": "Lower process limit",
                          "upl": "Upper process limit", "special_cause": "Special cause",
                          "variation": "Variation"}


BEFORE_AFTER_COLUMNS: tuple[str, ...] = tuple(BEFORE_AFTER_LABELS)
"""Columns of :func:`before_after` shown in the paper."""
CALLBACK_COUNTS: tuple[str, ...] = tuple(LABELS[c] for c in ("callbacks_requested",
                                                             "callbacks_made",
                                                             "callbacks_within"))
"""Headings of the call-back counts in a :func:`display_table` of KPIs (for suppression)."""
CALLBACK_RATES: dict[str, list[str]] = {LABELS["callback_within_share"]:
                                        [LABELS["callbacks_requested"]]}


def for_line(df: pd.DataFrame, line: str) -> pd.DataFrame:
    """The rows of one line (e.g. the data behind a chart of that line)."""
    return df.loc[df["line"].astype(str) == str(line)].reset_index(drop=True)
