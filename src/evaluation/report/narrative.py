"""The words for each kind of statistical result, in one place.

Every chapter describes an XmR chart, a trend test or a published-figure check with the same
function, so the same statistical situation always reads the same way; a chapter supplies only
its opening clause (what is measured) and how its numbers are written (a percentage, minutes,
a count). The wording follows NHS England's *Making Data Count*: "common-cause variation"
for the noise a stable process makes, "special-cause improvement" or "concern" for a signal,
and "special-cause variation" with no better or worse for a measure that has no direction of
improvement.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult
from evaluation.report.formatting import fmt_p

__all__ = ["trend_sentence", "variation_words", "xmr_sentence"]

MAX_MONTHS_LISTED = 3


def variation_words(variation: str, rule: object = None) -> str:
    """What one point's variation means, e.g. 'special-cause concern (outside limits)'.

    >>> variation_words("common cause")
    'common-cause variation (no evidence of a real change)'
    >>> variation_words("improvement", "shift")
    'special-cause improvement (shift)'
    >>> variation_words("neutral", "trend")
    'special-cause variation (trend), neither better nor worse'
    """
    rule_text = f" ({rule})" if rule is not None and not pd.isna(rule) else ""
    if variation == "common cause":
        return "common-cause variation (no evidence of a real change)"
    if variation in ("improvement", "concern"):
        return f"special-cause {variation}{rule_text}"
    return f"special-cause variation{rule_text}, neither better nor worse"


def _months(index: pd.Index) -> str:
    names = [month_name(m) for m in index[:MAX_MONTHS_LISTED]]
    more = len(index) - MAX_MONTHS_LISTED
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _special_causes(points: pd.DataFrame) -> str:
    """'outside limits (December 2024; above the mean); shift (...)' for the flagged months."""
    special = points.loc[points["special_cause"].notna()]
    parts = []
    for cause in dict.fromkeys(special["special_cause"]):
        months = special.index[special["special_cause"] == cause]
        sides = {"above" if v > m else "below"
                 for v, m in zip(special.loc[months, "value"], special.loc[months, "mean"],
                                 strict=True)}
        parts.append(f"{cause} ({_months(months)}; {' and '.join(sorted(sides))} the mean)")
    return "; ".join(parts)


def xmr_sentence(result: XmRResult, measure: str, fmt: Callable[[float], str],
                 per: str = "") -> str:
    """An XmR chart in plain English, the same way for every measure.

    ``measure`` opens the sentence ("The digital share of public contacts"); ``fmt`` writes
    one value (e.g. :func:`evaluation.report.formatting.fmt_pct`); ``per`` follows the mean
    (" a month" for counts). The sentences give the window, the mean and process limits of the
    latest phase, where the limits were recalculated at a process change, the latest month's
    variation, every earlier special cause with its months, and whether the limits are still
    trial limits.
    """
    pts = result.points
    last = pts.iloc[-1]
    n = len(pts)
    groups = pd.Series(result.rebase_group or (0,) * n, index=pts.index)
    phase = groups == groups.iloc[-1]
    phase_start = pts.index[phase][0]
    # the mean and limits are those of the latest phase: say which months they describe
    text = (f"{measure} averaged {fmt(last['mean'])}{per} over the {int(phase.sum())} months "
            f"from {month_name(phase_start)} to {month_name(pts.index[-1])}, with process "
            f"limits of {fmt(last['lpl'])} to {fmt(last['upl'])}.")
    if groups.iloc[-1] > 0:
        before = pts.loc[groups == groups.iloc[-1] - 1].iloc[-1]
        text += (f" The limits were recalculated from {month_name(phase_start)}, when the "
                 f"process changed; the mean before was {fmt(before['mean'])}{per}. The chart "
                 f"shows {n} months from {month_name(pts.index[0])}.")
    text += (f" The latest month, {month_name(pts.index[-1])}, was {fmt(last['value'])}: "
             f"{variation_words(result.latest_variation, last['special_cause'])}.")
    special = pts.loc[pts["special_cause"].notna()]
    if special.empty:
        text += " No month in the window shows special-cause variation."
    else:
        kinds = special["variation"].value_counts()
        counts = ", ".join(f"{int(kinds[k])} {k}" for k in ("improvement", "concern", "neutral")
                           if k in kinds)
        text += (f" {len(special)} of the {n} months show special-cause variation ({counts}): "
                 f"{_special_causes(pts)}.")
        if len(special) * 2 > n:
            text += (" When most months are special cause, the process has probably changed "
                     "and the limits need a new phase from that change.")
    if result.trial_limits:
        text += (f" With only {n} points the limits are trial limits and will settle as more "
                 "months are added.")
    return text


def trend_sentence(trend: str, p_value: float, slope: str | None = None,
                   test: str = "Mann-Kendall test") -> str:
    """A trend test in words: 'no significant monotonic trend (p = 0.412)' or a significant
    increasing or decreasing trend with its slope.

    >>> trend_sentence("no trend", 0.41)
    'The Mann-Kendall test finds no significant monotonic trend over the period (p = 0.410).'
    >>> trend_sentence("increasing", 0.0004, "+2.1 points a year")  # doctest: +ELLIPSIS
    '... finds a significant increasing trend (about +2.1 points a year, p < 0.001).'
    """
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {fmt_p(p_value)}"
    if trend == "no trend":
        return f"The {test} finds no significant monotonic trend over the period ({p_text})."
    about = f"about {slope}, " if slope else ""
    return f"The {test} finds a significant {trend} trend ({about}{p_text})."
