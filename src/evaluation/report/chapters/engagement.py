"""Words, charts and display tables for the engagement chapter of the paper.

The figures come from :mod:`evaluation.measures.engagement` (engagement activities: the
Commissioner's diary by mode, type and place, and attendance); this module only describes them.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.measures.engagement import MODES
from evaluation.methods.comparisons import holm
from evaluation.methods.periods import period_label, reporting_months
from evaluation.methods.proportions import compare_counts
from evaluation.report import narrative
from evaluation.report.charts import PALETTE, Chart, apply_house_style, finish_axes, thousands
from evaluation.report.formatting import (
    Formatter,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_pct,
    fmt_value,
)


def change_words(now: float, before: float, noun: str, p_value: float | None = None,
                 test: str = "exact test of two counts") -> str:
    """'up 12.0% on the 250 activities in the previous period of the same length (a
    statistically significant change (p < 0.001, exact test of two counts))' and similar:
    the counts are tested (:func:`evaluation.methods.proportions.compare_counts`) and the
    evidence worded by :func:`evaluation.report.narrative.evidence_phrase`. ``p_value``
    (with its ``test``) replaces the test, e.g. a Holm-adjusted p of one of several."""
    if before == 0:
        return "against none in the previous period of the same length"
    p = compare_counts(now, before) if p_value is None else float(p_value)
    rel = (now - before) / before
    direction = "up" if rel > 0 else "down" if rel < 0 else "unchanged"
    text = f"{fmt_int(before)} {noun} in the previous period of the same length"
    if direction == "unchanged":
        return f"the same as the {text}"
    words = narrative.evidence_phrase(p, rel, "neutral", test)
    return f"{direction} {fmt_pct(abs(rel))} on the {text} ({words})"


def mode_tests(summary: pd.DataFrame) -> dict[str, float]:
    """Each mode's count against the previous period, tested (exact test of two counts) and
    Holm-adjusted over the modes, since the five are reported together: mode -> p."""
    rows = summary.loc[summary["Mode"].str.lower().isin(MODE_PARTS)
                       & (summary["Previous period"] > 0)]
    raw = [compare_counts(r["Activities"], r["Previous period"]) for _, r in rows.iterrows()]
    adjusted = holm(raw) if raw else []
    return {str(m).lower(): float(p) for m, p in zip(rows["Mode"], adjusted, strict=True)}


def activities_sentence(summary: pd.DataFrame, start: str, end: str,
                        changes: pd.DataFrame | None = None) -> str:
    """Activities in the period, the commonest mode, and the change on the previous period
    (tested as in ``changes``, :func:`evaluation.measures.engagement.activity_change_tests`,
    the indicator table's test; without it, the exact test of the two totals)."""
    p0, p1 = reporting_months(start, end)
    total = summary.iloc[-1]
    parts = summary.iloc[:-1]
    if total["Activities"] == 0:
        return f"No engagement activities are recorded for {period_label(p0, p1)}."
    top = parts.sort_values("Activities", ascending=False).iloc[0]
    heading = summary.columns[0]
    text = (f"From {period_label(p0, p1)} the Commissioner and the OPCC recorded "
            f"{fmt_int(total['Activities'])} engagement activities, "
            f"{_total_change(total, changes)}. "
            f"The commonest {heading.lower()} was {str(top[heading]).lower()} "
            f"({fmt_int(top['Activities'])} activities, {fmt_pct(top['Share of activities'])}).")
    if total["With attendance recorded"] > 0:
        text += (f" {fmt_int(total['Attendees'])} people attended the "
                 f"{fmt_int(total['With attendance recorded'])} activities with attendance "
                 f"recorded, a median of {fmt_int(total['Median attendees per activity'])} "
                 "per activity.")
    return text


def activities_chart(monthly: pd.DataFrame, period_start: str | None = None) -> Chart:
    """Stacked bars of activities per month by mode (from :func:`activities_by_month`)."""
    wide = monthly.pivot_table(index="month", columns="mode", values="activities",
                               aggfunc="sum", fill_value=0)
    modes = [m for m in MODES if m in wide.columns] + sorted(set(wide.columns) - set(MODES))
    wide = wide[modes].sort_index()
    x = pd.PeriodIndex(wide.index, freq="M").to_timestamp()
    apply_house_style()
    fig, ax = plt.subplots()
    bottom = np.zeros(len(wide))
    for i, mode in enumerate(modes):
        ax.bar(x, wide[mode].to_numpy(), width=25, bottom=bottom, label=mode.capitalize(),
               color=PALETTE[i % len(PALETTE)], align="edge")
        bottom += wide[mode].to_numpy()
    if period_start is not None:
        ax.axvline(pd.Timestamp(str(period_start)[:7] + "-01"), color="black", lw=1, ls="--")
        ax.text(pd.Timestamp(str(period_start)[:7] + "-01"), bottom.max() * 1.04,
                " reporting period \u2192", fontsize=8, va="bottom")
    title = "Engagement activities per month, by mode"
    finish_axes(ax, title, "Month", "Activities per month")
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.yaxis.set_major_formatter(thousands)
    ax.set_ylim(0, bottom.max() * 1.12 if bottom.max() else 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), title="Mode")
    fig.autofmt_xdate()
    fig.tight_layout()
    totals = pd.Series(bottom, index=wide.index)
    share = wide.sum() / wide.to_numpy().sum() if totals.sum() else wide.sum()
    first, last = pd.Period(wide.index[0], "M"), pd.Period(wide.index[-1], "M")
    alt = (f"Stacked bar chart of engagement activities each month from "
           f"{period_label(first, last)}, split into the five modes. Monthly totals ranged "
           f"from {fmt_int(totals.min())} to {fmt_int(totals.max())}; "
           f"{fmt_int(totals.iloc[-1])} in {last.strftime('%B %Y')}. "
           + "Share of all activities: "
           + ", ".join(f"{m} {fmt_pct(share[m], 0)}" for m in modes) + ".")
    if period_start is not None:
        alt += " A dashed line marks the start of the reporting period."
    return Chart(figure=fig, title=title, alt_text=alt)


def contact_points_sentence(table: pd.DataFrame, start: str, end: str) -> str:
    """Sessions, places and attendance at Police Contact Points in the period."""
    p0, p1 = reporting_months(start, end)
    total = table.iloc[-1]
    places = table.iloc[:-1]
    active = places.loc[places["Sessions"] > 0]
    if total["Sessions"] == 0:
        return f"No Police Contact Point sessions are recorded for {period_label(p0, p1)}."
    busiest = active.sort_values("Attendees", ascending=False).iloc[0]
    return (f"From {period_label(p0, p1)} there were {fmt_int(total['Sessions'])} Police "
            f"Contact Point sessions in {len(active)} places, "
            f"{change_words(total['Sessions'], total['Previous period'], 'sessions')}. "
            f"They were attended by {fmt_int(total['Attendees'])} people (a median of "
            f"{fmt_int(total['Median attendees per session'])} per session); the most "
            f"attended was {busiest['Place']} ({fmt_int(busiest['Attendees'])} people in "
            f"{fmt_int(busiest['Sessions'])} sessions).")


def contact_points_chart(table: pd.DataFrame, period: str, threshold: int = 10) -> Chart:
    """Horizontal bars of attendees by place, labelled with sessions (from contact_points).

    Attendance from 1 to ``threshold - 1`` is not drawn: its bar is empty and labelled [c].
    """
    places = table.iloc[:-1].sort_values("Attendees")
    apply_house_style()
    fig, ax = plt.subplots(figsize=(8.0, 0.45 * len(places) + 1.6))
    raw = places["Attendees"].fillna(0).to_numpy(dtype=float)
    small = (raw >= 1) & (raw < threshold)
    values = np.where(small, 0.0, raw)
    ax.barh(places["Place"], values, color=PALETTE[0])
    for y, (v, s, hide) in enumerate(zip(values, places["Sessions"], small, strict=True)):
        shown = "[c]" if hide else fmt_int(v)
        ax.text(v, y, f"  {shown} ({fmt_int(s)} sessions)", va="center", fontsize=8)
    title = "Police Contact Points: attendees by place"
    finish_axes(ax, title, f"Attendees, {period}", "")
    ax.xaxis.set_major_formatter(thousands)
    ax.set_xlim(0, max(values.max(), 1) * 1.35)
    ax.grid(axis="y", visible=False)
    fig.tight_layout()
    visible = places.loc[~small]
    top, low = visible.iloc[-1], visible.iloc[0]
    alt = (f"Horizontal bar chart of people attending Police Contact Point sessions in "
           f"{len(places)} places, {period}. Attendance ranged from "
           f"{fmt_int(low['Attendees'])} in {low['Place']} to {fmt_int(top['Attendees'])} in "
           f"{top['Place']}; {fmt_int(table.iloc[-1]['Attendees'])} in all over "
           f"{fmt_int(table.iloc[-1]['Sessions'])} sessions.")
    if small.any():
        n = int(small.sum())
        alt += (f" {n} {'place' if n == 1 else 'places'} with fewer than {threshold} "
                f"attendees {'is' if n == 1 else 'are'} not shown.")
    return Chart(figure=fig, title=title, alt_text=alt)


def activities_finding(summary: pd.DataFrame, start: str, end: str) -> str:
    """The headline on engagement activities, quoting only the summary table."""
    p0, p1 = reporting_months(start, end)
    total = summary.iloc[-1]
    heading = summary.columns[0]
    top = summary.iloc[:-1].sort_values("Activities", ascending=False).iloc[0]
    return (f"From {period_label(p0, p1)} the Commissioner and the OPCC held "
            f"{fmt_int(total['Activities'])} engagement activities (against "
            f"{fmt_int(total['Previous period'])} in the previous period), "
            f"{fmt_pct(top['Share of activities'])} of them to {str(top[heading]).lower()}; "
            f"{fmt_int(total['Attendees'])} people attended those with attendance recorded.")


MODE_PARTS = {"listen": "Listening", "respond": "Responding", "consult": "Consulting",
              "collaborate": "Collaborating", "empower": "Empowering"}


def mode_sentence(summary: pd.DataFrame, mode: str, start: str, end: str,
                  changes: pd.DataFrame | None = None) -> str:
    """One mode's activities and attendance in the period, from :func:`activity_summary`
    (by mode), for the paper's chapter on that kind of engagement; the change is tested as in
    ``changes`` (Welch on the monthly counts, Holm-adjusted over the modes) when given."""
    if mode not in MODE_PARTS:
        raise ValueError(f"mode must be one of {tuple(MODE_PARTS)}, got {mode!r}")
    p0, p1 = reporting_months(start, end)
    row = summary.loc[summary["Mode"].str.lower() == mode]
    if row.empty or row.iloc[0]["Activities"] == 0:
        return f"No '{mode}' activities are recorded for {period_label(p0, p1)}."
    r = row.iloc[0]
    text = (f"From {period_label(p0, p1)} the Commissioner and the OPCC recorded "
            f"{fmt_int(r['Activities'])} '{mode}' activities "
            f"({fmt_pct(r['Share of activities'])} of all engagement activities), "
            f"{_mode_change(summary, r, mode, changes)}.")
    if r["With attendance recorded"] > 0 and not pd.isna(r["Attendees"]):
        text += (f" {fmt_int(r['Attendees'])} people attended them, a median of "
                 f"{fmt_int(r['Median attendees per activity'])} per activity.")
    return text


WELCH_COUNTS = "Welch t-test on the monthly counts"


def _total_change(total: pd.Series, changes: pd.DataFrame | None) -> str:
    if changes is None:
        return change_words(total["Activities"], total["Previous period"], "activities")
    row = changes.loc[changes.iloc[:, 0] == "All activities"].iloc[0]
    return change_words(total["Activities"], total["Previous period"], "activities",
                        float(row["p_value"]), WELCH_COUNTS)


def _mode_change(summary: pd.DataFrame, r: pd.Series, mode: str,
                 changes: pd.DataFrame | None = None) -> str:
    if changes is not None:
        row = changes.loc[changes["Mode"].str.lower() == mode]
        if not row.empty and r["Previous period"] > 0:
            n = int((changes["Mode"] != "All activities").sum())
            raw, adjusted = float(row["p_value"].iloc[0]), float(row["p_value_holm"].iloc[0])
            return change_words(
                r["Activities"], r["Previous period"], "activities", adjusted,
                f"{WELCH_COUNTS}, Holm-adjusted over the {n} modes; unadjusted p = "
                f"{fmt_p(raw)}")
        return change_words(r["Activities"], r["Previous period"], "activities")
    tests = mode_tests(summary)
    if mode not in tests:
        return change_words(r["Activities"], r["Previous period"], "activities")
    return change_words(r["Activities"], r["Previous period"], "activities", tests[mode],
                        f"exact test of two counts, Holm-adjusted over the {len(tests)} modes")


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'activities': {
        'Activities': fmt_int,
        'Previous period': fmt_int,
        'Share of activities': fmt_pct,
        'With attendance recorded': fmt_int,
        'Attendees': fmt_int,
        'Median attendees per activity': fmt_number,
    },
    'contact_points': {
        'Sessions': fmt_int,
        'Previous period': fmt_int,
        'Attendees': fmt_int,
        'Median attendees per session': fmt_number,
    },
    'published_figures': {
        'In the data': fmt_value,
    },
}
