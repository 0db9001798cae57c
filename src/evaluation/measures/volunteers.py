"""Volunteers: Special Constables against their target, hours given, cadets and Speedwatch.

The 2016 paper (10.3, 10.4, 10.6) sets the Commissioner's aim to keep Special Constables at
300, says each gives on average over 21 hours a month, and counts Volunteer Police Cadet
units and Speedwatch schemes. Hours per special in a month are the month's total hours over
the month's headcount; for a period they are total hours over the sum of monthly headcounts
(so a month with more specials weighs more).
"""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd

from evaluation.measures.engagement import check_published
from evaluation.methods.periods import (
    claim_window,
    month_index,
    period_label,
    previous_months,
    reporting_months,
)
from evaluation.methods.spc import XmRResult, xmr

log = logging.getLogger(__name__)

COLUMNS = ("month", "special_constables", "special_hours", "cadet_units", "speedwatch_schemes")


def volunteers_monthly(vol: pd.DataFrame) -> pd.DataFrame:
    """The volunteers data in month order with hours per special (NaN with no specials)."""
    missing = set(COLUMNS) - set(vol.columns)
    if missing:
        raise ValueError(f"volunteers needs columns {sorted(missing)}")
    out = vol[list(COLUMNS)].copy()
    out["month"] = month_index(out["month"])
    out = out.sort_values("month").reset_index(drop=True)
    heads = out["special_constables"].astype(float)
    out["hours_per_special"] = (out["special_hours"].astype(float) / heads).where(heads > 0)
    return out


def _between(m: pd.DataFrame, p0: pd.Period, p1: pd.Period) -> pd.DataFrame:
    return m.loc[(m["month"] >= p0) & (m["month"] <= p1)]


def volunteers_summary(vol: pd.DataFrame, start: str, end: str, target: int = 300
                       ) -> pd.DataFrame:
    """Specials, hours, cadet units and Speedwatch schemes for the period and the one before.

    Columns: Period, Special Constables at the end, Target, Short of target, Hours given,
    Hours per special a month, Cadet units at the end, Speedwatch schemes at the end.
    """
    m = volunteers_monthly(vol)
    rows = []
    for label, (p0, p1) in (("Reporting period", reporting_months(start, end)),
                            ("Previous period", previous_months(start, end))):
        sel = _between(m, p0, p1)
        if sel.empty:
            continue
        last = sel.iloc[-1]
        heads = float(sel["special_constables"].sum())
        rows.append({
            "Period": f"{label} ({period_label(p0, p1)})",
            "Special Constables at the end": int(last["special_constables"]),
            "Target": int(target),
            "Short of target": int(target) - int(last["special_constables"]),
            "Hours given": float(sel["special_hours"].sum()),
            "Hours per special a month": float(sel["special_hours"].sum()) / heads
            if heads else np.nan,
            "Cadet units at the end": int(last["cadet_units"]),
            "Speedwatch schemes at the end": int(last["speedwatch_schemes"]),
        })
    if not rows or not rows[0]["Period"].startswith("Reporting"):
        raise ValueError(f"no volunteers data from {start} to {end}")
    return pd.DataFrame(rows)


def _series(m: pd.DataFrame, column: str, end: str, months: int) -> pd.Series:
    last = pd.Period(str(end)[:7], "M")
    sel = m.loc[m["month"] <= last].iloc[-months:]
    return pd.Series(sel[column].astype(float).to_numpy(),
                     index=sel["month"].dt.to_timestamp())


def headcount_xmr(vol: pd.DataFrame, end: str, months: int = 36, target: int = 300
                  ) -> XmRResult:
    """XmR chart of Special Constables a month (higher is better) with the target."""
    series = _series(volunteers_monthly(vol), "special_constables", end, months)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(series, improvement="increase", target=target)


def hours_xmr(vol: pd.DataFrame, end: str, months: int = 36) -> XmRResult:
    """XmR chart of hours given per special a month (higher is better)."""
    series = _series(volunteers_monthly(vol), "hours_per_special", end, months).dropna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(series, improvement="increase")


def value_in_month(vol: pd.DataFrame, column: str, month: str) -> float:
    """One measure (including hours_per_special) in one month; NaN if the month is absent."""
    m = volunteers_monthly(vol)
    sel = m.loc[m["month"] == pd.Period(str(month)[:7], "M"), column]
    return float(sel.iloc[0]) if len(sel) else float("nan")


def mean_hours_per_special(vol: pd.DataFrame, start: str, end: str) -> float:
    """Total hours over the sum of monthly headcounts in a period."""
    sel = _between(volunteers_monthly(vol), *reporting_months(start, end))
    heads = float(sel["special_constables"].sum())
    return float(sel["special_hours"].sum()) / heads if heads else float("nan")


def published_figure_checks(figures: pd.DataFrame, vol: pd.DataFrame
                            ) -> list[dict[str, object]]:
    """The 2016 paper's specials (over 280), hours (over 21 a month) and cadet units (four):
    headcount and units in the month of the paper, hours over the 12 complete months before."""
    rows = []
    for fid, column, words in (("specials_headcount", "special_constables",
                                "Special Constables"),
                               ("cadet_units", "cadet_units", "cadet units")):
        month = pd.Period(str(figures.loc[fid, "period_end"])[:7], "M")
        rows.append(check_published(figures, fid, value_in_month(vol, column, str(month)),
                                    f"{words}, {month.strftime('%B %Y')}"))
    start, end = claim_window(str(figures.loc["specials_hours", "period_end"]))
    p0, p1 = reporting_months(start, end)
    rows.append(check_published(figures, "specials_hours",
                                round(mean_hours_per_special(vol, start, end), 1),
                                f"hours per special a month, {period_label(p0, p1)}"))
    return rows


