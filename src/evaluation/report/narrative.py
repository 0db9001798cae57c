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

from evaluation.methods.comparisons import evidence
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult
from evaluation.report.formatting import fmt_p

__all__ = ["assurance_words", "evidence_phrase", "funnel_position", "phases_sentence",
           "published_check", "published_summary", "trend_sentence", "unstable_sentence",
           "variation_words", "xmr_sentence"]

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


ASSURANCE_WORDS = {"pass": "consistently meets the target",
                   "fail": "consistently misses the target",
                   "inconsistent": "may meet or miss the target at random"}


def assurance_words(assurance: str) -> str:
    """Making Data Count assurance in words.

    >>> assurance_words("fail")
    'consistently misses the target'
    """
    return ASSURANCE_WORDS[assurance]


def _months(index: pd.Index) -> str:
    names = [month_name(m) for m in index[:MAX_MONTHS_LISTED]]
    more = len(index) - MAX_MONTHS_LISTED
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


def _special_causes(points: pd.DataFrame) -> str:
    """'outside limits (December 2024; above the mean); trend (...; falling)' for the flagged
    months: each rule with its direction (a trend's direction, not its side of the mean)."""
    special = points.loc[points["special_cause"].notna()]
    parts = []
    for cause in dict.fromkeys(special["special_cause"]):
        months = special.index[special["special_cause"] == cause]
        if cause == "trend":
            ways = {str(s).split()[0] for s in special.loc[months, "signal"]}
            how = " and ".join(sorted(ways))
        else:
            sides = {"above" if v > m else "below"
                     for v, m in zip(special.loc[months, "value"],
                                     special.loc[months, "mean"], strict=True)}
            how = f"{' and '.join(sorted(sides))} the mean"
        parts.append(f"{cause} ({_months(months)}; {how})")
    return "; ".join(parts)


def xmr_sentence(result: XmRResult, measure: str, fmt: Callable[[float], str],
                 per: str = "") -> str:
    """An XmR chart in plain English, the same way for every measure.

    ``measure`` opens the sentence ("The digital share of public contacts"); ``fmt`` writes
    one value (e.g. :func:`evaluation.report.formatting.fmt_pct`); ``per`` follows the mean
    (" a month" for counts). The sentences give the window, the mean and process limits of the
    latest phase, where the limits were recalculated at a recorded process change and why,
    the latest month's variation with the rule and its direction, every earlier special
    cause with its months, and whether the limits are still trial limits. When most points
    of the latest phase are special cause it says that instead (:func:`unstable_sentence`).
    """
    pts = result.points
    last = pts.iloc[-1]
    n = len(pts)
    phases = result.phases()
    latest = phases.iloc[-1]
    phase_start = latest["start"]
    # the mean and limits are those of the latest phase: say which months they describe
    text = (f"{measure} averaged {fmt(last['mean'])}{per} over the {int(latest['points'])} "
            f"months from {month_name(phase_start)} to {month_name(pts.index[-1])}")
    if result.mostly_special_cause:
        return text + ". " + unstable_sentence(result, fmt, per)
    text += f", with process limits of {fmt(last['lpl'])} to {fmt(last['upl'])}."
    if len(phases) > 1:
        text += " " + phases_sentence(result, fmt, per)
    text += (f" The latest month, {month_name(pts.index[-1])}, was {fmt(last['value'])}: "
             f"{variation_words(result.latest_variation, _rule(last))}.")
    special = pts.loc[pts["special_cause"].notna()]
    if special.empty:
        text += " No month in the window shows special-cause variation."
    else:
        kinds = special["variation"].value_counts()
        counts = ", ".join(f"{int(kinds[k])} {k}" for k in ("improvement", "concern", "neutral")
                           if k in kinds)
        text += (f" {len(special)} of the {n} months show special-cause variation ({counts}): "
                 f"{_special_causes(pts)}.")
    if result.assurance is not None and result.target is not None:
        text += (f" Against the target of {fmt(result.target)}, the process "
                 f"{assurance_words(result.assurance)} (the target lies "
                 + {"pass": "beyond the limits on the side of improvement",
                    "fail": "beyond the limits on the side of concern",
                    "inconsistent": "between the process limits"}[result.assurance] + ").")
    text += _trial_limits_sentence(result)
    return text


def _trial_limits_sentence(result: XmRResult) -> str:
    """Which phases have fewer than 12 points, so trial limits ('' when none)."""
    short = result.phases()
    short = short.loc[short["points"] < 12]
    if short.empty:
        return ""
    last = result.phases().iloc[-1]
    if len(short) == 1 and short.iloc[0]["phase"] == last["phase"]:
        return (f" With only {int(last['points'])} points in the latest phase the limits are "
                "trial limits and will settle as more months are added.")
    names = [f"from {month_name(r['start'])} ({int(r['points'])} points)"
             for _, r in short.iterrows()]
    return (f" The limits of the phase{'s' if len(names) > 1 else ''} "
            f"{' and '.join(names)} rest on fewer than 12 points and are trial limits.")


def _rule(point: pd.Series) -> object:
    """The rule that flagged a point, with a trend's direction: 'trend, falling'."""
    cause = point["special_cause"]
    if cause == "trend":
        return f"trend, {str(point['signal']).split()[0]}"
    return cause


def phases_sentence(result: XmRResult, fmt: Callable[[float], str], per: str = "") -> str:
    """Where the limits were recalculated and why, e.g. 'The limits were recalculated from
    November 2015, when ten new call handlers started; the mean before was 7.5 minutes. The
    chart shows 84 months from April 2012.' (several changes are joined with 'and from')."""
    pts = result.points
    phases = result.phases()
    parts = []
    for k in range(1, len(phases)):
        row, before = phases.iloc[k], phases.iloc[k - 1]
        mean_before = pts.loc[before["end"], "mean"]
        why = row["reason"] or "the process changed"
        parts.append(f"from {month_name(row['start'])}, when {why}; the mean before was "
                     f"{fmt(mean_before)}{per}")
    return (f"The limits were recalculated {' and '.join(parts)}. The chart shows {len(pts)} "
            f"months from {month_name(pts.index[0])}.")


def unstable_sentence(result: XmRResult, fmt: Callable[[float], str], per: str = "") -> str:
    """The words for a phase where most points are special cause: one set of limits does
    not describe it, so no variation icon or assurance is reported, and the reader is pointed
    to the missing phase. The special causes and which way they point are still given.

    A methodologist would not publish "special-cause concern in the latest month" for 23 of
    24 months: the limits come from a process that was not stable, so what the chart shows
    is that the level moved, which way and by how much.
    """
    part = result.latest_phase()
    first, last = part.iloc[0], part.iloc[-1]
    special = part.loc[part["special_cause"].notna()]
    kinds = special["variation"].value_counts()
    counts = ", ".join(f"{int(kinds[k])} {k}" for k in ("improvement", "concern", "neutral")
                       if k in kinds)
    move = ("rose" if last["value"] > first["value"] else
            "fell" if last["value"] < first["value"] else "ended where it started")
    frm = "" if move.startswith("ended") else (
        f" from {fmt(first['value'])}{per} in {month_name(part.index[0])} to "
        f"{fmt(last['value'])}{per} in {month_name(part.index[-1])}")
    lo, hi = part["value"].idxmin(), part["value"].idxmax()
    if lo not in (part.index[0], part.index[-1]) or hi not in (part.index[0], part.index[-1]):
        frm += (f", between a low of {fmt(part.loc[lo, 'value'])}{per} ({month_name(lo)}) and "
                f"a high of {fmt(part.loc[hi, 'value'])}{per} ({month_name(hi)})")
    return (f"{len(special)} of the {len(part)} months show special-cause "
            f"variation ({counts}): {_special_causes(part)}. With most months special cause, "
            "one set of limits does not describe them: the process was not stable over the "
            f"phase. It {move}{frm}. Either it changed at a point that is not recorded "
            "(record the change and its reason as a process change of the indicator framework, "
            "and the limits restart there) or it drifted throughout; the chart is drawn without "
            "limits and no variation icon is given." + _unstable_assurance(result, fmt, per))


def _unstable_assurance(result: XmRResult, fmt: Callable[[float], str], per: str) -> str:
    """What a not-stable phase says about its target: only a plain 'every month'."""
    verdict = result.phase_assurance()
    if not verdict:
        return (" No assurance against the target is given." if result.target is not None
                and result.improvement != "neutral" else "")
    every = "meets" if verdict == "pass" else "misses"
    return (f" Every month of the phase {every} the target of {fmt(result.target)}{per}, so "
            f"the process {ASSURANCE_WORDS[verdict]}.")


def evidence_phrase(p_value: float, difference: float, improvement: str = "neutral",
                    test: str = "", minimum_important: float | None = None,
                    fmt_difference: Callable[[float], str] | None = None) -> str:
    """How strong the evidence of a change is, in the same words everywhere (after the
    chapter's own 'That is up 1.2 pp on 2017/18'):

    >>> evidence_phrase(0.0002, 0.031, "increase", "two-proportion z-test")
    'a statistically significant improvement (p < 0.001, two-proportion z-test)'
    >>> evidence_phrase(1e-9, 0.002, "increase", "z-test", 0.02, lambda v: f"{v * 100:.0f} pp")
    'statistically significant but a small change, under the 2 pp that matters (p < 0.001, z-test)'
    >>> evidence_phrase(0.04, -0.01, "increase")
    'weak evidence of a change (p = 0.040): it may be chance'
    >>> evidence_phrase(0.41, 0.01, "decrease", "Welch t-test on the monthly rates")
    'no evidence of a real change (p = 0.410, Welch t-test on the monthly rates)'

    Bands (:data:`evaluation.methods.comparisons.EVIDENCE_BANDS`): p < 0.01 is worded
    statistically significant, 0.01 to 0.1 weak evidence, 0.1 or more no evidence. A
    significant change smaller than the indicator's minimum important difference is "a small
    change". Only ever called after a test: overlapping intervals are not a test.
    """
    kind = evidence(p_value, difference, minimum_important)
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {fmt_p(p_value)}"
    detail = f"{p_text}, {test}" if test else p_text
    if kind == "strong":
        better = (difference > 0) == (improvement == "increase")
        what = ("change" if improvement == "neutral" or difference == 0
                else "improvement" if better else "deterioration")
        return f"a statistically significant {what} ({detail})"
    if kind == "strong but small":
        size = (fmt_difference or (lambda v: f"{v:g}"))(minimum_important or 0.0)
        return (f"statistically significant but a small change, under the {size} that matters "
                f"({detail})")
    if kind == "weak":
        return f"weak evidence of a change ({detail}): it may be chance"
    return f"no evidence of a real change ({detail})"


def published_check(figure: str, computed: str, where: str, supported: bool,
                    as_published: str, data: str = "the data hold") -> str:
    """One published figure against the data, the same way in every chapter:

    >>> published_check("Referrals", "10,412", "October 2014 to March 2016", True,
    ...                 "over 10,000")  # doctest: +ELLIPSIS
    'Referrals: the data hold 10,412 for October 2014 to March 2016, which supports the ...'
    """
    verdict = "supports" if supported else "does NOT support"
    return (f"{figure}: {data} {computed} for {where}, which {verdict} the published "
            f"\u201c{as_published}\u201d.")


def published_summary(supported: int, total: int, what: str, source: str = "the 2016 paper",
                      data: str = "the monthly data") -> str:
    """How many published figures the data support.

    >>> published_summary(3, 4, "Victims' Hub figures")
    "3 of 4 Victims' Hub figures in the 2016 paper are supported by the monthly data."
    """
    return f"{supported} of {total} {what} in {source} are supported by {data}."


def funnel_position(unit: str, rate: str, n: str, rank: int, units: int, band: str,
                    target_area: str, target: str, window: str) -> str:
    """A unit's place on a funnel plot:

    >>> funnel_position("Force X", "80.0%", "120", 2, 3, "within the limits",
    ...                 "England and Wales", "80.0%", "12 months to March 2015")[:70]
    'In the 12 months to March 2015, Force X (80.0% of 120 respondents) ran'
    """
    return (f"In the {window}, {unit} ({rate} of {n} respondents) ranked {rank} of {units} "
            f"forces shown and lay {band} of the funnel around the {target_area} rate of "
            f"{target}.")


def trend_sentence(trend: str, p_value: float, slope: str | None = None,
                   test: str = "Mann-Kendall test") -> str:
    """A trend test in words, by the evidence bands (p < 0.01 significant; 0.01 to 0.1 weak
    evidence; otherwise none). ``trend`` is the test's direction ("increasing",
    "decreasing" or "no trend"); with "no trend" the slope's sign gives the direction of
    weak evidence.

    >>> trend_sentence("no trend", 0.41)
    'The Mann-Kendall test finds no evidence of a monotonic trend over the period (p = 0.410).'
    >>> trend_sentence("increasing", 0.0004, "+2.1 points a year")  # doctest: +ELLIPSIS
    '... finds a significant increasing trend (about +2.1 points a year, p < 0.001).'
    >>> trend_sentence("no trend", 0.091, "-0.8 points a year")  # doctest: +ELLIPSIS
    '... finds weak evidence of a decreasing trend (about -0.8 points a year, p = 0.091)...'
    """
    p_text = "p < 0.001" if p_value < 0.001 else f"p = {fmt_p(p_value)}"
    kind = evidence(p_value)
    about = f"about {slope}, " if slope else ""
    if kind == "none":
        return (f"The {test} finds no evidence of a monotonic trend over the period "
                f"({p_text}).")
    way = trend if trend in ("increasing", "decreasing") else (
        "decreasing" if slope and slope.lstrip().startswith(("-", "−")) else "increasing")
    if kind == "weak":
        return (f"The {test} finds weak evidence of a {way} trend ({about}{p_text}): it may "
                "be chance.")
    return f"The {test} finds a significant {way} trend ({about}{p_text})."
