"""Words, charts and display tables for the public contact chapter of the paper.

The figures come from :mod:`evaluation.measures.public_contact` (public contact: Appendix 1 of
the 2019 letter rebuilt from its counts, and channel shift); this module only describes them.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from evaluation.measures.public_contact import (
    CHANNEL_ORDER,
    Check,
    appendix1_table,
)
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.charts import PALETTE, Chart, apply_house_style, finish_axes, thousands
from evaluation.report.formatting import (
    Formatter,
    fmt_change,
    fmt_int,
    fmt_pct,
)

TELEPHONE_CHANNELS = ("999", "101")


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


def reconciliation_summary(checks: list[Check]) -> str:
    """One plain sentence on how many checks agreed, and each disagreement in full."""
    failed = [c for c in checks if not c.ok]
    head = f"{len(checks) - len(failed)} of {len(checks)} checks of Appendix 1 agree."
    if not failed:
        return head + " The published table is consistent with its own counts."
    return head + " " + " ".join(c.explanation for c in failed)


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


def spc_sentence(result: XmRResult, measure: str) -> str:
    """What the XmR chart of ``measure`` (a share held as 0–1) shows, in the words every
    chapter uses (:func:`evaluation.report.narrative.xmr_sentence`)."""
    return narrative.xmr_sentence(result, f"The {measure}", fmt_pct)


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'digital_share': {
        'contacts': fmt_int,
        'digital_contacts': fmt_int,
        'digital_share': fmt_pct,
    },
    'channels_in_period': {
        'contacts': fmt_int,
        'previous_year': fmt_int,
        'change': fmt_change,
        'change_pct': fmt_pct,
        'share': fmt_pct,
    },
    'channel_spc': {
        'latest': fmt_int,
        'mean': fmt_int,
        'lower_limit': fmt_int,
        'upper_limit': fmt_int,
    },
    'appendix1': {
        'Online': fmt_int,
        'Web chat': fmt_int,
        'Overall total': fmt_int,
        'Increase/decrease on previous quarter': fmt_change,
    },
    'appendix1_checks': {
        'published': fmt_int,
        'computed': fmt_int,
    },
}


def appendix1_sentence(total: pd.Series) -> str:
    """The 2019 letter's Appendix 1 total (calendar 2018), recomputed from its quarters."""
    return (f"In 2018 the public made {fmt_int(total['overall_total'])} online reports and web "
            f"chats: {fmt_int(total['online'])} online reports and "
            f"{fmt_int(total['web_chat'])} web chats (Appendix 1 of the letter of 22 January "
            "2019, totals recomputed from the quarterly counts).")
