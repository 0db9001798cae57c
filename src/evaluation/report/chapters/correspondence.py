"""Words, charts and display tables for the correspondence chapter of the paper.

The figures come from :mod:`evaluation.measures.correspondence` (correspondence to the OPCC:
items received a month, topics and response times); this module only describes them.
"""

from __future__ import annotations

import pandas as pd

from evaluation.measures.correspondence import topic_share_tests
from evaluation.methods.disclosure import SUPPRESSED, suppress
from evaluation.methods.periods import period_label, reporting_months
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.chapters.engagement import change_words
from evaluation.report.formatting import (
    Formatter,
    fmt_int,
    fmt_number,
    fmt_pct,
)


def volume_sentence(summary: pd.DataFrame, result: XmRResult, p_value: float | None = None,
                    test: str = "Welch t-test on the monthly counts") -> str:
    """Items received in the period, against the period before, and what the XmR chart shows.

    ``p_value`` is the test of the change (:func:`evaluation.measures.correspondence.
    received_change`, the indicator table's test); without it the totals are compared by
    the exact test of two counts."""
    now, before = summary.iloc[0], summary.iloc[1]
    if now["Months"] == 0:
        return "No correspondence is recorded for the reporting period."
    text = (f"The OPCC received {fmt_int(now['Items received'])} items of correspondence in "
            f"the reporting period ({now['Period'].split('(')[1].rstrip(')')}), a mean of "
            f"{fmt_number(now['Mean a month'])} a month (between "
            f"{fmt_int(now['Lowest month'])} and {fmt_int(now['Highest month'])})")
    if before["Months"] == now["Months"]:
        text += ", " + change_words(now["Items received"], before["Items received"], "items",
                                    p_value, test)
    return text + ". " + narrative.xmr_sentence(
        result, "On the XmR chart, items received", fmt_number, per=" a month")


def topics_sentence(table: pd.DataFrame) -> str:
    """The largest topics and the biggest change in share, with a significance test."""

    body = table.iloc[:-1]
    total = table.iloc[-1]
    if total["Items"] == 0:
        return "No correspondence is recorded for the reporting period."
    named = body.loc[body["Topic"] != "Other"].head(3)
    text = ("The commonest named topics were "
            + ", ".join(f"{r['Topic'].lower()} ({fmt_pct(r['Share'])})"
                        for _, r in named.iterrows()) + ".")
    tests = topic_share_tests(table)
    if not tests.empty:
        k = int(body["Change in share (pp)"].abs().to_numpy().argmax())
        moved, tested = body.iloc[k], tests.iloc[k]
        verdict = narrative.evidence_phrase(
            float(tested["p-value (Holm)"]), float(moved["Change in share (pp)"]) / 100,
            "neutral", f"two-proportion z-test, Holm-adjusted over the {len(tests)} topics")
        text += (f" The largest change in share on the previous period was in "
                 f"{moved['Topic'].lower()}, from {fmt_pct(moved['Previous share'])} to "
                 f"{fmt_pct(moved['Share'])}: {verdict}.")
    return text


def response_sentence(table: pd.DataFrame, open_table: pd.DataFrame, target_days: int,
                      start: str, end: str) -> str:
    """Median and 90th percentile response, the share within target, and open items."""
    p0, p1 = reporting_months(start, end)
    total = table.iloc[-1]
    if total["Received"] == 0:
        return "No correspondence is recorded for the reporting period."
    text = (f"Of the {fmt_int(total['Received'])} items received from {period_label(p0, p1)}, "
            f"{fmt_int(total['Answered'])} have been answered: half within "
            f"{fmt_int(total['Median working days'])} working days and nine in ten within "
            f"{fmt_int(total['90th percentile working days'])}. "
            f"{fmt_pct(total['Within target'])} of items that were due were answered within the "
            f"target of {target_days} working days.")
    body = table.iloc[:-1].dropna(subset=["Within target"])
    if len(body) > 1:
        worst = body.loc[body["Within target"].idxmin()]
        text += (f" The lowest share was for {str(worst['Topic']).lower()} "
                 f"({fmt_pct(worst['Within target'])}).")
    n_open = int(open_table.iloc[-1]["Open items"])
    overdue = int(open_table.iloc[1:-1]["Open items"].sum())
    text += (f" At {p1.end_time.strftime('%d %B %Y').lstrip('0')}, {fmt_int(n_open)} items "
             f"were still open, {fmt_int(overdue)} of them past the target.")
    return text


def _shown(value: object) -> int | None:
    return None if value == SUPPRESSED or pd.isna(value) else int(value)  # type: ignore[arg-type]


BACKLOG_COUNTS = ["Received before the period", "Received in the period",
                  "All open past the target"]


def backlog_suppression() -> dict[str, object]:
    """``section.table`` keyword arguments that protect the backlog table's small counts."""
    return {"counts": BACKLOG_COUNTS, "total_column": "All open past the target"}


def _suppressed(backlog: pd.DataFrame, threshold: int) -> pd.DataFrame:
    return suppress(backlog, count_columns=BACKLOG_COUNTS, threshold=threshold,
                    total_column="All open past the target").table


def backlog_counts(backlog: pd.DataFrame, threshold: int = 10) -> list[int]:
    """The counts of items :func:`backlog_finding` prints (for the public version's check)."""
    row = _suppressed(backlog, threshold).iloc[0]
    before, during = _shown(row["Received before the period"]), _shown(
        row["Received in the period"])
    n = _shown(row["All open past the target"]) or 0
    return [n] + ([before, during] if before is not None and during is not None else [])


def backlog_finding(backlog: pd.DataFrame, end: str, threshold: int = 10) -> str | None:
    """The items open past the target at the period's end (:func:`evaluation.measures.
    correspondence.backlog`; a count suppressed at ``threshold`` is not quoted), as a
    finding; None when there are none."""
    row = _suppressed(backlog, threshold).iloc[0]
    n = _shown(row["All open past the target"])
    if not n:
        return None
    p1 = pd.Period(str(end)[:7], "M")
    before, during = _shown(row["Received before the period"]), _shown(
        row["Received in the period"])
    them = "it was" if n == 1 else f"{fmt_int(before)} of them were"
    when = (f"; {them} received before the period, so the period's within-target share does "
            f"not count {'it' if n == 1 else 'them'}" if before and during is not None else "")
    what = "item of correspondence was" if n == 1 else "items of correspondence were"
    return (f"At {p1.end_time.strftime('%d %B %Y').lstrip('0')}, {fmt_int(n)} {what} open "
            f"past the target of {fmt_int(row['Target (working days)'])} working days{when}.")


def correspondence_finding(table: pd.DataFrame, start: str, end: str) -> str:
    """The headline on correspondence, quoting only the response-times table."""
    p0, p1 = reporting_months(start, end)
    total = table.iloc[-1]
    return (f"The OPCC received {fmt_int(total['Received'])} items of correspondence from "
            f"{period_label(p0, p1)}; {fmt_pct(total['Within target'])} of the items that were "
            f"due were answered within {fmt_int(total['Target (working days)'])} working days, "
            f"and half were answered within {fmt_int(total['Median working days'])}.")


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'correspondence_volume': {
        'Months': fmt_int,
        'Items received': fmt_int,
        'Mean a month': fmt_number,
        'Lowest month': fmt_int,
        'Highest month': fmt_int,
    },
    'correspondence_topics': {
        'Items': fmt_int,
        'Share': fmt_pct,
        'Previous period': fmt_int,
        'Previous share': fmt_pct,
        'Change in share (pp)': lambda v: f"{float(v):+.1f}",
    },
    'correspondence_response_times': {
        'Received': fmt_int,
        'Answered': fmt_int,
        'Median working days': fmt_int,
        '90th percentile working days': fmt_int,
        'Answered within target': fmt_int,
        'Late': fmt_int,
        'Not yet due': fmt_int,
        'Within target': fmt_pct,
        'Target (working days)': fmt_int,
    },
    'correspondence_open': {
        'Open items': fmt_int,
    },
}
