"""Victims' Hub: the referral funnel, stage conversion rates, monthly contact rate (XmR).
(The 2016 paper's Hub figures are checked in :mod:`evaluation.measures.calibration`.)

Input is the ``victims_hub`` dataset (one row per month: ``referred``, ``contacted``,
``not_contactable``, ``supported``, ``declined``) as returned by
``evaluation.data.loaders.load``. Every function works on frames; none reads a file.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pandas as pd

from evaluation.methods.comparisons import compare_monthly_rates, evidence
from evaluation.methods.periods import months_label, period_label, previous_months, reporting_months
from evaluation.methods.proportions import wilson_interval
from evaluation.methods.spc import XmRResult, xmr

log = logging.getLogger(__name__)

STAGES: tuple[str, ...] = ("referred", "contacted", "not_contactable", "supported", "declined")
STAGE_LABELS: dict[str, str] = {
    "referred": "Referred",
    "contacted": "Contacted",
    "not_contactable": "Not contactable after three attempts",
    "supported": "Supported",
    "declined": "Declined support",
}
# (numerator stage, base stage, plain-English name) for each conversion reported
CONVERSIONS: tuple[tuple[str, str, str], ...] = (
    ("contacted", "referred", "Contacted, of those referred"),
    ("supported", "contacted", "Supported, of those contacted"),
    ("supported", "referred", "Supported, of those referred"),
)
"""A figure published as "around" X is supported when the data lie within 5% of X."""


def _month(value: object) -> pd.Timestamp:
    return pd.Period(str(value)[:7], freq="M").to_timestamp()


def monthly(hub: pd.DataFrame) -> pd.DataFrame:
    """The funnel by month in time order with ``contact_rate`` (contacted / referred) and
    ``support_rate`` (supported / contacted); a rate is blank when its base is zero."""
    missing = [c for c in ("month", *STAGES) if c not in hub.columns]
    if missing:
        raise ValueError(f"victims_hub data needs columns {missing}")
    out = hub[["month", *STAGES]].copy()
    out["month"] = [_month(m) for m in out["month"]]
    out = out.sort_values("month").reset_index(drop=True)
    for col in STAGES:
        out[col] = out[col].astype("float64")
    out["contact_rate"] = out["contacted"] / out["referred"].where(out["referred"] > 0)
    out["support_rate"] = out["supported"] / out["contacted"].where(out["contacted"] > 0)
    return out


def select_months(hub: pd.DataFrame, start: object = None, end: object = None) -> pd.DataFrame:
    """Months from the month of ``start`` to the month of ``end`` (both inclusive; None = open)."""
    m = monthly(hub)
    keep = pd.Series(True, index=m.index)
    if start not in (None, ""):
        keep &= m["month"] >= _month(start)
    if end not in (None, ""):
        keep &= m["month"] <= _month(end)
    return m.loc[keep].reset_index(drop=True)


def report_periods(launch: str, period_start: str, period_end: str
                   ) -> dict[str, tuple[str, str]]:
    """The two periods the section reports: since the hub's launch, and the reporting period."""
    return {"Since launch": (launch, period_end), "Reporting period": (period_start, period_end)}


def funnel_table(hub: pd.DataFrame, periods: Mapping[str, tuple[object, object]]
                 ) -> pd.DataFrame:
    """Victims at each stage for each period, with the share of referrals at that stage.

    Columns: Period, Months, Stage, Victims, Share of referrals (0–1).
    """
    rows = []
    for name, (start, end) in periods.items():
        months = select_months(hub, start, end)
        totals = months[list(STAGES)].sum()
        for stage in STAGES:
            rows.append({
                "Period": name,
                "Months": months_label(months),
                "Stage": STAGE_LABELS[stage],
                "Victims": int(totals[stage]),
                "Share of referrals": (totals[stage] / totals["referred"]
                                       if totals["referred"] > 0 else float("nan")),
            })
    return pd.DataFrame(rows)


def conversion_table(hub: pd.DataFrame, periods: Mapping[str, tuple[object, object]],
                     confidence: float = 0.95) -> pd.DataFrame:
    """Stage conversion rates with Wilson intervals for each period.

    Columns: Period, Months, Conversion, Victims (the numerator), Base (the denominator),
    Rate, Lower, Upper (0–1; blank when the base is zero), Confidence level.
    """
    rows = []
    for name, (start, end) in periods.items():
        months = select_months(hub, start, end)
        totals = months[list(STAGES)].sum()
        for num, base, label in CONVERSIONS:
            x, n = float(totals[num]), float(totals[base])
            if n > 0:
                lower, upper = wilson_interval(x, n, confidence)
                rate = x / n
            else:
                lower = upper = rate = float("nan")
            rows.append({"Period": name, "Months": months_label(months), "Conversion": label,
                         "Victims": int(x), "Base": int(n), "Rate": rate, "Lower": lower,
                         "Upper": upper, "Confidence level": confidence})
    return pd.DataFrame(rows)


def period_comparison(hub: pd.DataFrame, period_start: str, period_end: str,
                      confidence: float = 0.95) -> pd.DataFrame:
    """The monthly contact rate of the reporting period against the same number of months
    just before it: two separate periods, compared month by month (Welch's t-test on the
    monthly rates, :func:`evaluation.methods.comparisons.compare_monthly_rates`). One row:
    period, months, rate (contacted / referred), previous period, its months and rate,
    difference in percentage points with its interval, p-value, evidence and test. Empty
    when either period has fewer than 2 months with referrals.
    """
    m = monthly(hub)
    p0, p1 = reporting_months(period_start, period_end)
    q0, q1 = previous_months(period_start, period_end)
    months = pd.PeriodIndex(m["month"], freq="M")
    now = m.loc[(months >= p0) & (months <= p1) & (m["referred"] > 0)]
    before = m.loc[(months >= q0) & (months <= q1) & (m["referred"] > 0)]
    if len(now) < 2 or len(before) < 2:
        return pd.DataFrame()
    cmp = compare_monthly_rates(now["contact_rate"], before["contact_rate"], confidence)
    return pd.DataFrame([{
        "Period": period_label(p0, p1), "Months": len(now),
        "Rate": now["contacted"].sum() / now["referred"].sum(),
        "Previous period": period_label(q0, q1), "Previous months": len(before),
        "Previous rate": before["contacted"].sum() / before["referred"].sum(),
        "Change (pp)": 100 * cmp.difference, "Lower (pp)": 100 * cmp.lower,
        "Upper (pp)": 100 * cmp.upper, "p-value": cmp.p_value,
        "Evidence": evidence(cmp.p_value), "Test": cmp.test,
    }])


def contact_rate_xmr(hub: pd.DataFrame, start: object = None, end: object = None,
                     target: float | None = None, months: int | None = None) -> XmRResult:
    """XmR chart of the monthly contact rate (contacted / referred, 0–1), higher is better,
    from ``start`` to ``end`` (the last ``months`` of them when given: the run's SPC window).

    Months with no referrals are left out (a rate needs a base); the limits are clipped to
    0–100% (``bounds`` of :func:`evaluation.methods.spc.xmr`).
    """
    m = select_months(hub, start, end).dropna(subset=["contact_rate"])
    if months is not None:
        m = m.iloc[-months:]
    series = pd.Series(m["contact_rate"].to_numpy(), index=pd.DatetimeIndex(m["month"]),
                       name="contact_rate")
    return xmr(series, improvement="increase", target=target, bounds=(0, 1))


def xmr_table(hub: pd.DataFrame, result: XmRResult) -> pd.DataFrame:
    """The data behind the XmR chart: month, referrals, contacted, rate, mean, limits, variation."""
    m = monthly(hub).set_index("month")
    p = result.points
    return pd.DataFrame({
        "Month": [d.strftime("%Y-%m") for d in p.index],
        "Referred": m.loc[p.index, "referred"].astype(int).to_numpy(),
        "Contacted": m.loc[p.index, "contacted"].astype(int).to_numpy(),
        "Contact rate": p["value"].to_numpy(),
        "Mean": p["mean"].to_numpy(),
        "Lower process limit": p["lpl"].to_numpy(),
        "Upper process limit": p["upl"].to_numpy(),
        "Special cause": p["special_cause"].to_numpy(),
        "Variation": p["variation"].to_numpy(),
    })


