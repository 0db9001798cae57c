"""Public contact: Appendix 1 of the 2019 letter rebuilt from its counts, and channel shift.

Totals and quarter-on-quarter changes are always computed from the counts, never taken from
the published table; :func:`reconcile_appendix1` then compares the published table with the
computed one and says, check by check, where they agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from evaluation.charts import PALETTE, Chart, apply_house_style, finish_axes, thousands
from evaluation.formatting import fmt_change, fmt_int

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
