"""Public contact: Appendix 1 of the 2019 letter rebuilt from its counts, and channel shift.

Totals and quarter-on-quarter changes are always computed from the counts, never taken from
the published table; :func:`reconcile_appendix1` then compares the published table with the
computed one and says, check by check, where they agree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from evaluation.data.published import published_verdict
from evaluation.methods.periods import month_index
from evaluation.methods.spc import XmRResult
from evaluation.report.charts import PALETTE, Chart, apply_house_style, finish_axes, thousands
from evaluation.report.formatting import fmt_change, fmt_int, fmt_pct

DIGITAL_CHANNELS = ("online report", "web chat", "email", "social media")
TELEPHONE_CHANNELS = ("999", "101")


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


def reconcile_appendix1(
    published: pd.DataFrame, stated_total: float | None = None
) -> list[Check]:
    """Compare Appendix 1 as published with the table rebuilt from its counts.

    Checks each quarter's total, the column totals, each quarter-on-quarter change, and (when
    given) the total stated in the letter's text.
    """
    computed = appendix1_table(published)
    pub = published.reset_index(drop=True)
    checks: list[Check] = []
    is_total = pub["quarter"].str.lower() == "total"
    pub_q = pub.loc[~is_total].reset_index(drop=True)
    comp_q = computed.iloc[:-1]
    for i, row in pub_q.iterrows():
        got, want = row["published_total"], comp_q.loc[i, "overall_total"]
        checks.append(Check(
            f"{row['quarter']}: overall total", got, want, got == want,
            f"{row['quarter']}: online {fmt_int(row['online'])} + web chat "
            f"{fmt_int(row['web_chat'])} = {fmt_int(want)}; published {fmt_int(got)}.",
        ))
    if is_total.any():
        pub_t = pub.loc[is_total].iloc[0]
        comp_t = computed.iloc[-1]
        for col, label in (("online", "online"), ("web_chat", "web chat"),
                           ("published_total", "overall")):
            want = comp_t["overall_total" if col == "published_total" else col]
            got = pub_t[col]
            checks.append(Check(
                f"Total {label}", got, want, got == want,
                f"The four quarters' {label} counts sum to {fmt_int(want)}; "
                f"published total {fmt_int(got)}.",
            ))
    for i in range(1, len(pub_q)):
        got = pub_q.loc[i, "published_change"]
        want = comp_q.loc[i, "change"]
        prev, cur = comp_q.loc[i - 1, "overall_total"], comp_q.loc[i, "overall_total"]
        quarter = pub_q.loc[i, "quarter"]
        ok = bool(pd.notna(got) and got == want)
        if ok:
            text = (f"{quarter}: change {fmt_int(cur)} − {fmt_int(prev)} = "
                    f"{fmt_change(want)}, as published.")
        else:
            text = (f"Appendix 1 as published gives the {quarter} change as "
                    f"{fmt_change(got)}, but {fmt_int(cur)} − {fmt_int(prev)} = "
                    f"{fmt_change(want)}: the published figure is wrong"
                    + (" (its sign is reversed)." if pd.notna(got) and got == -want else "."))
        checks.append(Check(f"{quarter}: change on previous quarter", got, want, ok, text))
    if stated_total is not None:
        want = computed.iloc[-1]["overall_total"]
        checks.append(Check(
            "Total stated in the letter", stated_total, want, stated_total == want,
            f"The letter states {fmt_int(stated_total)} online reports and web chats in 2018; "
            f"the quarterly counts sum to {fmt_int(want)}.",
        ))
    return checks


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


def reconciliation_summary(checks: list[Check]) -> str:
    """One plain sentence on how many checks agreed, and each disagreement in full."""
    failed = [c for c in checks if not c.ok]
    head = f"{len(checks) - len(failed)} of {len(checks)} checks of Appendix 1 agree."
    if not failed:
        return head + " The published table is consistent with its own counts."
    return head + " " + " ".join(c.explanation for c in failed)


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


def appendix1_chart(table: pd.DataFrame) -> Chart:
    """Grouped bars of online reports and web chats per quarter, with alt text from the data."""
    q = table.loc[table["quarter"] != "Total"]
    long = q.melt(id_vars="quarter", value_vars=["online", "web_chat"],
                  var_name="channel", value_name="contacts")
    long["channel"] = long["channel"].map({"online": "Online report", "web_chat": "Web chat"})
    apply_house_style()
    fig, ax = plt.subplots()
    sns.barplot(data=long, x="quarter", y="contacts", hue="channel", ax=ax,
                palette=PALETTE[:2])
    for container in ax.containers:
        ax.bar_label(container, labels=[fmt_int(v) for v in container.datavalues],
                     fontsize=8, padding=2)
    title = "Online reports and web chats per quarter, 2018"
    finish_axes(ax, title, "Quarter (2018)", "Contacts per quarter")
    ax.yaxis.set_major_formatter(thousands)
    ax.set_xticks(range(len(q)), [s.replace(" 2018", "").replace(" to ", "–")
                                  for s in q["quarter"]])
    ax.legend(title=None, loc="upper left")
    fig.tight_layout()
    first, last = q.iloc[0], q.iloc[-1]
    alt = (
        f"Bar chart of online reports and web chats in each quarter of 2018. "
        f"Web chat was the larger channel in every quarter "
        f"({fmt_int(q['web_chat'].min())} to {fmt_int(q['web_chat'].max())} a quarter). "
        f"Online reports rose from {fmt_int(first['online'])} in {first['quarter']} to "
        f"{fmt_int(last['online'])} in {last['quarter']}. "
        f"In total there were {fmt_int(q['overall_total'].sum())} online reports and web chats."
    )
    return Chart(figure=fig, title=title, alt_text=alt)


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


def published_volume_checks(monthly: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The 2019 letter's call volumes ("over 435,000 calls to 999 and 101 in 2016" …) set
    against the same totals in the data, with whether the data bear the qualifier out."""
    rows = []
    annual = annual_totals(monthly, TELEPHONE_CHANNELS).set_index("year")["contacts"]
    for fid in ("calls_999_101_2016", "calls_999_101_2017"):
        if fid not in figures.index:
            continue
        fig = figures.loc[fid]
        year = int(str(fig["period_start"])[:4])
        value = float(annual.get(year, float("nan")))
        qualifier = str(fig["qualifier"])
        published = float(fig["value"])
        verdict = published_verdict(value, published, qualifier)
        rows.append({"year": year, "measure": "999 and 101 calls",
                     "published": f"{qualifier} {fmt_int(published)}".replace("exact ", ""),
                     "in_data": value, "verdict": verdict})
    return pd.DataFrame(rows)


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


def channel_shift_chart(mix: pd.DataFrame) -> Chart:
    """Monthly contacts by channel, one small panel per channel (each with its own scale)."""
    apply_house_style()
    channels = [c for c in CHANNEL_ORDER if c in set(mix["channel"])]
    ncols = 4
    nrows = -(-len(channels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.6 * nrows), sharex=True,
                             squeeze=False)
    for ax, (i, channel) in zip(axes.flat, enumerate(channels), strict=False):
        s = mix.loc[mix["channel"] == channel].sort_values("month")
        ax.plot(s["month"].dt.to_timestamp(), s["contacts"], color=PALETTE[i % len(PALETTE)])
        ax.set_title(channel[0].upper() + channel[1:], loc="left", fontsize=10)
        ax.yaxis.set_major_formatter(thousands)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    for ax in list(axes.flat)[len(channels):]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel("Contacts per month", fontsize=9)
    for ax in axes[-1, :]:
        ax.set_xlabel("Month", fontsize=9)
    title = "Public contacts per month, by channel"
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    first, last = mix["month"].min(), mix["month"].max()
    latest = mix.loc[mix["month"] == last].set_index("channel")["contacts"]
    parts = ", ".join(f"{c} {fmt_int(latest[c])}" for c in channels if c in latest.index)
    alt = (f"Small line charts, one per channel, of contacts each month from "
           f"{first.strftime('%B %Y')} to {last.strftime('%B %Y')}. "
           f"In {last.strftime('%B %Y')}: {parts}.")
    return Chart(figure=fig, title=title, alt_text=alt)


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


def digital_share_sentence(summary: pd.DataFrame) -> str:
    """How the digital share of contacts moved, from :func:`digital_share_summary`."""
    now, before = summary.iloc[0], summary.iloc[1]
    if not now["contacts"]:
        return "There are no public-contact data for the reporting period."
    text = (f"Between {now['from']} and {now['to']}, {fmt_pct(now['digital_share'])} of "
            f"{fmt_int(now['contacts'])} public contacts were digital (online reports, web chat, "
            "email and social media)")
    if before["contacts"]:
        text += f", against {fmt_pct(before['digital_share'])} in the same months a year earlier"
    return text + "."


def digital_share_spc(share: pd.DataFrame, months: int = 36, change_month: str | None = None
                      ) -> XmRResult:
    """XmR chart of the monthly digital share over the last ``months`` months (higher is the
    aim of the channel-shift strategy, so improvement = increase). ``change_month`` (e.g. the
    month a new website launched) starts a new period with its own mean and limits. The
    limits are clipped to 0–100%."""
    from evaluation.methods.spc import xmr

    s = share.assign(month=month_index(share["month"])).set_index("month")["digital_share"]
    s = s.sort_index().iloc[-months:]
    rebase = ()
    if change_month and s.index[0] < pd.Period(change_month[:7], "M") <= s.index[-1]:
        rebase = (pd.Period(change_month[:7], "M"),)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(s.astype(float), improvement="increase", rebase_at=rebase, bounds=(0, 1))


def spc_sentence(result: XmRResult, measure: str) -> str:
    """One sentence on what an XmR chart shows at its latest point."""
    pts = result.points
    last = pts.index[-1]
    label = last.strftime("%B %Y") if hasattr(last, "strftime") else str(last)
    variation = result.latest_variation
    if variation == "common cause":
        verdict = "shows only common-cause variation: no sign of a real change"
    elif variation == "improvement":
        verdict = "shows special-cause improvement"
    elif variation == "concern":
        verdict = "shows special-cause concern"
    else:
        verdict = "shows special-cause variation"
    causes = pts["special_cause"].dropna()
    extra = ""
    if variation == "common cause" and not causes.empty:
        extra = (f"; earlier in the window {len(causes)} point(s) showed special cause "
                 f"({', '.join(sorted(set(map(str, causes))))})")
    return (f"Over the {len(pts)} months to {label}, the {measure} {verdict} at the latest "
            f"point{extra}.")
