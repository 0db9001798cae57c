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

import numpy as np
import pandas as pd

from evaluation.measures.engagement import check_published
from evaluation.methods.comparisons import MonthlyComparison, compare_monthly_rates
from evaluation.methods.periods import month_index, period_label, previous_months, reporting_months

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


def monthly_net_tone(comms: pd.DataFrame) -> pd.DataFrame:
    """Each month's media mentions: ``month`` (Period), ``net`` (positive less negative
    mentions), ``mentions`` (all of them) and ``net_tone`` (net over mentions; NaN in a month
    with none). The one computation behind the registry's net tone (its monthly series and
    its pooled counts) and the chapter's test of its change."""
    m = _monthly(comms)
    mentions = sum(m[f"media_mentions_{t}"].astype(float) for t in TONES)
    net = m["media_mentions_positive"].astype(float) - m["media_mentions_negative"].astype(float)
    return pd.DataFrame({"month": m["month"], "net": net, "mentions": mentions,
                         "net_tone": (net / mentions).where(mentions > 0)})


def net_tone_change(comms: pd.DataFrame, start: str, end: str) -> MonthlyComparison:
    """The month-by-month net tone in the period against the period before, by Welch's
    t-test on the monthly values (:func:`monthly_net_tone`): the test the indicator table
    uses for the net tone, so the chapter and the scorecard agree."""
    tone = monthly_net_tone(comms)
    values = [_between(tone, p0, p1)["net_tone"].dropna().to_numpy(float)
              for p0, p1 in (reporting_months(start, end), previous_months(start, end))]
    return compare_monthly_rates(values[0], values[1])


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
