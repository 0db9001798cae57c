"""Words, charts and display tables for the volunteers chapter of the paper.

The figures come from :mod:`evaluation.measures.volunteers` (volunteers: Special Constables
against their target, hours given, cadets and Speedwatch); this module only describes them.
"""

from __future__ import annotations

import pandas as pd

from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.formatting import (
    Formatter,
    fmt_change,
    fmt_int,
    fmt_number,
    fmt_value,
)


def specials_sentence(summary: pd.DataFrame, result: XmRResult) -> str:
    """Specials against the target: the gap, the change and what the XmR chart says."""
    now = summary.iloc[0]
    text = (f"At the end of the reporting period there were "
            f"{fmt_int(now['Special Constables at the end'])} Special Constables, "
            f"{fmt_int(abs(now['Short of target']))} "
            f"{'short of' if now['Short of target'] > 0 else 'above'} the target of "
            f"{fmt_int(now['Target'])}")
    if len(summary) > 1:
        before = summary.iloc[1]
        change = now["Special Constables at the end"] - before["Special Constables at the end"]
        text += (f" ({fmt_change(change)} on {fmt_int(before['Special Constables at the end'])}"
                 " at the end of the previous period)")
    text += ". " + narrative.xmr_sentence(result, "The number of Special Constables", fmt_value)
    verdict = {"fail": " On present variation the target of {t} will not be met without a "
                       "change in recruitment or retention.",
               "pass": " The force consistently meets the target of {t}.",
               "inconsistent": " The target of {t} lies within the process limits: it will "
                               "be met in some months and missed in others."}
    if result.mostly_special_cause:
        # no assurance from limits that do not describe the process: say where it is heading
        phase = result.latest_phase()["value"]
        away = (phase.iloc[-1] < phase.iloc[0]) == (phase.iloc[-1] < now["Target"])
        if away and phase.iloc[-1] != now["Target"]:
            text += (f" On the present trend the target of {fmt_int(now['Target'])} will not be "
                     "met without a change in recruitment or retention.")
    elif result.assurance in verdict:
        text += verdict[result.assurance].format(t=fmt_int(now["Target"]))
    return text


def hours_sentence(summary: pd.DataFrame, result: XmRResult, benchmark: float = 21) -> str:
    """Hours given per special a month against the 2016 paper's 'over 21 hours'."""
    now = summary.iloc[0]
    hours = now["Hours per special a month"]
    text = (f"Special Constables gave {fmt_int(now['Hours given'])} hours in the reporting "
            f"period, {fmt_number(hours)} hours per special a month, "
            f"{'above' if hours > benchmark else 'below'} the {fmt_number(benchmark, 0)} "
            "hours the 2016 paper reported")
    if len(summary) > 1:
        text += (f" (previous period {fmt_number(summary.iloc[1]['Hours per special a month'])})")
    return text + ". " + narrative.xmr_sentence(result, "Hours per special a month",
                                                fmt_number)


def schemes_sentence(summary: pd.DataFrame) -> str:
    """Cadet units and Speedwatch schemes at the end of the period against a year before."""
    now = summary.iloc[0]
    text = (f"There were {fmt_int(now['Cadet units at the end'])} Volunteer Police Cadet units "
            f"and {fmt_int(now['Speedwatch schemes at the end'])} Speedwatch schemes at the end "
            "of the period")
    if len(summary) > 1:
        before = summary.iloc[1]
        text += (f", against {fmt_int(before['Cadet units at the end'])} and "
                 f"{fmt_int(before['Speedwatch schemes at the end'])} at the end of the "
                 "previous period")
    return text + "."


def specials_finding(summary: pd.DataFrame) -> str:
    """The headline on Special Constables, quoting only the volunteers summary table."""
    now = summary.iloc[0]
    gap = now["Short of target"]
    return (f"There were {fmt_int(now['Special Constables at the end'])} Special Constables at "
            f"the end of the reporting period, {fmt_int(abs(gap))} "
            f"{'short of' if gap > 0 else 'above'} the target of {fmt_int(now['Target'])}; "
            f"each gave {fmt_number(now['Hours per special a month'])} hours a month on average.")


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'volunteers': {
        'Special Constables at the end': fmt_int,
        'Target': fmt_int,
        'Short of target': fmt_change,
        'Hours given': fmt_int,
        'Hours per special a month': fmt_number,
        'Cadet units at the end': fmt_int,
        'Speedwatch schemes at the end': fmt_int,
    },
}
