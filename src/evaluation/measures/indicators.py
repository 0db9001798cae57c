"""The indicator table: every indicator of the framework computed once, for the reporting
period, with the period before it, its target and its SPC verdict.

One row per indicator (:func:`indicator_table`), written as ``indicators.csv`` beside the
paper: the value for the reporting period (pooled from the months' numerators and
denominators for a rate, the mean month for a count, the period-end value for a stock or a
rolling rate), the same for the same months a year earlier, the change and its test (the
monthly values of the two periods, Welch's t-test), the target, its source and whether the
period's value meets it, and the XmR verdict of the scorecard. An indicator with no data in
the period gets a row that says why, never a figure from another period.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.config.framework import Framework
from evaluation.measures.scorecard import (
    MEASURES,
    NOT_PROPORTIONS,
    Assessment,
    Sources,
    measure_counts,
    measure_series,
)
from evaluation.methods.comparisons import compare_monthly_rates, evidence
from evaluation.methods.periods import period_label, reporting_months
from evaluation.methods.proportions import wilson_interval

__all__ = ["INDICATOR_COLUMNS", "assurance_of", "indicator_table"]

INDICATOR_COLUMNS: tuple[str, ...] = (
    "id", "name", "objective", "unit", "improvement", "period_start", "period_end",
    "months", "value", "numerator", "denominator", "lower", "upper", "how",
    "previous_period", "previous_value", "change", "change_pp", "change_p_value",
    "change_evidence",
    "change_test", "target", "target_source", "target_met", "minimum_important_difference",
    "spc_status", "spc_mean", "spc_lower_limit", "spc_upper_limit", "assurance",
    "process_changes", "measure", "not_available", "owner", "restricted", "latest_month",
    "latest_value",
)


def _window(series: pd.Series, p0: pd.Period, p1: pd.Period) -> pd.Series:
    return series.loc[(series.index >= p0) & (series.index <= p1)]


def _period_value(name: str, unit: str, series: pd.Series, counts: pd.DataFrame | None,
                  p0: pd.Period, p1: pd.Period) -> dict[str, float]:
    """The period's value by the measure's rule, with numerator, denominator and interval."""
    rule = MEASURES[name].period
    out = {"value": math.nan, "numerator": math.nan, "denominator": math.nan,
           "lower": math.nan, "upper": math.nan}
    if rule == "pooled" and counts is not None:
        c = counts.loc[(counts["month"] >= p0) & (counts["month"] <= p1)]
        num, den = float(c["numerator"].sum()), float(c["denominator"].sum())
        if den > 0:
            out.update(value=num / den, numerator=num, denominator=den)
            if unit == "percent" and 0 <= num <= den and name not in NOT_PROPORTIONS:
                out["lower"], out["upper"] = wilson_interval(num, den)
        return out
    part = _window(series, p0, p1)
    if len(part):
        out["value"] = float(part.iloc[-1]) if rule == "last" else float(part.mean())
    return out


def _row(a: Assessment, framework: Framework, sources: Sources, p0: pd.Period,
         p1: pd.Period) -> dict[str, object]:
    ind = a.indicator
    q0, q1 = p0 - 12, p1 - 12
    row: dict[str, object] = {c: math.nan for c in INDICATOR_COLUMNS}
    row.update(id=ind.id, name=ind.name, objective=a.objective.name, unit=ind.unit,
               improvement=ind.improvement, period_start=str(p0), period_end=str(p1),
               measure=ind.measure, target=a.target if a.target is not None else math.nan,
               target_source=ind.target_source or "",
               minimum_important_difference=ind.minimum_important_difference or math.nan,
               process_changes="; ".join(f"{c.month}: {c.reason}" for c in ind.rebase_at),
               previous_period=period_label(q0, q1), how=MEASURES[ind.measure].period,
               not_available="", owner=ind.owner,
               restricted=ind.restricted)
    if a.unavailable is not None:
        row.update(months=0, not_available=f"not available for this period: {a.unavailable}")
        return row
    series = a.history if a.history is not None else measure_series(ind.measure, sources)
    counts = measure_counts(ind.measure, sources)
    now, before = _window(series, p0, p1), _window(series, q0, q1)
    row["months"] = len(now)
    if now.empty:
        first = series.index[0] if len(series) else None
        last = series.index[-1] if len(series) else None
        if first is None:
            span = "are empty"
        elif pd.Period(str(first)[:7], "M") > p1:
            span = f"start in {first}, after the period"
        else:
            span = f"end in {last}, before the period"
        row["not_available"] = f"not available for this period: the data {span}"
        return row
    row.update(_period_value(ind.measure, ind.unit, series, counts, p0, p1))
    previous = _period_value(ind.measure, ind.unit, series, counts, q0, q1)["value"]
    row["previous_value"] = previous
    if not math.isnan(previous):
        row["change"] = float(row["value"]) - previous  # type: ignore[arg-type]
        if ind.unit == "percent":
            row["change_pp"] = 100 * float(row["change"])  # type: ignore[arg-type]
    # a test on monthly values needs separate months: not for stocks (each month carries the
    # last) nor for rolling or running series
    measure = MEASURES[ind.measure]
    if (measure.series == "monthly" and measure.period != "last" and len(now) >= 2
            and len(before) >= 2):
        test = compare_monthly_rates(now.to_numpy(float), before.to_numpy(float))
        row.update(change_p_value=test.p_value, change_evidence=evidence(test.p_value),
                   change_test=test.test if ind.unit == "percent"
                   else test.test.replace("monthly rates", "monthly values"))
    if a.target is not None and ind.improvement != "neutral":
        better = (float(row["value"]) >= a.target) if ind.improvement == "increase" else (
            float(row["value"]) <= a.target)  # type: ignore[arg-type]
        row["target_met"] = "yes" if better else "no"
    row.update(_spc_columns(a))
    if a.latest_period is not None and str(a.latest_period) <= str(p1):
        row.update(latest_month=str(a.latest_period), latest_value=a.latest_value)
    return row


def _spc_columns(a: Assessment) -> dict[str, object]:
    if a.result is None:
        return {"spc_status": "line only" if a.series != "monthly" else "no data"}
    last = a.result.points.iloc[-1]
    status = "not stable" if a.result.mostly_special_cause else a.result.latest_variation
    if status == "not stable":  # no limits are drawn for it, so none are given
        return {"spc_status": status, "assurance": assurance_of(a, status)}
    low, high = _natural_bounds(a)
    return {"spc_status": status, "spc_mean": float(last["mean"]),
            "spc_lower_limit": max(float(last["lpl"]), low),
            "spc_upper_limit": min(float(last["upl"]), high),
            "assurance": assurance_of(a, status)}


def _natural_bounds(a: Assessment) -> tuple[float, float]:
    """The values a measure can take: a process limit beyond them (a share below 0 or above
    100%, a negative count) is given at the bound, as no month can pass it."""
    if a.indicator.unit == "percent":
        return (-1.0, 1.0) if a.indicator.measure in NOT_PROPORTIONS else (0.0, 1.0)
    return 0.0, math.inf


def assurance_of(a: Assessment, status: str) -> str:
    """Making Data Count assurance: from the limits; for a not-stable phase (no limits to
    judge by) only when every month of it meets, or every month misses, the target
    (:meth:`evaluation.methods.spc.XmRResult.phase_assurance`)."""
    if a.result is None or a.target is None or a.indicator.is_comparator:
        return ""  # a comparator is a benchmark, not a target: no assurance icon
    if status != "not stable":
        return a.result.assurance or ""
    return a.result.phase_assurance()


def indicator_table(framework: Framework, sources: Sources, assessments: Sequence[Assessment],
                    period_start: str, period_end: str) -> pd.DataFrame:
    """Every indicator for the reporting period: :data:`INDICATOR_COLUMNS`, in the
    framework's order (``assessments`` from :func:`evaluation.measures.scorecard.
    assess_framework`, whose SPC verdicts the rows carry)."""
    p0, p1 = reporting_months(period_start, period_end)
    rows = [_row(a, framework, sources, p0, p1) for a in assessments]
    out = pd.DataFrame(rows, columns=list(INDICATOR_COLUMNS))
    return out.replace({np.nan: None}).fillna(value=np.nan)
