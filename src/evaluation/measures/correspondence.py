"""Correspondence to the OPCC: items received a month, topics and response times.

Response times are counted in working days (Monday to Friday, less any ``holidays`` given):
an item received on a Monday and answered the next Monday took 5 working days. An item is
answered within target when it took no more than ``target_days`` working days.

Timeliness is judged as at the end of the reporting period: of the items received in the
period, those answered (whenever the data record the answer) count as answered within target
or late, those still open and already past the target count as late, and those still open
but not yet due are left out of the base ("not yet due").
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaluation.measures.engagement import check_published
from evaluation.methods.comparisons import MonthlyComparison, compare_monthly_rates, holm
from evaluation.methods.periods import (
    claim_window,
    months_of,
    period_label,
    previous_months,
    reporting_months,
)
from evaluation.methods.proportions import compare_proportions
from evaluation.methods.spc import XmRResult, xmr

log = logging.getLogger(__name__)

TOPICS: tuple[str, ...] = ("police visibility", "burglary", "anti-social behaviour",
                           "call handling", "mental health", "speeding", "other")


def _check(items: pd.DataFrame) -> None:
    missing = {"item_id", "received_date", "topic", "responded_date"} - set(items.columns)
    if missing:
        raise ValueError(f"correspondence needs columns {sorted(missing)}")


def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy().astype("datetime64[D]")


def working_days(received: pd.Series, responded: pd.Series,
                 holidays: Sequence[str] = ()) -> pd.Series:
    """Working days from receipt to response (NaN where there is no response yet)."""
    out = pd.Series(np.nan, index=received.index, dtype=float)
    done = responded.notna() & received.notna()
    if done.any():
        hol = np.array(list(holidays), dtype="datetime64[D]")
        out[done] = np.busday_count(_days(received[done]), _days(responded[done]),
                                    holidays=hol).astype(float)
    if (out < 0).any():
        raise ValueError("a responded_date is before its received_date")
    return out


def monthly_received(items: pd.DataFrame, end: str, start: str | None = None) -> pd.DataFrame:
    """Items received per month up to the month of ``end`` (from ``start`` or the first item).

    Columns: month ('YYYY-MM'), received. Months with no items get 0.
    """
    _check(items)
    month = months_of(items["received_date"])
    last = pd.Period(str(end)[:7], "M")
    first = pd.Period(str(start)[:7], "M") if start else month.min()
    counts = month.value_counts().reindex(pd.period_range(first, last, freq="M"), fill_value=0)
    return pd.DataFrame({"month": counts.index.astype(str), "received": counts.to_numpy()})


def received_change(monthly: pd.DataFrame, start: str, end: str) -> MonthlyComparison:
    """Items received a month in the period against the same months a year earlier, by
    Welch's t-test on the monthly counts: the test the indicator table uses, so the chapter
    and the scorecard give one p-value."""
    p0, p1 = reporting_months(start, end)
    month = pd.PeriodIndex(monthly["month"], freq="M")
    now = monthly.loc[(month >= p0) & (month <= p1), "received"].astype(float)
    before = monthly.loc[(month >= p0 - 12) & (month <= p1 - 12), "received"].astype(float)
    return compare_monthly_rates(now.to_numpy(), before.to_numpy())


def received_xmr(monthly: pd.DataFrame, months: int = 36) -> XmRResult:
    """XmR chart of items received a month over the last ``months`` months (neutral)."""
    series = monthly.set_index(pd.PeriodIndex(monthly["month"], freq="M").to_timestamp())
    series = series["received"].astype(float).iloc[-months:]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # trial limits are said in the sentence
        return xmr(series, improvement="neutral")


def received_summary(monthly: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Items received in the period and the period before: total, mean, lowest, highest a month.

    Columns: Period, Months, Items received, Mean a month, Lowest month, Highest month.
    """
    rows = []
    month = pd.PeriodIndex(monthly["month"], freq="M")
    for label, (p0, p1) in (("Reporting period", reporting_months(start, end)),
                            ("Previous period", previous_months(start, end))):
        sel = monthly.loc[(month >= p0) & (month <= p1), "received"]
        rows.append({
            "Period": f"{label} ({period_label(p0, p1)})",
            "Months": len(sel),
            "Items received": int(sel.sum()),
            "Mean a month": float(sel.mean()) if len(sel) else float("nan"),
            "Lowest month": float(sel.min()) if len(sel) else float("nan"),
            "Highest month": float(sel.max()) if len(sel) else float("nan"),
        })
    return pd.DataFrame(rows)


def lowest_month(monthly: pd.DataFrame, start: str, end: str) -> float:
    """The fewest items received in any month of the period ("in excess of N a month")."""
    p0, p1 = reporting_months(start, end)
    month = pd.PeriodIndex(monthly["month"], freq="M")
    sel = monthly.loc[(month >= p0) & (month <= p1), "received"]
    if sel.empty:
        return float("nan")
    return float(sel.min())


def topic_share_tests(table: pd.DataFrame) -> pd.DataFrame:
    """Each topic's change in share (:func:`topic_shares`) tested: a two-proportion z-test
    of its items among all items, this period against the previous one, with the p-values
    Holm-adjusted over the topics (picking the largest of several changes is several
    tests). Columns: Topic, Change in share (pp), p-value, p-value (Holm). Empty when the
    previous period has no items."""
    body, total = table.iloc[:-1], table.iloc[-1]
    if total["Previous period"] <= 0 or total["Items"] <= 0:
        return pd.DataFrame(columns=["Topic", "Change in share (pp)", "p-value",
                                     "p-value (Holm)"])
    p = [compare_proportions(r["Items"], total["Items"], r["Previous period"],
                             total["Previous period"]).p_value for _, r in body.iterrows()]
    return pd.DataFrame({"Topic": body["Topic"].to_numpy(),
                         "Change in share (pp)": body["Change in share (pp)"].to_numpy(),
                         "p-value": p, "p-value (Holm)": holm(p)})


def topic_shares(items: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Items by topic in the period and the period before, with each topic's share (0-1).

    Columns: Topic, Items, Share, Previous period, Previous share, Change in share (pp)
    (percentage points, e.g. 2.0). Last row "All topics".
    """
    _check(items)
    month = months_of(items["received_date"])
    p0, p1 = reporting_months(start, end)
    q0, q1 = previous_months(start, end)
    now = items.loc[(month >= p0) & (month <= p1), "topic"].value_counts()
    before = items.loc[(month >= q0) & (month <= q1), "topic"].value_counts()
    present = set(items["topic"].dropna().unique())
    topics = [t for t in TOPICS if t in present]
    topics += sorted(present - set(TOPICS))
    out = pd.DataFrame({"Topic": topics})
    out["Items"] = [int(now.get(t, 0)) for t in topics]
    out["Share"] = out["Items"] / max(out["Items"].sum(), 1)
    out["Previous period"] = [int(before.get(t, 0)) for t in topics]
    out["Previous share"] = out["Previous period"] / max(out["Previous period"].sum(), 1)
    out["Change in share (pp)"] = 100 * (out["Share"] - out["Previous share"])
    out = out.sort_values(["Items", "Topic"], ascending=[False, True]).reset_index(drop=True)
    total = pd.DataFrame({"Topic": ["All topics"], "Items": [out["Items"].sum()],
                          "Share": [1.0], "Previous period": [out["Previous period"].sum()],
                          "Previous share": [1.0], "Change in share (pp)": [0.0]})
    out = pd.concat([out, total], ignore_index=True)
    out["Topic"] = [t[0].upper() + t[1:] for t in out["Topic"]]
    return out


def response_times(items: pd.DataFrame, start: str, end: str, target_days: int = 20,
                   holidays: Sequence[str] = ()) -> pd.DataFrame:
    """Response times by topic for items received in the period (see the module docstring).

    Columns: Topic, Received, Answered, Median working days, 90th percentile working days,
    Answered within target, Late (answered late or open past target), Not yet due,
    Within target (share, 0-1, of Answered within target + Late), Target (working days).
    Last row "All topics".
    """
    _check(items)
    if target_days < 1:
        raise ValueError(f"target_days must be at least 1, got {target_days!r}")
    month = months_of(items["received_date"])
    p0, p1 = reporting_months(start, end)
    sel = items.loc[(month >= p0) & (month <= p1)].copy()
    sel["days"] = working_days(sel["received_date"], sel["responded_date"], holidays)
    cut = pd.Series(p1.end_time.normalize(), index=sel.index)
    age = working_days(sel["received_date"], cut, holidays)
    open_ = sel["days"].isna()
    sel["within"] = ~open_ & (sel["days"] <= target_days)
    sel["late"] = (~open_ & (sel["days"] > target_days)) | (open_ & (age > target_days))
    sel["not_due"] = open_ & (age <= target_days)
    topics = [t for t in TOPICS if t in set(sel["topic"])]
    topics += sorted(set(sel["topic"].dropna()) - set(TOPICS))
    rows = []
    for topic in [*topics, None]:
        g = sel if topic is None else sel.loc[sel["topic"] == topic]
        days = g["days"].dropna()
        within, late = int(g["within"].sum()), int(g["late"].sum())
        rows.append({
            "Topic": "All topics" if topic is None else topic[0].upper() + topic[1:],
            "Received": len(g),
            "Answered": len(days),
            "Median working days": float(days.median()) if len(days) else float("nan"),
            "90th percentile working days": float(days.quantile(0.9, interpolation="lower"))
            if len(days) else float("nan"),
            "Answered within target": within,
            "Late": late,
            "Not yet due": int(g["not_due"].sum()),
            "Within target": within / (within + late) if within + late else float("nan"),
            "Target (working days)": int(target_days),
        })
    return pd.DataFrame(rows)


def _open_at(items: pd.DataFrame, end: str, holidays: Sequence[str]
             ) -> tuple[pd.DataFrame, pd.Series]:
    """The items received by the period end with no response by then, and each one's age
    in working days at the end."""
    _check(items)
    cut = pd.Period(str(end)[:7], "M").end_time.normalize()
    received = pd.to_datetime(items["received_date"])
    responded = pd.to_datetime(items["responded_date"])
    still = items.loc[(received <= cut) & (responded.isna() | (responded > cut))]
    return still, working_days(still["received_date"], pd.Series(cut, index=still.index),
                               holidays)


def open_items(items: pd.DataFrame, end: str, target_days: int = 20,
               holidays: Sequence[str] = ()) -> pd.DataFrame:
    """Items received by the period end with no response by then, by age in working days.

    Columns: Age, Open items. Age bands: within target, past target; then "All open items".
    (A finer split of the items past the target, with the backlog table's split by when they
    came in, would let a reader work out a small count by subtraction.)
    """
    still, age = _open_at(items, end, holidays)
    bands = [
        (f"Within target ({target_days} working days or fewer)", age <= target_days),
        (f"Past the target (more than {target_days} working days)", age > target_days),
    ]
    return pd.DataFrame({"Age": [b[0] for b in bands] + ["All open items"],
                         "Open items": [int(m.sum()) for _, m in bands] + [len(still)]})


def backlog(items: pd.DataFrame, start: str, end: str, target_days: int = 20,
            holidays: Sequence[str] = ()) -> pd.DataFrame:
    """The items open past the target at the period's end, by when they were received: a
    backlog the period's within-target share cannot show (it counts only items received in
    the period). One row: Target (working days), Received before the period, Received in the
    period, All open past the target."""
    still, age = _open_at(items, end, holidays)
    overdue = still.loc[age > target_days]
    first = pd.Period(str(start)[:7], "M").start_time
    before = int((pd.to_datetime(overdue["received_date"]) < first).sum())
    return pd.DataFrame({"Target (working days)": [target_days],
                         "Received before the period": [before],
                         "Received in the period": [len(overdue) - before],
                         "All open past the target": [len(overdue)]})


def published_figure_checks(figures: pd.DataFrame, monthly: pd.DataFrame
                            ) -> list[dict[str, object]]:
    """The 2016 paper's "in excess of 120 pieces of correspondence per month" against the
    fewest items received in any of the 12 complete months before the paper."""
    fid = "correspondence_per_month"
    start, end = claim_window(str(figures.loc[fid, "period_end"]))
    p0, p1 = reporting_months(start, end)
    return [check_published(figures, fid, lowest_month(monthly, start, end),
                            f"fewest items in any month, {period_label(p0, p1)}")]
