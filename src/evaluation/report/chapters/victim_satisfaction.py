"""Words, charts and display tables for the victim satisfaction chapter of the paper.

The figures come from :mod:`evaluation.measures.victim_satisfaction` (victim satisfaction: the
five survey questions as pooled 12-month rates, compared and tested); this module only
describes them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd

from evaluation.data.schemas import (
    CRIME_GROUPS,
)
from evaluation.errors import EvaluationError
from evaluation.measures.victim_satisfaction import (
    ALL_RESPONDENTS,
    NOT_RECORDED,
    QUESTION_NAMES,
    QUESTIONS,
    _key,
    _shown_groups,
)
from evaluation.methods.periods import month_name, to_month
from evaluation.methods.spc import XmRResult
from evaluation.report import charts, narrative
from evaluation.report.charts import OKABE_ITO, PALETTE, Chart, apply_house_style, finish_axes
from evaluation.report.formatting import fmt_change, fmt_int, fmt_number, fmt_p, fmt_pct, fmt_points

__all__ = [
    "FORMATS",
    "change_sentence",
    "comparison_sentence",
    "funnel_plot",
    "funnel_sentence",
    "force_label",
    "group_counts",
    "group_finding",
    "group_sentence",
    "period_sentence",
    "rolling_chart",
    "spc_sentence",
]


_QUESTION_PHRASES: dict[str, str] = {
    "ease_of_contact": "the ease of contacting the police",
    "actions_taken": "the actions taken by the police",
    "kept_informed": "being kept informed of progress",
    "treatment": "the way they were treated",
    "whole_experience": "the whole experience",
}


_DIMENSION_WORDS: dict[str, tuple[str, str]] = {  # (noun for the groups, label heading)
    "ethnicity": ("ethnic groups", "Ethnic group"),
    "age_band": ("age bands", "Age band"),
    "crime_group": ("crime groups", "Crime group"),
}


POINTS = functools.partial(fmt_change, decimals=1)  # a difference already in points
DECIMALS_2 = functools.partial(fmt_number, decimals=2)

FORMATS: dict[str, Any] = {
    "Respondents": fmt_int,
    "In the data": lambda v: f"{float(v):.1f}",
    "Satisfied": fmt_int,
    "Not satisfied": fmt_int,
    "Satisfied (%)": fmt_pct,
    "Lower 95% limit": fmt_pct,
    "Upper 95% limit": fmt_pct,
    "Confidence level": lambda v: fmt_pct(v, 0),
    "Difference (percentage points)": POINTS,
    "Difference, lower 95% limit": POINTS,
    "Difference, upper 95% limit": POINTS,
    "p-value": fmt_p,
    "p-value (Holm-adjusted over the groups)": fmt_p,
    "England and Wales (%)": fmt_pct,
    "z-score": DECIMALS_2,
    "Months": fmt_int,
    "This force": lambda v: "yes" if bool(v) else "",
    "Latest month (%)": fmt_pct,
    "Mean (%)": fmt_pct,
    "Lower process limit": fmt_pct,
    "Upper process limit": fmt_pct,
    "Special-cause months": fmt_int,
    "Trend slope (percentage points a year)": POINTS,
    "Trend p-value": fmt_p,
}


def comparison_sentence(table: pd.DataFrame) -> str:
    """Sentence from :func:`against_comparator`: the rate, its interval and the verdict."""
    force, comp = table.iloc[0], table.iloc[1]
    phrase = _QUESTION_PHRASES[_key(force["question"])]
    level = fmt_pct(force["confidence"], 0)
    return (
        f"Victim satisfaction with {phrase} was {fmt_pct(force['rate'])} ({level} CI "
        f"{fmt_pct(force['lower'])} to {fmt_pct(force['upper'])}) in the {force['window']}, "
        f"{force['result']} {comp['area']} ({fmt_pct(comp['rate'])})."
    )


def change_sentence(table: pd.DataFrame, detail: bool = True) -> str:
    """Sentence from :func:`change_since`: from, to, the change and whether it is real.

    ``detail=False`` leaves out the p-value (for a finding, whose numbers must all be in
    its table).
    """
    base, now = table.iloc[0], table.iloc[1]
    phrase = _QUESTION_PHRASES[_key(now["question"])]
    diff = float(now["difference_pp"])
    size = f"{abs(diff):.1f} percentage points"
    moved = "rose" if diff > 0 else "fell" if diff < 0 else "was unchanged"
    head = (f"Satisfaction with {phrase} {moved} from {fmt_pct(base['rate'])} in the "
            f"{base['window']} to {fmt_pct(now['rate'])} in the {now['window']}")
    p_text = f"p {'< 0.001' if now['p_value'] < 0.001 else '= ' + fmt_p(now['p_value'])}"
    if now["result"] == "no significant change":
        tail = (f" ({size}); the difference is not statistically significant"
                + (f" ({p_text})" if detail else "") + ", so it may be due to chance.")
        return head + tail
    if str(now["result"]).endswith("(weak evidence)"):
        return (f"{head}, {'a rise' if diff > 0 else 'a fall'} of {size} on weak evidence"
                + (f" ({p_text})" if detail else "") + ": it may be chance.")
    return (f"{head}, {'a rise' if diff > 0 else 'a fall'} of {size} that is statistically "
            f"significant" + (f" ({p_text}): sampling chance alone is unlikely to explain it."
                              if detail else "."))


def group_sentence(table: pd.DataFrame, by: str, threshold: int = 10) -> str:
    """Plain sentence on the spread between groups and any significant gap.

    Only groups whose figures survive disclosure control (``threshold``) are named; the
    number of groups too small to report is stated.
    """
    noun = _DIMENSION_WORDS.get(by, (by.replace("_", " ") + " groups", ""))[0]
    window = table["window"].iloc[0]
    phrase = _QUESTION_PHRASES[_key(table["question"].iloc[0])]
    named = _shown_groups(table, threshold)
    named = named.loc[named["group"] != NOT_RECORDED]
    hidden = int((~table["group"].isin([*named["group"], NOT_RECORDED, ALL_RESPONDENTS])).sum())
    hidden_text = (f" {hidden} {'group is' if hidden == 1 else 'groups are'} suppressed to "
                   "protect small numbers (a count too small to publish, or a figure that "
                   "would reveal one)." if hidden else "")
    if named.empty:
        return (f"No figures by {noun} can be reported for the {window}: every group is "
                f"suppressed to protect small numbers.{hidden_text}")
    high = named.loc[named["rate"].idxmax()]
    low = named.loc[named["rate"].idxmin()]
    if len(named) == 1:
        text = (f"In the {window}, only one of the {noun} can be reported: "
                f"{fmt_pct(high['rate'])} of {high['group']} respondents "
                f"({fmt_int(high['respondents'])}) were satisfied with {phrase}.")
    else:
        text = (f"In the {window}, satisfaction with {phrase} ranged across {noun} "
                f"from {fmt_pct(low['rate'])} ({low['group']}, {fmt_int(low['respondents'])} "
                f"respondents) to {fmt_pct(high['rate'])} ({high['group']}, "
                f"{fmt_int(high['respondents'])} respondents).")
    significant = named.loc[named["result"].str.startswith("significantly")]
    if significant.empty:
        text += (" No group reported here differs significantly from all other respondents "
                 "(Holm-adjusted p below 0.01).")
    else:
        parts = [f"{r['group']} ({fmt_pct(r['rate'])}, {r['result']}, "
                 f"{fmt_points(r['difference_pp'])})" for _, r in significant.iterrows()]
        text += (" Significant gaps against all other respondents: " + "; ".join(parts) + ".")
    weak = named.loc[named["result"].astype(str).str.endswith("(weak evidence)")]
    if not weak.empty:
        parts = [f"{r['group']} ({fmt_pct(r['rate'])}, {fmt_points(r['difference_pp'])})"
                 for _, r in weak.iterrows()]
        text += (" Weak evidence of a gap (Holm-adjusted p from 0.01 to 0.1), which may be "
                 "chance but is worth watching: " + "; ".join(parts) + ".")
    return text + hidden_text


def group_counts(table: pd.DataFrame, threshold: int = 10, group: str | None = None
                 ) -> list[int]:
    """The counts of people the group sentence (or, with ``group``, its finding) quotes or
    lets a reader work out: each named group's respondents, satisfied and not satisfied. The
    public version leaves the sentence out when one is below its threshold."""
    named = _shown_groups(table, threshold)
    named = named.loc[named["group"] != NOT_RECORDED]
    if group is not None:
        named = named.loc[named["group"] == group]
    out: list[int] = []
    for _, r in named.iterrows():
        out += [int(r["respondents"]), int(r["satisfied"]),
                int(r["respondents"]) - int(r["satisfied"])]
    return out


def group_finding(table: pd.DataFrame, group: str, threshold: int = 10) -> str:
    """Finding for one group (e.g. burglary victims) from :func:`group_rates`."""
    hit = _shown_groups(table, threshold)
    hit = hit.loc[hit["group"] == group]
    if hit.empty:
        return (f"Satisfaction of the {group} group in the {table['window'].iloc[0]} cannot be "
                "reported: too few respondents.")
    row = hit.iloc[0]
    label = f"{group} victims" if group in CRIME_GROUPS else f"the {group} group"
    phrase = _QUESTION_PHRASES[_key(row["question"])]
    return (f"Satisfaction of {label} with {phrase} was {fmt_pct(row['rate'])} "
            f"in the {row['window']} ({fmt_int(row['satisfied'])} of "
            f"{fmt_int(row['respondents'])} respondents; {fmt_pct(row['confidence'], 0)} CI "
            f"{fmt_pct(row['lower'])} to {fmt_pct(row['upper'])}), "
            f"{row['result']}{_test_note(row)}.")


def _test_note(row: pd.Series) -> str:
    """' (two-proportion z-test, Holm-adjusted p = 0.009)' for a group's comparison."""
    p = row.get("p_value_holm")
    if p is None or pd.isna(p):
        return ""
    p_text = "p < 0.001" if p < 0.001 else f"p = {fmt_p(p)}"
    adjusted = "" if p == row.get("p_value") else "Holm-adjusted "
    return f" (two-proportion z-test, {adjusted}{p_text})"


def force_label(force_name: str, synthetic: bool) -> str:
    """The force as the synthetic chapters name it: never a real force's name alone beside a
    synthetic figure.

    >>> force_label("Cambridgeshire", True), force_label("Kent", False)
    ('Cambridgeshire (synthetic sample)', 'Kent')
    """
    return f"{force_name} (synthetic sample)" if synthetic else force_name


def funnel_sentence(table: pd.DataFrame) -> str:
    """Where the force sits on the funnel, and how many peers sit outside the limits."""
    force = table.loc[table["is_force"]].iloc[0]
    peers = table.loc[~table["is_force"]]
    target_area = table.attrs.get("target_area", "England and Wales")
    outside = peers.loc[peers["band"] != "within the limits"]
    rank = int((table["rate"] > force["rate"]).sum()) + 1
    text = narrative.funnel_position(force["area"], fmt_pct(force["rate"]),
                                     fmt_int(force["respondents"]), rank, len(table),
                                     force["band"], target_area, fmt_pct(force["target"]),
                                     force["window"])
    if outside.empty:
        text += f" All {len(peers)} peer forces lay within the 95% limits."
    else:
        parts = [f"{r['area']} ({fmt_pct(r['rate'])}, {r['band']})"
                 for _, r in outside.iterrows()]
        text += (f" {len(outside)} of {len(peers)} peer forces lay outside the 95% limits: "
                 + "; ".join(parts) + ".")
    return text


def overdispersion_sentence(table: pd.DataFrame) -> str:
    """What the funnel's limits allow for: the overdispersion test and the limits used."""
    od = table.attrs.get("overdispersion")
    if not od:
        return ""
    p_text = "p < 0.001" if od["p_value"] < 0.001 else f"p = {fmt_p(od['p_value'])}"
    if od["method"] == "additive":
        return (f"The forces vary more than sampling alone allows (overdispersion test, "
                f"{p_text}), so the limits are Spiegelhalter's random-effects limits, which "
                "allow for the spread between forces.")
    if od["method"] is None and od["present"]:
        return (f"The forces vary more than sampling alone allows (overdispersion test, "
                f"{p_text}), but plain binomial limits are drawn as asked: forces outside "
                "them may differ for reasons other than performance.")
    if od["method"] is None:
        return (f"The forces vary no more than sampling allows (overdispersion test, "
                f"{p_text}), so the limits are the plain binomial limits.")
    return f"The limits are adjusted for overdispersion ({od['method']})."


def funnel_plot(table: pd.DataFrame) -> Chart:
    """Funnel plot (charts.funnel_chart) with the force ringed and named; alt text from data."""
    target_area = table.attrs.get("target_area", "England and Wales")
    question = table.attrs.get("question", "whole_experience")
    levels = table.attrs.get("levels", (0.95, 0.998))
    window = table["window"].iloc[0]
    target = float(table["target"].iloc[0])
    title = f"{QUESTION_NAMES[question]}: forces against {target_area}, {window}"
    chart = charts.funnel_chart(
        table["satisfied"].tolist(), table["respondents"].tolist(), target,
        title, "Respondents in the 12 months (log scale)", "Victims satisfied (%)",
        labels=table["area"].tolist(), levels=levels, improvement="increase",
        highlight=str(table.loc[table["is_force"], "area"].iloc[0]),
        target_label=f"{target_area} ({fmt_pct(target)})",
        overdispersion_method=(table.attrs.get("overdispersion") or {}).get("method"))
    chart.alt_text = (chart.alt_text + " " + funnel_sentence(table) + " "
                      + overdispersion_sentence(table)).rstrip()
    return chart


def spc_sentence(summary: pd.DataFrame, result: XmRResult,
                 question: str = "whole_experience") -> str:
    """What the XmR chart and the trend test say about one question's monthly rate."""
    row = summary.loc[summary["question"] == QUESTION_NAMES[question]].iloc[0]
    phrase = _QUESTION_PHRASES[question]
    slope = f"{fmt_points(row['sen_slope_per_year'])} a year"
    return (narrative.xmr_sentence(result, f"Month by month, satisfaction with {phrase}",
                                   fmt_pct)
            + " " + narrative.trend_sentence(str(row["trend"]), float(row["trend_p_value"]),
                                             slope))


def period_sentence(rates: pd.DataFrame, comparison: pd.DataFrame | None = None) -> str:
    """The reporting period's latest 12-month rates for all questions, in one paragraph."""
    whole = rates.loc[rates["question"] == QUESTION_NAMES["whole_experience"]]
    ordered = rates.sort_values("rate", ascending=False)
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    text = ""
    if not whole.empty:
        w = whole.iloc[0]
        text = (f"In the {w['window']} (the latest 12 months of the reporting period), "
                f"{fmt_pct(w['rate'])} of {fmt_int(w['respondents'])} victims surveyed were "
                f"satisfied with the whole experience ({fmt_pct(w['confidence'], 0)} CI "
                f"{fmt_pct(w['lower'])} to {fmt_pct(w['upper'])})")
        if comparison is not None:
            f, c = comparison.iloc[0], comparison.iloc[1]
            text += f", {f['result']} {c['area']} ({fmt_pct(c['rate'])})"
        text += ". "
    text += (f"Of the five questions, satisfaction was highest with "
             f"{top['question'].lower()} ({fmt_pct(top['rate'])}) and lowest with "
             f"{bottom['question'].lower()} ({fmt_pct(bottom['rate'])}).")
    return text


# --------------------------------------------------------------------------- rolling chart
def rolling_chart(rolling: pd.DataFrame, end: object | None = None,
                  marks: Mapping[str, object] | None = None) -> Chart:
    """Rolling 12-month pooled rate for each question with Wilson 95% bands.

    ``end`` cuts the series at a month; ``marks`` labels months with vertical lines (e.g.
    the headline and baseline windows).
    """
    data = rolling.copy()
    if end is not None:
        data = data.loc[data["period_end"] <= to_month(end)]
    if data.empty:
        raise EvaluationError("No rolling 12-month rates to chart up to the end of the period.")
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.6, 4.6))
    order = [q for q in QUESTIONS if q in set(data["question"])]
    for colour, question in zip(PALETTE, order, strict=False):
        part = data.loc[data["question"] == question]
        x = part["period_end"].dt.to_timestamp()
        ax.fill_between(x, part["lower"], part["upper"], color=colour, alpha=0.15, lw=0)
        ax.plot(x, part["rate"], color=colour, lw=2.2 if question == "whole_experience" else 1.4,
                label=QUESTION_NAMES[question])
    for label, month in (marks or {}).items():
        when = to_month(month).to_timestamp()
        ax.axvline(when, color=OKABE_ITO["grey"], ls=":", lw=1)
        ax.text(when, 1.0, f" {label}", transform=ax.get_xaxis_transform(), fontsize=8,
                va="top", ha="left", color="black")
    first, last = data["period_end"].min(), data["period_end"].max()
    title = "Victims satisfied, rolling 12 months, by question"
    finish_axes(ax, title, "End of the 12-month window", "Victims satisfied (%)")
    ax.yaxis.set_major_formatter(charts.percent)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    latest = data.loc[data["period_end"] == last].set_index("question")
    whole = data.loc[data["question"] == "whole_experience"]
    parts = [f"Line chart of the percentage of victims satisfied over rolling 12-month "
             f"windows ending {month_name(first)} to {month_name(last)}, one line per question, "
             f"each with a shaded 95% confidence band"]
    if not whole.empty:
        hi = whole.loc[whole["rate"].idxmax()]
        lo = whole.loc[whole["rate"].idxmin()]
        parts.append(f"whole experience ranged from {fmt_pct(lo['rate'])} "
                     f"({month_name(lo['period_end'])}) to {fmt_pct(hi['rate'])} "
                     f"({month_name(hi['period_end'])})")
    parts.append(f"in the 12 months to {month_name(last)}: " + ", ".join(
        f"{QUESTION_NAMES[q].lower()} {fmt_pct(latest.at[q, 'rate'])}"
        for q in order if q in latest.index))
    top = max((q for q in order if q in latest.index), key=lambda q: latest.at[q, "rate"])
    low = min((q for q in order if q in latest.index), key=lambda q: latest.at[q, "rate"])
    parts.append(f"{QUESTION_NAMES[top].lower()} is the highest and "
                 f"{QUESTION_NAMES[low].lower()} the lowest")
    return Chart(figure=fig, title=title, alt_text="; ".join(parts) + ".")
