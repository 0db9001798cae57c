"""Public contact: Appendix 1 of the 2019 letter rebuilt from its counts, and channel shift.

Totals and quarter-on-quarter changes are always computed from the counts, never taken from
the published table; :func:`reconcile_appendix1` then compares the published table with the
computed one and says, check by check, where they agree.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from evaluation.methods.periods import month_index
from evaluation.methods.spc import XmRResult

DIGITAL_CHANNELS = ("online report", "web chat", "email", "social media")


@dataclass(frozen=True)
class Check:
    """One reconciliation check of a published figure against the figures it derives from."""

    name: str
    published: float | None
    computed: float
    ok: bool
    explanation: str


def appendix1_table(quarters: pd.DataFrame) -> pd.DataFrame:
    """Rebuild Appendix 1 from quarterly ``online`` and ``web_chat`` counts.

    ``quarters`` has one row per quarter (columns ``quarter``, ``online``, ``web_chat``) in
    time order; a ``Total`` row, if present, is ignored. Returns the quarters plus a Total row
    with ``overall_total`` and ``change`` (quarter on quarter, blank for the first quarter and
    the total) computed.
    """
    required = {"quarter", "online", "web_chat"}
    missing = required - set(quarters.columns)
    if missing:
        raise ValueError(f"appendix1_table needs columns {sorted(missing)}")
    q = quarters.loc[quarters["quarter"].str.lower() != "total",
                     ["quarter", "online", "web_chat"]].reset_index(drop=True)
    if q.empty:
        raise ValueError("appendix1_table needs at least one quarter")
    if (q[["online", "web_chat"]] < 0).to_numpy().any():
        raise ValueError("appendix1_table: counts must not be negative")
    q["overall_total"] = q["online"] + q["web_chat"]
    q["change"] = q["overall_total"].diff()
    total = pd.DataFrame(
        {
            "quarter": ["Total"],
            "online": [q["online"].sum()],
            "web_chat": [q["web_chat"].sum()],
            "overall_total": [q["overall_total"].sum()],
            "change": [float("nan")],
        }
    )
    return pd.concat([q, total], ignore_index=True)


def checks_table(checks: list[Check]) -> pd.DataFrame:
    """The checks as a table: check, published, computed, result."""
    return pd.DataFrame(
        {
            "check": [c.name for c in checks],
            "published": [c.published for c in checks],
            "computed": [c.computed for c in checks],
            "result": ["agrees" if c.ok else "DISAGREES" for c in checks],
        }
    )


def mix_sums_to_100(mix: pd.DataFrame, tolerance: float = 0.5) -> Check:
    """Do the published percentages of a mix add up to 100 (within rounding)?"""
    total = float(mix["percent"].sum())
    ok = abs(total - 100) <= tolerance
    return Check("Report-type mix sums to 100%", 100.0, total, ok,
                 f"The report-type percentages sum to {total:g}%.")


def annual_totals(monthly: pd.DataFrame, channels: tuple[str, ...]) -> pd.DataFrame:
    """Calendar-year totals of ``contacts`` for the given channels (``month`` as Period/str)."""
    m = monthly.loc[monthly["channel"].isin(channels)].copy()
    m["year"] = pd.PeriodIndex(m["month"].astype(str), freq="M").year
    return m.groupby("year", as_index=False)["contacts"].sum()


def channel_mix(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly contacts by channel with each channel's share of the month's contacts."""
    m = monthly.copy()
    m["month"] = pd.PeriodIndex(m["month"].astype(str), freq="M")
    m = m.groupby(["month", "channel"], as_index=False, observed=True)["contacts"].sum()
    m["share"] = m["contacts"] / m.groupby("month")["contacts"].transform("sum")
    return m.sort_values(["month", "channel"]).reset_index(drop=True)


def digital_share(monthly: pd.DataFrame) -> pd.DataFrame:
    """Per month: all contacts, digital contacts and the digital share (0–1)."""
    mix = channel_mix(monthly)
    mix["digital_contacts"] = mix["contacts"].where(mix["channel"].isin(DIGITAL_CHANNELS), 0)
    out = mix.groupby("month", as_index=False)[["contacts", "digital_contacts"]].sum()
    out["digital_share"] = out["digital_contacts"] / out["contacts"]
    return out


APPENDIX1_LABELS = {
    "quarter": "Quarter",
    "online": "Online",
    "web_chat": "Web chat",
    "overall_total": "Overall total",
    "change": "Increase/decrease on previous quarter",
}


CHANNEL_ORDER = ("999", "101", "online report", "web chat", "email", "social media",
                 "front counter")


def period_comparison(monthly: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Contacts by channel in the period and in the same months a year earlier.

    Columns: channel, contacts, previous_year, change, change_pct (0–1; blank where the
    channel had no contacts a year earlier), share (of all contacts in the period).
    """
    m = monthly.assign(month=month_index(monthly["month"]))
    p0, p1 = pd.Period(start[:7], "M"), pd.Period(end[:7], "M")
    now = m.loc[(m["month"] >= p0) & (m["month"] <= p1)]
    before = m.loc[(m["month"] >= p0 - 12) & (m["month"] <= p1 - 12)]
    out = pd.DataFrame({"channel": [c for c in CHANNEL_ORDER if c in set(m["channel"])]})
    out["contacts"] = out["channel"].map(now.groupby("channel")["contacts"].sum()).fillna(0)
    out["previous_year"] = out["channel"].map(before.groupby("channel")["contacts"].sum())
    out["change"] = out["contacts"] - out["previous_year"]
    out["change_pct"] = (out["change"] / out["previous_year"]).where(out["previous_year"] > 0)
    out["share"] = out["contacts"] / out["contacts"].sum()
    total = pd.DataFrame({"channel": ["All channels"], "contacts": [out["contacts"].sum()],
                          "previous_year": [out["previous_year"].sum()]})
    total["change"] = total["contacts"] - total["previous_year"]
    total["change_pct"] = total["change"] / total["previous_year"]
    total["share"] = 1.0
    return pd.concat([out, total], ignore_index=True)


def channel_spc(mix: pd.DataFrame, months: int = 24) -> pd.DataFrame:
    """An XmR chart per channel over the last ``months`` months: latest value, mean, limits
    and the variation of the latest point (channel volumes have no 'better' direction)."""
    from evaluation.methods.spc import xmr

    rows = []
    for channel in [c for c in CHANNEL_ORDER if c in set(mix["channel"])]:
        series = (mix.loc[mix["channel"] == channel].set_index("month")["contacts"]
                  .sort_index().iloc[-months:])
        if len(series) < 2:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # trial limits are reported below
            result = xmr(series.astype(float), improvement="neutral")
        pts = result.points
        last = pts.iloc[-1]
        causes = sorted({str(c) for c in pts["special_cause"].dropna()})
        rows.append({
            "channel": channel, "latest_month": str(series.index[-1]),
            "latest": last["value"], "mean": last["mean"], "lower_limit": last["lpl"],
            "upper_limit": last["upl"], "latest_variation": result.latest_variation,
            "special_causes_in_window": ", ".join(causes) if causes else "none",
        })
    return pd.DataFrame(rows)


def digital_share_summary(share: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """All and digital contacts, and the digital share, in the period and a year earlier."""
    s = share.assign(month=month_index(share["month"]))
    p0, p1 = pd.Period(start[:7], "M"), pd.Period(end[:7], "M")
    rows = []
    for label, lo, hi in (("Reporting period", p0, p1),
                          ("Same months a year earlier", p0 - 12, p1 - 12)):
        part = s.loc[(s["month"] >= lo) & (s["month"] <= hi)]
        contacts = float(part["contacts"].sum())
        digital = float(part["digital_contacts"].sum())
        rows.append({"period": label, "from": lo.strftime("%B %Y"), "to": hi.strftime("%B %Y"),
                     "contacts": contacts, "digital_contacts": digital,
                     "digital_share": digital / contacts if contacts else float("nan")})
    return pd.DataFrame(rows)


def digital_share_spc(share: pd.DataFrame, months: int = 36,
                      rebase_at: Sequence[str] = (), reasons: Sequence[str] = (),
                      target: float | None = None) -> XmRResult:
    """XmR chart of the monthly digital share over the last ``months`` months (higher is the
    aim of the channel-shift strategy, so improvement = increase). ``rebase_at`` and
    ``reasons`` are the indicator's recorded process changes (the framework's, e.g. the
    month a new website launched and why): each inside the window starts a new phase with
    its own mean and limits. The limits are clipped to 0–100%."""
    from evaluation.methods.spc import xmr

    s = share.assign(month=month_index(share["month"])).set_index("month")["digital_share"]
    s = s.sort_index().iloc[-months:]
    why = list(reasons) or [""] * len(rebase_at)
    changes = [(pd.Period(str(m)[:7], "M"), w) for m, w in zip(rebase_at, why, strict=True)]
    changes = [(m, w) for m, w in changes if s.index[0] < m <= s.index[-1]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(s.astype(float), improvement="increase", target=target,
                   rebase_at=[m for m, _ in changes], reasons=[w for _, w in changes],
                   bounds=(0, 1))


