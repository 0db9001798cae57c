"""Communications: the measures the 2019 letter says the communications team uses.

Newsletter take-up (subscribers at the end of a period and the growth within it), mentions
of the Commissioner in the news by tone, media interviews, social-media reach and survey
responses (the annual precept survey shows as a spike each January). A reporting period is
compared with the period of the same length just before it.

Net tone is the share of mentions that were positive less the share that were negative
(from -1, all negative, to +1, all positive).
"""

from __future__ import annotations

import logging

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.measures.engagement import (
    change_words,
    check_published,
    period_label,
    previous_months,
    reporting_months,
)
from evaluation.methods.periods import month_index
from evaluation.methods.proportions import compare_proportions
from evaluation.report.charts import (
    OKABE_ITO,
    PALETTE,
    Chart,
    apply_house_style,
    finish_axes,
    thousands,
)
from evaluation.report.formatting import fmt_int, fmt_pct

log = logging.getLogger(__name__)

TONES: tuple[str, ...] = ("positive", "neutral", "negative")
COLUMNS: tuple[str, ...] = (
    "month", "newsletter_subscribers", "media_mentions_positive", "media_mentions_neutral",
    "media_mentions_negative", "media_interviews", "social_media_reach", "survey_responses",
)


def _monthly(comms: pd.DataFrame) -> pd.DataFrame:
    missing = set(COLUMNS) - set(comms.columns)
    if missing:
        raise ValueError(f"communications needs columns {sorted(missing)}")
    out = comms.copy()
    out["month"] = month_index(out["month"])
    return out.sort_values("month").reset_index(drop=True)


def _between(m: pd.DataFrame, p0: pd.Period, p1: pd.Period) -> pd.DataFrame:
    return m.loc[(m["month"] >= p0) & (m["month"] <= p1)]


def value_in_month(comms: pd.DataFrame, column: str, month: str) -> float:
    """One measure in one month ('YYYY-MM'); NaN when the month is not in the data."""
    m = _monthly(comms)
    sel = m.loc[m["month"] == pd.Period(str(month)[:7], "M"), column]
    return float(sel.iloc[0]) if len(sel) else float("nan")


def _period_values(m: pd.DataFrame, p0: pd.Period, p1: pd.Period) -> dict[str, float]:
    sel = _between(m, p0, p1)
    before = m.loc[m["month"] < p0]
    if sel.empty:
        return {}
    start_subs = float(before["newsletter_subscribers"].iloc[-1]) if len(before) else np.nan
    end_subs = float(sel["newsletter_subscribers"].iloc[-1])
    survey_peak = sel.loc[sel["survey_responses"].idxmax()]
    return {
        "Newsletter subscribers at the end of the period": end_subs,
        "Newsletter subscribers gained in the period": end_subs - start_subs,
        "Media mentions": float(sel[[f"media_mentions_{t}" for t in TONES]].to_numpy().sum()),
        "Media interviews": float(sel["media_interviews"].sum()),
        "Social-media reach (sum of monthly reach)": float(sel["social_media_reach"].sum()),
        "Social-media reach in the last month": float(sel["social_media_reach"].iloc[-1]),
        "Survey responses": float(sel["survey_responses"].sum()),
        "Survey responses in the busiest month": float(survey_peak["survey_responses"]),
    }


def communications_summary(comms: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """The communications measures for the period and the period before.

    Columns: Measure, Reporting period, Previous period, Change, Change (%) (0-1).
    """
    m = _monthly(comms)
    now = _period_values(m, *reporting_months(start, end))
    before = _period_values(m, *previous_months(start, end))
    if not now:
        raise ValueError(f"no communications data from {start} to {end}")
    out = pd.DataFrame({"Measure": list(now), "Reporting period": list(now.values())})
    out["Previous period"] = [before.get(k, np.nan) for k in now]
    out["Change"] = out["Reporting period"] - out["Previous period"]
    out["Change (%)"] = (out["Change"] / out["Previous period"]).where(
        out["Previous period"] > 0)
    return out


def media_tone(comms: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Media mentions by tone in the period and the period before, with shares and net tone.

    Columns: Period, Mentions, Positive, Neutral, Negative, Positive share, Negative share,
    Net tone (positive share less negative share).
    """
    m = _monthly(comms)
    rows = []
    for label, (p0, p1) in (("Reporting period", reporting_months(start, end)),
                            ("Previous period", previous_months(start, end))):
        sel = _between(m, p0, p1)
        counts = {t: int(sel[f"media_mentions_{t}"].sum()) for t in TONES}
        total = sum(counts.values())
        rows.append({
            "Period": f"{label} ({period_label(p0, p1)})",
            "Mentions": total,
            "Positive": counts["positive"],
            "Neutral": counts["neutral"],
            "Negative": counts["negative"],
            "Positive share": counts["positive"] / total if total else np.nan,
            "Negative share": counts["negative"] / total if total else np.nan,
            "Net tone": (counts["positive"] - counts["negative"]) / total if total else np.nan,
        })
    return pd.DataFrame(rows)


def tone_sentence(tone: pd.DataFrame) -> str:
    """Net tone of media mentions and whether the positive share changed significantly."""
    now, before = tone.iloc[0], tone.iloc[1]
    if now["Mentions"] == 0:
        return "No media mentions are recorded for the reporting period."
    text = (f"The Commissioner was mentioned {fmt_int(now['Mentions'])} times in the news in the "
            f"reporting period: {fmt_pct(now['Positive share'])} of mentions were positive and "
            f"{fmt_pct(now['Negative share'])} negative, a net tone of "
            f"{now['Net tone']:+.1%}")
    if before["Mentions"] > 0:
        test = compare_proportions(now["Positive"], now["Mentions"], before["Positive"],
                                   before["Mentions"])
        sig = "a statistically significant" if test.significant else "not a statistically " \
            "significant"
        text += (f", against {before['Net tone']:+.1%} in the previous period. The positive "
                 f"share moved from {fmt_pct(before['Positive share'])} to "
                 f"{fmt_pct(now['Positive share'])}, {sig} change (p = {test.p_value:.3f})")
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
    text += (f". The Commissioner gave {fmt_int(interviews['Reporting period'])} media "
             f"interviews, "
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
           f"{fmt_int(bottom.max())}. Net tone was {tone['Net tone'].iloc[0]:+.1%} in the "
           f"reporting period and {tone['Net tone'].iloc[1]:+.1%} in the period before.")
    return Chart(figure=fig, title=title, alt_text=alt)


def published_figure_checks(figures: pd.DataFrame, comms: pd.DataFrame
                            ) -> list[dict[str, object]]:
    """The 2019 letter's newsletter reach (20,000) and precept survey responses (1,990)
    against the same measures in the month of the letter."""
    rows = []
    for fid, column, words in (("newsletter_reach", "newsletter_subscribers",
                                "newsletter subscribers"),
                               ("precept_survey_responses", "survey_responses",
                                "survey responses")):
        month = pd.Period(str(figures.loc[fid, "period_end"])[:7], "M")
        rows.append(check_published(figures, fid, value_in_month(comms, column, str(month)),
                                    f"{words}, {month.strftime('%B %Y')}"))
    return rows
