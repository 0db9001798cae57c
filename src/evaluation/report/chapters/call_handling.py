"""Words, charts and display tables for the call handling chapter of the paper.

The figures come from :mod:`evaluation.measures.call_handling` (call handling: monthly KPIs
from call logs (pandas or DuckDB), the long monthly series,); this module only describes them.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from evaluation.measures.call_handling import (
    _MEASURES,
    LABELS,
    WEEKDAYS,
)
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.charts import OKABE_ITO, PALETTE, Chart, apply_house_style, finish_axes
from evaluation.report.formatting import fmt_int, fmt_number, fmt_p, fmt_pct, fmt_pp

__all__ = [
    "before_after_sentence",
    "coverage_note",
    "financial_year_sentence",
    "kpi_sentence",
    "kpi_xmr_chart",
    "secondary_wait_chart",
    "secondary_wait_sentence",
    "spc_sentence",
    "staffing_chart",
    "staffing_sentence",
]


def coverage_note(call_logs: pd.DataFrame, period_start: str, period_end: str) -> str:
    """Which months the call logs cover, and whether that lies within the reporting period."""
    if call_logs.empty:
        return "No call-level records were supplied."
    first, last = call_logs["received_at"].min(), call_logs["received_at"].max()
    span = f"{month_name(first)} to {month_name(last)}"
    start, end = pd.Timestamp(period_start), pd.Timestamp(period_end)
    n = fmt_int(len(call_logs))
    if last < start or first > end + pd.Timedelta(days=1):
        return (f"The call-level records ({n} calls) cover {span}, outside the reporting "
                "period; they are shown as the latest call-level data available.")
    if first.normalize() > start or last.normalize() < end:  # a period covered to the day
        return f"The call-level records ({n} calls) cover {span}, part of the reporting period."
    return f"The call-level records ({n} calls) cover {span}."


def financial_year_sentence(
    summary: pd.DataFrame, line: str, year: str, compare_with: str | None = None,
    minimum_important: float | None = None,
) -> str:
    """'In 2018/19, 88.0% of 101 calls answered were answered within 30 seconds …'; with
    ``compare_with`` and no test, the other year's rate and the change in percentage points
    (no significance is claimed without a test: see :func:`year_comparison_sentence`)."""
    rows = summary.set_index(["financial_year", "line"])
    if (year, line) not in rows.index:
        return f"There are no {line} call-handling figures for {year}."
    r = rows.loc[(year, line)]
    text = _year_text(year, line, int(r["months"]), r["within_target_share"],
                      r["answered_within_target"], r["answered"], int(r["target_s"]),
                      r["abandonment_rate"], r["offered"])
    if compare_with and compare_with != year and (compare_with, line) in rows.index:
        b = rows.loc[(compare_with, line)]
        text += " " + _change_text("Answered within target", r["within_target_share"],
                                   b["within_target_share"], compare_with) + "."
    return text


def year_comparison_sentence(table: pd.DataFrame,
                             minimum_important: float | None = None) -> str:
    """The year of :func:`evaluation.measures.call_handling.year_comparison` against the year
    compared with: rates, the change in percentage points and the month-by-month test, worded
    by :func:`narrative.evidence_phrase` (every number is in ``table``)."""
    if table.empty:
        return "There are not two years of call-handling figures to compare."
    rows = table.set_index("measure")
    w, a = rows.loc["within_target_share"], rows.loc["abandonment_rate"]
    text = _year_text(w["year"], w["line"], int(w["months"]), w["rate"], w["count"], w["base"],
                      int(w["target_s"]), a["rate"], a["base"])
    for label, r, mid in (("Answered within target", w, minimum_important),
                          ("Abandonment", a, None)):
        text += " " + _change_text(label, r["rate"], r["rate_compared"], r["compared_with"])
        if r["test"]:
            text += ": " + narrative.evidence_phrase(
                r["p_value"], r["difference_pp"] / 100, r["improvement"], r["test"], mid,
                lambda v: fmt_pp(v).lstrip("+"))
        text += "."
    return text


def _year_text(year: str, line: str, months: int, share: float, within: float,
               answered: float, target_s: int, abandoned: float, offered: float) -> str:
    part = "" if months == 12 else f" (the {months} months available)"
    when = f"From {year}" if " to " in year else f"In {year}"
    return (f"{when}{part}, {fmt_pct(share)} of {line} calls answered were answered within "
            f"{target_s} seconds ({fmt_int(within)} of {fmt_int(answered)}), and "
            f"{fmt_pct(abandoned)} of the {fmt_int(offered)} calls offered were abandoned.")


def _change_text(label: str, now: float, then: float, year: str) -> str:
    """'Answered within target is 2.8 percentage points lower than in 2017/18 (90.8%)'."""
    diff = float(now - then)
    if diff == 0:
        return f"{label} is the same as in {year} ({fmt_pct(then)})"
    size = fmt_pp(abs(diff)).lstrip("+")
    when = f"the same months a year earlier, {year}" if " to " in year else year
    return (f"{label} is {size} {'higher' if diff > 0 else 'lower'} than in {when} "
            f"({fmt_pct(then)})")


def _fmt_value(measure: str, value: float) -> str:
    if _MEASURES[measure]["unit"] == "share":
        return fmt_pct(value)
    return f"{fmt_number(value / 60)} minutes"


def _what(line: str, measure: str, target_s: int | None) -> str:
    what = _MEASURES[measure]["label"]
    if measure == "within_target_share" and target_s is not None:
        what = f"answered within {target_s} seconds"
    if measure == "mean_secondary_wait_s":
        return f"Mean wait for a secondary handler, {line} calls"
    return f"{line} calls {what}"


def kpi_xmr_chart(result: XmRResult, line: str, measure: str, target_s: int | None = None
                  ) -> Chart:
    """The Making Data Count chart of :func:`kpi_xmr` (secondary wait shown in minutes), with
    alt text from :func:`spc_sentence`."""
    from evaluation.report.charts import spc_chart

    info = _MEASURES[measure]
    first, last = result.points.index[0], result.points.index[-1]
    span = f"{month_name(first)} to {month_name(last)}"
    title = f"{_what(line, measure, target_s)}, by month"
    kind = ("Line chart (no process limits: the process was not stable)"
            if result.mostly_special_cause else "XmR chart")
    limits = "" if result.mostly_special_cause else ", with the mean and process limits"
    alt = (f"{kind} of {_what(line, measure, target_s)} in each of {len(result.points)} "
           f"months, {span}{limits}. " + spc_sentence(result, line, measure, target_s))
    if info["unit"] == "share":
        return spc_chart(result, title, f"Month ({span})", info["axis"], y_format="percent",
                         value_format="{:.1%}", alt_text=alt)
    return spc_chart(result, title, f"Month ({span})", info["axis"], value_format="{:.1f}",
                     alt_text=alt, scale=60)


def spc_sentence(result: XmRResult, line: str, measure: str, target_s: int | None = None
                 ) -> str:
    """What the XmR chart of one KPI shows (:func:`narrative.xmr_sentence`)."""
    what = _what(line, measure, target_s)
    opening = what if measure == "mean_secondary_wait_s" else f"The share of {what}"
    return narrative.xmr_sentence(result, opening, lambda v: _fmt_value(measure, v))


def before_after_sentence(table: pd.DataFrame, change_month: str) -> str:
    """One sentence per measure: before, after, the change in percentage points and the
    strength of the evidence (:func:`narrative.evidence_phrase`, month by month)."""
    if table.empty:
        return f"There are no months to compare either side of {month_name(change_month)}."
    first = table.iloc[0]
    parts = [f"Comparing {first['line']} calls in {first['before']} with {first['after']} "
             f"(from {month_name(change_month)}; mean of the monthly rates):"]
    for r in table.itertuples(index=False):
        verdict = narrative.evidence_phrase(r.p_value, r.difference_pp / 100, r.improvement,
                                            r.test)
        parts.append(f"{r.measure} {fmt_pct(r.before_rate)} before and "
                     f"{fmt_pct(r.after_rate)} after ({fmt_pp(r.difference_pp / 100)}, "
                     f"{verdict});")
    return " ".join(parts).rstrip(";") + "."


def secondary_wait_sentence(table: pd.DataFrame, result: XmRResult | None = None) -> str:
    """'The mean wait … fell from 7.5 minutes … to 3.5 minutes …' with the SPC evidence."""
    if len(table) < 2:
        return "There are not enough months either side of the change to compare."
    b, a = table.iloc[0], table.iloc[1]
    verb = "fell" if a["mean_secondary_wait_min"] < b["mean_secondary_wait_min"] else "rose"
    text = (f"The mean wait for a secondary handler {verb} from "
            f"{fmt_number(b['mean_secondary_wait_min'])} minutes ({b['months']}) to "
            f"{fmt_number(a['mean_secondary_wait_min'])} minutes ({a['months']}), while call "
            f"handlers in post rose from {fmt_number(b['call_handlers_fte'])} to "
            f"{fmt_number(a['call_handlers_fte'])} FTE on average.")
    if result is not None:
        text += " " + _change_evidence(result, pd.Timestamp(a["months"].split(" to ")[0]))
    return text


def _change_evidence(result: XmRResult, change: pd.Timestamp) -> str:
    """What an XmR chart says about a change starting at ``change``."""
    pts = result.points
    groups = pd.Series(result.rebase_group, index=pts.index)
    after, before = pts.loc[pts.index >= change], pts.loc[pts.index < change]
    if after.empty or before.empty:
        return ""
    if groups.loc[after.index[0]] != groups.loc[before.index[-1]]:
        phases = result.phases().set_index("phase")
        either = phases.loc[[groups.loc[before.index[-1]] + 1, groups.loc[after.index[0]] + 1]]
        if (either["special_points"] * 2 > either["points"]).any():
            return (f"The limits restart at {month_name(change)}, but most months of the "
                    "phases either side are special cause (the wait drifts within them), so "
                    "their limits cannot show whether the step lasted; the months either "
                    "side, above, are the evidence.")
        old, new = before.iloc[-1], after.iloc[0]
        lower = new["upl"] < old["lpl"]
        higher = new["lpl"] > old["upl"]
        if lower or higher:
            better = (lower and result.improvement == "decrease") or (
                higher and result.improvement == "increase")
            word = "an improvement" if better else (
                "a deterioration" if result.improvement != "neutral" else "a change")
            return (f"With the XmR limits recalculated from {month_name(change)}, the new "
                    f"process limits lie wholly {'below' if lower else 'above'} the old ones: "
                    f"{word} that is more than chance.")
        return (f"With the XmR limits recalculated from {month_name(change)}, the new process "
                "limits overlap the old ones, so the chart alone does not show a lasting "
                "change (overlapping limits are not a test).")
    kinds = [k for k in after["variation"].unique() if k != "common cause"]
    if kinds:
        return ("On the XmR chart the months after the change show special cause variation "
                f"({', '.join(kinds)}), so the change is more than chance.")
    return "On the XmR chart the months after the change show only common cause variation."


def secondary_wait_chart(kpis: pd.DataFrame, line: str = "101") -> Chart:
    """Mean, median and 90th percentile secondary pick-up wait by month (call logs)."""
    k = kpis.loc[(kpis["line"] == str(line)) & kpis["secondary_answered"].gt(0)]
    if k.empty:
        raise ValueError(f"no secondary pick-ups for line {line} in the call logs")
    apply_house_style()
    fig, ax = plt.subplots()
    x = k["month"]
    for col, name, colour, marker in (
            ("secondary_wait_p90_s", "90th percentile", PALETTE[3], "^"),
            ("secondary_wait_mean_s", "Mean", PALETTE[0], "o"),
            ("secondary_wait_median_s", "Median", PALETTE[2], "s")):
        ax.plot(x, k[col] / 60, marker=marker, color=colour, label=name)
    span = f"{month_name(x.min())} to {month_name(x.max())}"
    title = f"Wait for a secondary handler, {line} calls, by month"
    finish_axes(ax, title, f"Month ({span})", "Wait from first answer (minutes)")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.legend(loc="upper right")
    fig.autofmt_xdate()
    fig.tight_layout()
    first, last = k.iloc[0], k.iloc[-1]
    hi = k.loc[k["secondary_wait_mean_s"].idxmax()]
    alt = (f"Line chart of the wait between a {line} call being answered and a secondary "
           f"handler picking up, {span}, from {fmt_int(k['secondary_answered'].sum())} "
           f"pick-ups. The mean was {fmt_number(first['secondary_wait_mean_s'] / 60)} minutes "
           f"in {month_name(first['month'])} and "
           f"{fmt_number(last['secondary_wait_mean_s'] / 60)} minutes in "
           f"{month_name(last['month'])} (highest {fmt_number(hi['secondary_wait_mean_s'] / 60)}"
           f" minutes in {month_name(hi['month'])}); the median was "
           f"{fmt_number(last['secondary_wait_median_s'] / 60)} and the 90th percentile "
           f"{fmt_number(last['secondary_wait_p90_s'] / 60)} minutes in the latest month.")
    return Chart(figure=fig, title=title, alt_text=alt)


def kpi_sentence(kpis: pd.DataFrame, line: str) -> str:
    """Call-log KPIs of one line over all months of the logs, in one paragraph."""
    k = kpis.loc[kpis["line"] == str(line)]
    if k.empty:
        return f"There are no {line} calls in the call logs."
    offered, answered = int(k["offered"].sum()), int(k["answered"].sum())
    within = int(k["answered_within_target"].sum())
    asa = float((k["asa_s"] * k["answered"]).sum() / answered) if answered else float("nan")
    span = f"{month_name(k['month'].min())} to {month_name(k['month'].max())}"
    text = (f"From the call logs, {span}: {fmt_int(offered)} {line} calls were offered; "
            f"{fmt_pct(within / answered if answered else float('nan'))} of those answered "
            f"were answered within {int(k['target_s'].iloc[0])} seconds (average speed of "
            f"answer {fmt_number(asa)} seconds) and {fmt_pct(k['abandoned'].sum() / offered)} "
            "were abandoned.")
    transferred = int(k["transferred_to_secondary"].sum())
    if transferred:
        text += (f" {fmt_pct(transferred / answered)} of answered calls were transferred to a "
                 "secondary handler.")
        picked = int(k["secondary_answered"].sum()) if "secondary_answered" in k else transferred
        requested_back = int(k["callbacks_requested"].sum())
        lost = transferred - picked - requested_back
        if lost > 0:
            text += (f" Of the {fmt_int(transferred)} transferred, {fmt_int(picked)} were picked "
                     f"up by a secondary handler and {fmt_int(requested_back)} asked for a "
                     f"call-back; the other {fmt_int(lost)} ({fmt_pct(lost / transferred)}) "
                     "have no pick-up recorded: the caller hung up while waiting.")
    requested = int(k["callbacks_requested"].sum())
    if requested:
        text += (f" {fmt_int(requested)} call-backs were requested and "
                 f"{fmt_int(k['callbacks_made'].sum())} made; "
                 f"{fmt_pct(k['callbacks_within'].sum() / requested)} of those requested were "
                 "made within the time limit.")
    return text


def staffing_sentence(summary: pd.DataFrame, line: str) -> str:
    """Hours under-staffed and the what-if, for one line, in plain English."""
    rows = summary.set_index("line")
    if line not in rows.index:
        return f"There are no {line} calls to staff."
    r = rows.loc[line]
    text = (f"To answer {fmt_pct(r['service_level_target'], 0)} of {line} calls within "
            f"{int(r['target_s'])} seconds, Erlang C needs {fmt_int(r['handler_hours_needed'])}"
            f" handler-hours a week (up to {fmt_int(r['peak_handlers_needed'])} handlers in the "
            "busiest hour)")
    if "hours_understaffed" not in r or pd.isna(r.get("hours_understaffed")):
        return text + "; no rota was supplied to compare with."
    rostered = float(r["handler_hours_rostered"])
    text += (f"; the rota provides {fmt_number(rostered, 0 if rostered.is_integer() else 1)}. "
             f"{fmt_int(r['hours_understaffed'])} of the {fmt_int(r['hours_in_week'])} hours of "
             f"the week are under-staffed (largest shortfall {fmt_number(r['largest_shortfall'])}"
             " handlers). Allowing for callers who hang up (Erlang A), the rota should answer "
             f"{fmt_pct(r['service_level_rota'])} of answered calls within target with "
             f"{fmt_pct(r['abandoned_rota'])} abandoned.")
    n = float(r["extra_handlers"])
    if n > 0:
        text += (f" With {fmt_number(n, 0 if n.is_integer() else 1)} more handlers on every "
                 f"shift this becomes {fmt_pct(r['service_level_plus'])} "
                 f"({fmt_pp(r['service_level_gain_pp'] / 100)}), with "
                 f"{fmt_pct(r['abandoned_plus'])} "
                 "abandoned.")
    return text


def staffing_chart(staffing: pd.DataFrame, line: str) -> Chart:
    """Handlers needed (Erlang C, Erlang A) and on shift for each hour of the week."""
    s = staffing.loc[staffing["line"] == str(line)].sort_values("hour_of_week")
    if s.empty:
        raise ValueError(f"no staffing rows for line {line}")
    apply_house_style()
    fig, ax = plt.subplots(figsize=(9.0, 4.2))
    x = s["hour_of_week"].to_numpy()
    has_rota = s["handlers_on_shift"].notna().all()
    if has_rota:
        under = s["understaffed"].to_numpy(dtype=bool)
        ax.bar(x[under], s["handlers_needed"].to_numpy()[under], width=1.0,
               color=OKABE_ITO["orange"], alpha=0.25, label="Under-staffed hour")
        ax.step(x, s["handlers_on_shift"], where="mid", color=PALETTE[0], lw=1.8,
                label="Handlers on shift (rota)")
    ax.plot(x, s["handlers_needed"], color=PALETTE[3], lw=1.4, label="Needed, Erlang C")
    ax.plot(x, s["agents_erlang_a"], color=PALETTE[2], lw=1.2, ls="--",
            label="Needed, Erlang A (callers hang up)")
    ax.set_xticks(range(0, 168, 24), [d[:3] for d in WEEKDAYS], ha="left")
    ax.set_xlim(-0.5, 167.5)
    target = int(s["target_s"].iloc[0])
    title = f"{line} call handlers needed and on shift, by hour of the week"
    finish_axes(ax, title, "Hour of the week (Monday 00:00 to Sunday 23:00)", "Call handlers")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    peak = s.loc[s["handlers_needed"].idxmax()]
    alt = (f"Line chart of the {line} call handlers needed in each of the 168 hours of a "
           f"typical week to answer calls within {target} seconds: Erlang C from "
           f"{fmt_int(s['handlers_needed'].min())} to {fmt_int(s['handlers_needed'].max())} "
           f"(peak {peak['weekday']} {int(peak['hour']):02d}:00, "
           f"{fmt_number(peak['calls_per_hour'])} calls an hour).")
    if has_rota:
        n_under = int(s["understaffed"].sum())
        worst = s.loc[s["shortfall"].idxmax()]
        alt += (f" Handlers on shift range from {fmt_number(s['handlers_on_shift'].min())} to "
                f"{fmt_number(s['handlers_on_shift'].max())}; {n_under} hours are shaded as "
                "under-staffed")
        alt += (f", the largest shortfall {fmt_number(worst['shortfall'])} handlers on "
                f"{worst['weekday']} at {int(worst['hour']):02d}:00." if n_under else ".")
    return Chart(figure=fig, title=title, alt_text=alt)


# --------------------------------------------------------------------------- display
_PCT_COLUMNS = {"within_target_share", "within_target_share_offered", "abandonment_rate",
                "transfer_share", "callback_within_share", "before_rate", "after_rate",
                "service_level_rota", "abandoned_rota", "service_level_plus", "abandoned_plus",
                "service_level_target", "value", "mean", "lpl", "upl", "rate",
                "rate_compared"}


_PP_COLUMNS = {"difference", "lower", "upper"}
_POINTS_COLUMNS = {"difference_pp", "lower_pp", "upper_pp"}  # already in percentage points


_DECIMAL_COLUMNS = {"asa_s", "secondary_wait_mean_s", "secondary_wait_median_s",
                    "secondary_wait_p90_s", "callback_median_s", "mean_secondary_wait_s",
                    "mean_secondary_wait_min", "call_handlers_fte", "largest_shortfall",
                    "extra_handlers", "service_level_gain_pp", "calls_per_hour",
                    "handlers_on_shift", "traffic_erlangs"}


_TEXT_COLUMNS = {"line", "financial_year", "measure", "before", "after", "period", "months",
                 "weekday", "special_cause", "variation", "significant", "improvement",
                 "evidence", "test", "signal", "year", "compared_with"}


def display_table(
    df: pd.DataFrame, columns: Sequence[str] | None = None, percent: bool = True,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """``df`` (selected ``columns``) with plain-English headings and the formatter for each.

    Months are shown as "Oct 2015"; proportions as percentages (or, with ``percent=False``,
    as numbers to 1 decimal place, e.g. an XmR table of waits); counts with thousands
    separators.
    """
    from evaluation.report.formatting import fmt_int as _int
    from evaluation.report.formatting import fmt_number as _num
    from evaluation.report.formatting import fmt_pct as _pct

    cols = list(columns) if columns is not None else list(df.columns)
    out = pd.DataFrame(df)[cols].copy()
    formats: dict[str, object] = {}
    for col in cols:
        label = LABELS.get(col, col.replace("_", " ").capitalize())
        if col == "month":
            out[col] = pd.to_datetime(out[col]).dt.strftime("%b %Y")
        elif col == "measure":
            out[col] = [_MEASURES[m]["label"] if m in _MEASURES else m for m in out[col]]
        elif col in _POINTS_COLUMNS:
            formats[label] = lambda v: "–" if pd.isna(v) else f"{float(v):+.1f}"
        elif col == "p_value":
            formats[label] = fmt_p
        elif col in _PCT_COLUMNS and percent:
            formats[label] = _pct
        elif col in _PP_COLUMNS:
            formats[label] = fmt_pp
        elif col in _DECIMAL_COLUMNS or (col in _PCT_COLUMNS and not percent):
            formats[label] = _num
        elif col not in _TEXT_COLUMNS:
            formats[label] = _int
    out.columns = [LABELS.get(c, c.replace("_", " ").capitalize()) for c in cols]
    return out, formats
