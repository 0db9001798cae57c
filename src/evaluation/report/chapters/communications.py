"""Words, charts and display tables for the communications chapter of the paper.

The figures come from :mod:`evaluation.measures.communications` (communications: the measures
the 2019 letter says the communications team uses); this module only describes them.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.measures.communications import (
    TONES,
    _between,
    _monthly,
    media_tone,
)
from evaluation.methods.periods import period_label, previous_months, reporting_months
from evaluation.methods.proportions import compare_proportions
from evaluation.report import narrative
from evaluation.report.chapters.engagement import change_words
from evaluation.report.charts import (
    OKABE_ITO,
    PALETTE,
    Chart,
    apply_house_style,
    finish_axes,
    thousands,
)
from evaluation.report.formatting import (
    Formatter,
    fmt_change,
    fmt_int,
    fmt_pct,
    fmt_pp,
)


def tone_sentence(tone: pd.DataFrame, net_tone_p: float | None = None) -> str:
    """Net tone of media mentions and whether it changed: with ``net_tone_p`` (Welch on the
    monthly net tone, :func:`evaluation.measures.communications.net_tone_change`, the
    indicator table's test) the net tone's change is tested; without it, the positive
    share's (two-proportion z-test)."""
    now, before = tone.iloc[0], tone.iloc[1]
    if now["Mentions"] == 0:
        return "No media mentions are recorded for the reporting period."
    text = (f"The Commissioner was mentioned {fmt_int(now['Mentions'])} times in the news in the "
            f"reporting period: {fmt_pct(now['Positive share'])} of mentions were positive and "
            f"{fmt_pct(now['Negative share'])} negative, a net tone (positive less negative) "
            f"of {fmt_pp(now['Net tone'])}")
    if before["Mentions"] > 0 and net_tone_p is not None:
        words = narrative.evidence_phrase(net_tone_p, now["Net tone"] - before["Net tone"],
                                          "increase", "Welch t-test on the monthly net tone")
        return text + f", against {fmt_pp(before['Net tone'])} in the previous period: {words}."
    if before["Mentions"] > 0:
        test = compare_proportions(now["Positive"], now["Mentions"], before["Positive"],
                                   before["Mentions"])
        words = narrative.evidence_phrase(test.p_value, test.difference, "increase",
                                          "two-proportion z-test")
        text += (f", against {fmt_pp(before['Net tone'])} in the previous period. The positive "
                 f"share moved from {fmt_pct(before['Positive share'])} to "
                 f"{fmt_pct(now['Positive share'])}: {words}")
    return text + "."


def reach_sentence(summary: pd.DataFrame) -> str:
    """Newsletter growth, interviews, social-media reach and survey responses in plain words."""
    s = summary.set_index("Measure")

    def row(name: str) -> pd.Series:
        return s.loc[name]

    subs = row("Newsletter subscribers at the end of the period")
    gained = row("Newsletter subscribers gained in the period")
    text = (f"The newsletter had {fmt_int(subs['Reporting period'])} subscribers at the end of "
            f"the period, {fmt_int(gained['Reporting period'])} more than at its start")
    if pd.notna(subs["Change (%)"]):
        text += (f" and {fmt_pct(subs['Change (%)'])} more than a year before "
                 f"({fmt_int(subs['Previous period'])})")
    interviews = row("Media interviews")
    reach = row("Social-media reach in the last month")
    survey = row("Survey responses")
    peak = row("Survey responses in the busiest month")
    text += (f". The communications log records {fmt_int(interviews['Reporting period'])} "
             "media interviews by the OPCC (the Commissioner's own diary lists only those he "
             "gave), "
             + change_words(interviews["Reporting period"], interviews["Previous period"],
                            "interviews")
             + f". Social-media posts reached {fmt_int(reach['Reporting period'])} people in "
             f"the last month of the period. Surveys drew {fmt_int(survey['Reporting period'])} "
             f"responses, {fmt_int(peak['Reporting period'])} of them in the busiest month.")
    return text


def growth_chart(comms: pd.DataFrame, start: str | None = None) -> Chart:
    """Two panels: newsletter subscribers and social-media reach each month."""
    m = _monthly(comms)
    x = m["month"].dt.to_timestamp()
    apply_house_style()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for ax, col, label, colour in (
        (axes[0], "newsletter_subscribers", "Newsletter subscribers", PALETTE[0]),
        (axes[1], "social_media_reach", "Social-media reach (people a month)", PALETTE[1]),
    ):
        ax.plot(x, m[col], color=colour, lw=2)
        ax.set_title(label, loc="left", fontsize=10)
        ax.set_xlabel("Month")
        ax.set_ylabel(label.split(" (")[0] if "(" not in label else "People reached a month")
        ax.yaxis.set_major_formatter(thousands)
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        if start is not None:
            ax.axvline(pd.Timestamp(str(start)[:7] + "-01"), color="black", lw=1, ls="--")
    axes[0].set_ylabel("Subscribers")
    title = "Newsletter subscribers and social-media reach"
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    first, last = m.iloc[0], m.iloc[-1]
    alt = (f"Two line charts, {period_label(first['month'], last['month'])}. Newsletter "
           f"subscribers grew from {fmt_int(first['newsletter_subscribers'])} to "
           f"{fmt_int(last['newsletter_subscribers'])}; monthly social-media reach grew from "
           f"{fmt_int(first['social_media_reach'])} to {fmt_int(last['social_media_reach'])} "
           "people.")
    if start is not None:
        alt += " A dashed line marks the start of the reporting period."
    return Chart(figure=fig, title=title, alt_text=alt)


def tone_chart(comms: pd.DataFrame, start: str, end: str) -> Chart:
    """Stacked bars of media mentions by tone per month, for the period and the one before."""
    m = _monthly(comms)
    q0, _ = previous_months(start, end)
    _, p1 = reporting_months(start, end)
    sel = _between(m, q0, p1)
    x = sel["month"].dt.to_timestamp()
    apply_house_style()
    fig, ax = plt.subplots()
    colours = {"positive": OKABE_ITO["blue"], "neutral": OKABE_ITO["grey"],
               "negative": OKABE_ITO["orange"]}
    bottom = np.zeros(len(sel))
    for tone in TONES:
        values = sel[f"media_mentions_{tone}"].to_numpy(dtype=float)
        ax.bar(x, values, width=25, align="edge", bottom=bottom, color=colours[tone],
               label=tone.capitalize(), hatch="//" if tone == "negative" else None,
               edgecolor="white")
        bottom += values
    p0, _ = reporting_months(start, end)
    ax.axvline(p0.start_time, color="black", lw=1, ls="--")
    title = "Media mentions of the Commissioner by tone, per month"
    finish_axes(ax, title, "Month", "Mentions per month")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Tone")
    fig.autofmt_xdate()
    fig.tight_layout()
    tone = media_tone(comms, start, end)
    alt = (f"Stacked bar chart of media mentions each month by tone (positive, neutral, "
           f"negative), {period_label(q0, p1)}, with a dashed line at the start of the reporting "
           f"period. Monthly mentions ranged from {fmt_int(bottom.min())} to "
           f"{fmt_int(bottom.max())}. Net tone was {fmt_pp(tone['Net tone'].iloc[0])} in the "
           f"reporting period and {fmt_pp(tone['Net tone'].iloc[1])} in the period before.")
    return Chart(figure=fig, title=title, alt_text=alt)


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'communications': {
        'Reporting period': fmt_int,
        'Previous period': fmt_int,
        'Change': fmt_change,
        'Change (%)': fmt_pct,
    },
    'media_tone': {
        'Mentions': fmt_int,
        'Positive': fmt_int,
        'Neutral': fmt_int,
        'Negative': fmt_int,
        'Positive share': fmt_pct,
        'Negative share': fmt_pct,
        'Net tone': lambda v: '–' if pd.isna(v) else f'{100 * float(v):+.1f} pp',
    },
}
