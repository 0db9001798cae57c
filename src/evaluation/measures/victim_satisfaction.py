"""Victim satisfaction: the five survey questions as pooled 12-month rates, compared and tested.

A respondent counts towards a question's base when they answered it (blank = not asked or
don't know); they are *satisfied* when they answered completely, very or fairly satisfied.
Rates over a window are pooled (sum of satisfied over sum of respondents, via
:func:`evaluation.methods.proportions.pooled_rate`), never averages of monthly rates, and carry
Wilson score intervals. Comparisons use the two-proportion z-test of
:func:`evaluation.methods.proportions.compare_proportions`; peer forces are placed on a funnel plot
around the England and Wales rate; the monthly rates are put on XmR charts and tested for a
monotonic trend (Mann-Kendall).

Every function takes DataFrames (never paths) and every sentence is written from the tables
the functions return, so the numbers a reader sees are the numbers in the tables.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evaluation.data.schemas import (
    AGE_BANDS,
    CRIME_GROUPS,
    ETHNICITIES,
    SATISFACTION_LABELS,
    SATISFACTION_QUESTIONS,
    SATISFIED_LABELS,
)
from evaluation.errors import EvaluationError
from evaluation.methods.comparisons import evidence, holm
from evaluation.methods.disclosure import SUPPRESSED, suppress
from evaluation.methods.periods import to_month, window_label
from evaluation.methods.proportions import (
    compare_proportions,
    funnel_assess,
    newcombe_interval,
    overdispersion_test,
    pooled_rate,
    rolling_pooled_rate,
    wilson_interval,
)
from evaluation.methods.spc import XmRResult, xmr
from evaluation.methods.trends import mann_kendall

log = logging.getLogger(__name__)

__all__ = [
    "DIMENSION_ORDER",
    "LABELS",
    "QUESTIONS",
    "QUESTION_NAMES",
    "against_comparator",
    "change_since",
    "funnel_table",
    "group_rates",
    "group_suppression",
    "monthly_counts",
    "monthly_spc",
    "readable",
    "rolling_for_csv",
    "rolling_rates",
    "spc_summary",
    "to_month",
    "window_label",
    "window_rates",
]

QUESTIONS: tuple[str, ...] = SATISFACTION_QUESTIONS
QUESTION_NAMES: dict[str, str] = {
    "ease_of_contact": "Ease of contact",
    "actions_taken": "Actions taken",
    "kept_informed": "Kept informed",
    "treatment": "Treatment",
    "whole_experience": "Whole experience",
}
DIMENSION_ORDER: dict[str, tuple[str, ...]] = {
    "ethnicity": ETHNICITIES,
    "age_band": AGE_BANDS,
    "crime_group": CRIME_GROUPS,
}
NOT_RECORDED = "Not recorded"
ALL_RESPONDENTS = "All respondents"

LABELS: dict[str, str] = {
    "question": "Question",
    "area": "Area",
    "window": "Period",
    "period_end": "Period end",
    "month": "Month",
    "group": "Group",
    "respondents": "Respondents",
    "satisfied": "Satisfied",
    "not_satisfied": "Not satisfied",
    "rate": "Satisfied (%)",
    "lower": "Lower 95% limit",
    "upper": "Upper 95% limit",
    "confidence": "Confidence level",
    "difference_pp": "Difference (percentage points)",
    "difference_pp_lower": "Difference, lower 95% limit",
    "difference_pp_upper": "Difference, upper 95% limit",
    "p_value": "p-value",
    "p_value_holm": "p-value (Holm-adjusted over the groups)",
    "tested_against": "Tested against",
    "result": "Result",
    "target": "England and Wales (%)",
    "z": "z-score",
    "band": "Position on the funnel",
    "is_force": "This force",
    "months": "Months",
    "latest_month": "Latest month",
    "latest_rate": "Latest month (%)",
    "mean": "Mean (%)",
    "lpl": "Lower process limit",
    "upl": "Upper process limit",
    "variation": "Latest variation",
    "special_points": "Special-cause months",
    "trend": "Mann-Kendall trend",
    "sen_slope_per_year": "Trend slope (percentage points a year)",
    "trend_p_value": "Trend p-value",
}
"""Plain-English column headings for every table this module returns (see :func:`readable`)."""


"""Formatters keyed by the headings of :data:`LABELS`, for ``section.table(formats=...)``."""


# --------------------------------------------------------------------------- helpers
def _month_series(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.to_period("M")
    return pd.Series([to_month(v) for v in values], index=values.index, dtype="period[M]")


def readable(df: pd.DataFrame) -> pd.DataFrame:
    """The table with plain-English column headings (:data:`LABELS`) for the paper."""
    return df.rename(columns=LABELS)


def _question_name(question: str) -> str:
    if question not in QUESTION_NAMES:
        raise ValueError(f"unknown question {question!r}; expected one of {list(QUESTIONS)}")
    return QUESTION_NAMES[question]


def _verdict(p_value: float, difference: float, above: str, below: str, same: str) -> str:
    """Words for a tested difference by the evidence bands: strong (p < 0.01), weak
    (0.01 to 0.1: '... (weak evidence)') or none."""
    kind = evidence(p_value)
    if kind == "none":
        return same
    words = above if difference > 0 else below
    if kind == "strong":
        return words
    plain = words.replace("significantly ", "").replace("a significant ", "a ")
    return f"{plain} (weak evidence)"


# --------------------------------------------------------------------------- monthly counts
def _answer_flags(answers: pd.Series, question: str) -> tuple[pd.Series, pd.Series]:
    """(answered, satisfied) booleans; blank or whitespace counts as not answered."""
    text = answers.astype("string").str.strip().str.lower()
    answered = text.notna() & (text != "")
    bad = answered & ~text.isin(SATISFACTION_LABELS)
    if bad.any():
        first = answers[bad].iloc[0]
        raise ValueError(
            f"{question}: {int(bad.sum())} answer(s) are not one of the seven satisfaction "
            f"labels (first: {first!r})"
        )
    satisfied = answered & text.isin(SATISFIED_LABELS)
    return answered.fillna(False).astype(bool), satisfied.fillna(False).astype(bool)


def monthly_counts(
    responses: pd.DataFrame, questions: Sequence[str] = QUESTIONS
) -> pd.DataFrame:
    """Respondents and satisfied per question and interview month (one row per response in).

    Months between the first and last interview month with no responses are kept with zero
    respondents, so that windows are calendar months. Returns columns ``question``,
    ``month`` (Period), ``respondents``, ``satisfied`` and ``rate`` (NaN with no respondents).
    """
    missing = {"interview_month", *questions} - set(responses.columns)
    if missing:
        raise ValueError(f"victim satisfaction responses need columns {sorted(missing)}")
    if responses.empty:
        raise EvaluationError("There are no victim satisfaction survey responses to analyse.")
    months = _month_series(responses["interview_month"])
    span = pd.period_range(months.min(), months.max(), freq="M")
    frames = []
    for question in questions:
        _question_name(question)
        answered, satisfied = _answer_flags(responses[question], question)
        counts = (
            pd.DataFrame({"month": months.to_numpy(), "respondents": answered.to_numpy(int),
                          "satisfied": satisfied.to_numpy(int)})
            .groupby("month")[["respondents", "satisfied"]].sum()
            .reindex(span, fill_value=0)
        )
        counts.index.name = "month"
        counts = counts.reset_index()
        counts.insert(0, "question", question)
        frames.append(counts)
    out = pd.concat(frames, ignore_index=True)
    out["respondents"] = out["respondents"].astype("int64")
    out["satisfied"] = out["satisfied"].astype("int64")
    out["rate"] = out["satisfied"] / out["respondents"].where(out["respondents"] > 0)
    return out


def _question_months(monthly: pd.DataFrame, question: str) -> pd.DataFrame:
    rows = monthly.loc[monthly["question"] == question].sort_values("month")
    if rows.empty:
        raise ValueError(f"no monthly counts for question {question!r}")
    return rows.set_index("month")


# --------------------------------------------------------------------------- pooled windows
def _window(monthly: pd.DataFrame, question: str, period_end: object, months: int
            ) -> tuple[pd.DataFrame, pd.Period, pd.Period]:
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    rows = _question_months(monthly, question)
    end = to_month(period_end)
    start = end - (months - 1)
    first, last = rows.index.min(), rows.index.max()
    if start < first or end > last:
        raise EvaluationError(
            f"The {window_label(end, months)} ({start} to {end}) is not covered by the "
            f"survey data, which run from {first} to {last}."
        )
    return rows.loc[start:end], start, end


def _rate_row(satisfied: float, respondents: float, confidence: float) -> dict[str, float]:
    if respondents <= 0:
        return {"rate": math.nan, "lower": math.nan, "upper": math.nan}
    lower, upper = wilson_interval(satisfied, respondents, confidence)
    return {"rate": satisfied / respondents, "lower": lower, "upper": upper}


def window_rates(
    monthly: pd.DataFrame,
    period_end: object,
    months: int = 12,
    confidence: float = 0.95,
    questions: Sequence[str] = QUESTIONS,
) -> pd.DataFrame:
    """Pooled rate with a Wilson interval per question for the ``months`` to ``period_end``.

    Columns ``question`` (plain name), ``window``, ``period_end`` ('YYYY-MM'),
    ``respondents``, ``satisfied``, ``not_satisfied``, ``rate``, ``lower``, ``upper``,
    ``confidence``.
    """
    rows = []
    for question in questions:
        window, _, end = _window(monthly, question, period_end, months)
        n = int(window["respondents"].sum())
        x = int(window["satisfied"].sum())
        rate = pooled_rate(window["satisfied"], window["respondents"]) if n else math.nan
        stats = _rate_row(x, n, confidence)
        rows.append({"question": _question_name(question), "window": window_label(end, months),
                     "period_end": str(end), "respondents": n, "satisfied": x,
                     "not_satisfied": n - x, "rate": rate, "lower": stats["lower"],
                     "upper": stats["upper"], "confidence": confidence})
    return pd.DataFrame(rows)


def rolling_rates(monthly: pd.DataFrame, window: int = 12, confidence: float = 0.95
                  ) -> pd.DataFrame:
    """Rolling ``window``-month pooled rate per question with Wilson intervals.

    One row per question and window end with a full window of calendar months (and at least
    one respondent): ``question``, ``period_end`` (Period), ``respondents``, ``satisfied``,
    ``rate``, ``lower``, ``upper``.
    """
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError(f"window must be a positive whole number, got {window!r}")
    frames = []
    for question in monthly["question"].drop_duplicates():
        rows = _question_months(monthly, question)
        rate = rolling_pooled_rate(rows["satisfied"], rows["respondents"], window).dropna()
        if rate.empty:  # no full window, or none with a respondent
            continue
        sums = rows[["respondents", "satisfied"]].rolling(window).sum().loc[rate.index]
        sums = sums.astype("int64")
        bounds = [wilson_interval(x, n, confidence)
                  for x, n in zip(sums["satisfied"], sums["respondents"], strict=True)]
        frames.append(pd.DataFrame({
            "question": question,
            "period_end": sums.index,
            "respondents": sums["respondents"].to_numpy(),
            "satisfied": sums["satisfied"].to_numpy(),
            "rate": rate.to_numpy(),
            "lower": [b[0] for b in bounds],
            "upper": [b[1] for b in bounds],
        }))
    if not frames:
        raise EvaluationError(
            f"The survey data cover fewer than {window} months: no rolling rate can be made."
        )
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- comparisons
def _comparison_columns(x1: float, n1: float, x2: float, n2: float, confidence: float,
                        above: str, below: str, same: str) -> dict[str, Any]:
    """The difference in points with its Newcombe interval, the pooled z-test's p-value and
    the result in words by the evidence bands (:func:`evaluation.methods.comparisons.
    evidence`): p < 0.01 ``above``/``below``; 0.01 to 0.1 the same with "(weak evidence)";
    otherwise ``same``. So a gap whose interval touches zero is never called significant."""
    result = compare_proportions(x1, n1, x2, n2, confidence=confidence)
    low, high = newcombe_interval(x1, n1, x2, n2, confidence)
    return {"difference_pp": 100 * result.difference, "difference_pp_lower": 100 * low,
            "difference_pp_upper": 100 * high, "p_value": result.p_value,
            "result": _verdict(result.p_value, result.difference, above, below, same)}


def _empty_comparison() -> dict[str, Any]:
    return {"difference_pp": math.nan, "difference_pp_lower": math.nan,
            "difference_pp_upper": math.nan, "p_value": math.nan, "result": ""}


def _comparator_row(comparators: pd.DataFrame, area: str, period_end: pd.Period,
                    question: str) -> pd.Series:
    ends = _month_series(comparators["period_end"])
    hit = comparators.loc[(comparators["area"] == area) & (ends == period_end)
                          & (comparators["question"] == question)]
    if hit.empty:
        raise EvaluationError(
            f"satisfaction_comparators has no {question} figure for {area} for the "
            f"{window_label(period_end)}."
        )
    return hit.iloc[0]


def against_comparator(
    monthly: pd.DataFrame,
    comparators: pd.DataFrame,
    period_end: object,
    force_name: str,
    area: str = "England and Wales",
    question: str = "whole_experience",
    confidence: float = 0.95,
    missing_ok: bool = False,
    includes_force: bool = True,
) -> pd.DataFrame | None:
    """The force's 12-month pooled rate against a comparator area, with a significance test.

    With ``includes_force`` (the default: England and Wales contains every force) the test
    compares the force with the rest of the area (the area's counts less the force's), as
    two independent samples; ``tested_against`` says which. The comparator row shows the
    area's own published rate.

    Two rows (force, comparator) with ``area``, ``window``, ``period_end``, counts, ``rate``
    and Wilson ``lower``/``upper``; the force row also holds ``difference_pp`` (force minus
    comparator, percentage points) with its interval, ``p_value`` and ``result``
    ("significantly above", "significantly below" or "not significantly different from").
    With ``missing_ok`` a window the comparators do not cover gives None instead of an error.
    """
    force = window_rates(monthly, period_end, 12, confidence, [question]).iloc[0]
    end = to_month(period_end)
    try:
        comp = _comparator_row(comparators, area, end, question)
    except EvaluationError:
        if missing_ok:
            log.info("no %s comparator for %s: comparison left out", area, end)
            return None
        raise
    n2, x2 = float(comp["respondents"]), float(comp["satisfied"])
    force_row = {"area": force_name, **force.drop(["question"]).to_dict()}
    # the force is part of England and Wales: test it against the rest, not against a total
    # that contains its own respondents (nested samples are not independent)
    rest_n, rest_x = ((n2 - force["respondents"], x2 - force["satisfied"])
                      if includes_force and n2 > force["respondents"] else (n2, x2))
    force_row.update(_comparison_columns(
        force["satisfied"], force["respondents"], rest_x, rest_n, confidence,
        "significantly above", "significantly below", "not significantly different from"))
    force_row["tested_against"] = (f"{area} excluding {force_name}" if (rest_n, rest_x)
                                   != (n2, x2) else area)
    comp_row = {"area": area, "window": force["window"], "period_end": str(end),
                "tested_against": "",
                "respondents": int(n2), "satisfied": int(x2), "not_satisfied": int(n2 - x2),
                **_rate_row(x2, n2, confidence), "confidence": confidence,
                **_empty_comparison()}
    out = pd.DataFrame([force_row, comp_row])
    out.insert(0, "question", _question_name(question))
    return out


def _key(name: str) -> str:
    for key, label in QUESTION_NAMES.items():
        if label == name or key == name:
            return key
    raise ValueError(f"unknown question {name!r}")


def change_since(
    monthly: pd.DataFrame,
    period_end: object,
    baseline_period_end: object,
    question: str = "whole_experience",
    months: int = 12,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """The pooled rate now against a baseline window, with a two-proportion z-test.

    Two rows (baseline, current); the current row holds ``difference_pp`` (current minus
    baseline, percentage points) with its interval, ``p_value`` and ``result``
    ("a significant rise", "a significant fall" or "no significant change").
    """
    if to_month(baseline_period_end) > to_month(period_end) - months:
        raise ValueError(
            "the baseline window must end before the current window starts: the baseline "
            f"(the {months} months to {to_month(baseline_period_end)}) "
            f"overlaps the current window (the {months} months to {to_month(period_end)}): "
            "overlapping periods share respondents and cannot be compared as independent")
    base = window_rates(monthly, baseline_period_end, months, confidence, [question]).iloc[0]
    now = window_rates(monthly, period_end, months, confidence, [question]).iloc[0]
    base_row = {**base.to_dict(), **_empty_comparison()}
    now_row = {**now.to_dict(), **_comparison_columns(
        now["satisfied"], now["respondents"], base["satisfied"], base["respondents"],
        confidence, "a significant rise", "a significant fall", "no significant change")}
    return pd.DataFrame([base_row, now_row])


# --------------------------------------------------------------------------- groups
def group_rates(
    responses: pd.DataFrame,
    by: str,
    period_end: object,
    months: int = 12,
    question: str = "whole_experience",
    confidence: float = 0.95,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pooled rate per group (e.g. ethnicity) in a window, each compared with everyone else.

    Rows: each group present (in ``order``, default the contract's order), a "Not recorded"
    row for blank ``by`` when any, then an "All respondents" total row. Columns ``question``,
    ``group``,
    ``window``, ``respondents``, ``satisfied``, ``not_satisfied``, ``rate``, ``lower``,
    ``upper``, ``confidence``, ``difference_pp`` (group minus all other respondents, in
    percentage points), its limits,
    ``p_value``, ``p_value_holm`` (Holm-adjusted over the groups compared) and ``result``
    (decided on the adjusted p-value). Suppress small numbers with :func:`group_suppression`.
    """
    if by not in responses.columns:
        raise EvaluationError(
            f"The survey responses have no {by} column, so satisfaction cannot be broken "
            f"down by {by.replace('_', ' ')}."
        )
    monthly = monthly_counts(responses, [question])
    _, start, end = _window(monthly, question, period_end, months)
    counts = _group_counts(responses, by, question, start, end)
    label = window_label(end, months)
    total_n, total_x = int(counts["respondents"].sum()), int(counts["satisfied"].sum())
    rows = []
    for name in _group_names(counts, by, order):
        n, x = int(counts.at[name, "respondents"]), int(counts.at[name, "satisfied"])
        row: dict[str, Any] = {"group": name, "window": label, "respondents": n,
                               "satisfied": x, "not_satisfied": n - x,
                               **_rate_row(x, n, confidence), "confidence": confidence}
        if n > 0 and total_n - n > 0:
            row.update(_comparison_columns(x, n, total_x - x, total_n - n, confidence,
                                           "significantly above other respondents",
                                           "significantly below other respondents",
                                           "not significantly different from other "
                                           "respondents"))
        else:
            row.update(_empty_comparison())
        rows.append(row)
    rows.append({"group": ALL_RESPONDENTS, "window": label,
                 "respondents": total_n, "satisfied": total_x,
                 "not_satisfied": total_n - total_x, **_rate_row(total_x, total_n, confidence),
                 "confidence": confidence, **_empty_comparison()})
    out = _holm_adjusted(pd.DataFrame(rows), confidence,
                         ("significantly above other respondents",
                          "significantly below other respondents",
                          "not significantly different from other respondents"))
    out.insert(0, "question", _question_name(question))
    return out


def _holm_adjusted(table: pd.DataFrame, confidence: float, words: tuple[str, str, str]
                   ) -> pd.DataFrame:
    """Several groups tested at once: each p-value Holm-adjusted over the groups tested
    (:func:`evaluation.methods.comparisons.holm`) into ``p_value_holm``, and ``result``
    decided on the adjusted value, so testing six groups does not find a 'significant' gap
    by chance one time in four (1 - 0.95^6 = 26%). ``p_value`` keeps the unadjusted value.
    With exactly two groups the two tests are one (each group against the other), so there
    is nothing to adjust.
    """
    out = table.copy()
    raw = out["p_value"].to_numpy(dtype=float)
    adjusted = raw.copy() if int((~np.isnan(raw)).sum()) <= 2 else holm(raw)
    out["p_value_holm"] = adjusted
    tested = ~np.isnan(adjusted)
    out.loc[tested, "result"] = [
        _verdict(float(p), float(d), *words)
        for p, d in zip(adjusted[tested], out.loc[tested, "difference_pp"], strict=True)]
    cols = list(out.columns)
    cols.insert(cols.index("p_value") + 1, cols.pop(cols.index("p_value_holm")))
    return out[cols]


def _group_counts(responses: pd.DataFrame, by: str, question: str, start: pd.Period,
                  end: pd.Period) -> pd.DataFrame:
    """Respondents and satisfied per value of ``by`` in the window (blank: "Not recorded")."""
    months_of = _month_series(responses["interview_month"])
    inside = responses.loc[((months_of >= start) & (months_of <= end)).to_numpy()]
    answered, satisfied = _answer_flags(inside[question], question)
    raw = inside[by].astype("string").str.strip()
    groups = raw.where(raw.notna() & (raw != ""), NOT_RECORDED).fillna(NOT_RECORDED)
    frame = pd.DataFrame({"group": groups.to_numpy(), "respondents": answered.to_numpy(int),
                          "satisfied": satisfied.to_numpy(int)})
    return frame.groupby("group")[["respondents", "satisfied"]].sum()


def _group_names(counts: pd.DataFrame, by: str, order: Sequence[str] | None) -> list[str]:
    """The groups present: in ``order`` (default the contract's), the rest alphabetically,
    "Not recorded" last."""
    known = list(order if order is not None else DIMENSION_ORDER.get(by, ()))
    names = [g for g in known if g in counts.index]
    names += sorted(g for g in counts.index if g not in names and g != NOT_RECORDED)
    if NOT_RECORDED in counts.index:
        names.append(NOT_RECORDED)
    return names


_GROUP_COUNTS = ("respondents", "satisfied", "not_satisfied")
_GROUP_RATES = ("rate", "lower", "upper", "difference_pp", "difference_pp_lower",
                "difference_pp_upper", "p_value", "p_value_holm", "result")


def group_suppression(labels: bool = True) -> dict[str, Any]:
    """``section.table`` keyword arguments that suppress small groups from :func:`group_rates`.

    Respondents, satisfied and not satisfied are counts of people; every rate, interval and
    test of a group depends on them; the last row is the total and ``respondents`` is the
    row total of satisfied and not satisfied (so neither can be recovered by subtraction).
    With ``labels=False`` the names are the raw column names (for :func:`suppress`).
    """
    name = (lambda c: LABELS[c]) if labels else (lambda c: c)
    counts = [name(c) for c in _GROUP_COUNTS]
    return {"counts": counts, "rates": {name(r): counts for r in _GROUP_RATES},
            "total_row": -1, "total_column": name("respondents")}


def _shown_groups(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """The group rows (not the total) whose rate survives disclosure control."""
    args = group_suppression(labels=False)
    result = suppress(table, count_columns=args["counts"], rate_columns=args["rates"],
                      threshold=threshold, total_row=-1, total_column="respondents")
    shown = result.table.iloc[:-1]
    keep = [i for i, v in zip(shown.index, shown["rate"], strict=True)
            if not (isinstance(v, str) and v == SUPPRESSED) and pd.notna(v)]
    return table.loc[keep]


# --------------------------------------------------------------------------- funnel plot
def funnel_table(
    monthly: pd.DataFrame,
    comparators: pd.DataFrame,
    period_end: object,
    force_name: str,
    area: str = "England and Wales",
    question: str = "whole_experience",
    levels: tuple[float, float] = (0.95, 0.998),
    overdispersion_method: str | None = "auto",
) -> pd.DataFrame:
    """The force and its peers for one 12-month window, each with its funnel band.

    ``overdispersion_method="auto"`` (the default) tests for overdispersion
    (:func:`evaluation.methods.proportions.overdispersion_test`) and, where it is present,
    draws Spiegelhalter's (2005) random-effects (additive) limits; ``None`` never adjusts;
    "multiplicative" or "additive" always do. ``attrs["overdispersion"]`` records the test
    and the method used, for the words under the chart.

    The target is ``area``'s rate (England and Wales). Peers are every other area in
    ``comparators`` for that window; the force comes from the survey responses (a row for
    the force in ``comparators`` is ignored). Columns ``area``, ``respondents``,
    ``satisfied``, ``rate``, ``target``, ``z``, ``band`` (in words, e.g. "above the upper 95%
    limit" or "within the limits"), ``is_force``.
    """
    end = to_month(period_end)
    target_row = _comparator_row(comparators, area, end, question)
    target = float(target_row["satisfied"]) / float(target_row["respondents"])
    ends = _month_series(comparators["period_end"])
    peers = comparators.loc[(ends == end).to_numpy() & (comparators["question"] == question)
                            & ~comparators["area"].isin([area, force_name])]
    if peers.empty:
        raise EvaluationError(
            f"satisfaction_comparators has no peer forces for the {window_label(end)}: "
            "a funnel plot needs at least one."
        )
    force = window_rates(monthly, end, 12, 0.95, [question]).iloc[0]
    units = pd.DataFrame({
        "area": [*peers["area"], force_name],
        "respondents": [*peers["respondents"].astype("int64"), int(force["respondents"])],
        "satisfied": [*peers["satisfied"].astype("int64"), int(force["satisfied"])],
    })
    test = overdispersion_test(units["satisfied"], units["respondents"], target)
    method = (("additive" if test.present else None) if overdispersion_method == "auto"
              else overdispersion_method)
    assessed = funnel_assess(units["satisfied"], units["respondents"], target, levels=levels,
                             overdispersion_method=method)  # type: ignore[arg-type]
    units["rate"] = assessed["proportion"].to_numpy()
    units["target"] = target
    units["z"] = assessed["z"].to_numpy()
    units["band"] = [_band_words(b) for b in assessed["band"]]
    units["is_force"] = units["area"] == force_name
    units.insert(1, "window", window_label(end))
    units.attrs.update({"target": target, "target_area": area, "levels": tuple(levels),
                        "question": question,
                        "overdispersion": {"method": method, "phi": test.phi,
                                           "tau2": test.tau2, "p_value": test.p_value,
                                           "present": test.present}})
    return units.sort_values("rate", ascending=False, ignore_index=True)


def _band_words(band: str) -> str:
    """funnel_assess's band in words: 'above 95%' -> 'above the upper 95% limit'."""
    if band == "within limits":
        return "within the limits"
    side, level = band.split(" ", 1)
    return f"{side} the {'upper' if side == 'above' else 'lower'} {level} limit"


# --------------------------------------------------------------------------- SPC and trend
def _monthly_series(monthly: pd.DataFrame, question: str, period_end: object, months: int
                    ) -> pd.Series:
    window, _, _ = _window(monthly, question, period_end, months)
    empty = window.index[window["respondents"] == 0]
    if len(empty):
        raise EvaluationError(
            f"{QUESTION_NAMES[question]}: no respondents in {', '.join(map(str, empty[:5]))}; "
            "an XmR chart needs a rate for every month."
        )
    rate = window["satisfied"] / window["respondents"]
    rate.index = window.index.to_timestamp()
    rate.index.name = "month"
    return rate.astype(float)


def monthly_spc(monthly: pd.DataFrame, period_end: object, months: int = 36,
                question: str = "whole_experience") -> XmRResult:
    """XmR chart (higher is better) of the monthly rate over the ``months`` to ``period_end``,
    its limits clipped to 0–100%."""
    return xmr(_monthly_series(monthly, question, period_end, months), improvement="increase",
               bounds=(0, 1))


def spc_summary(monthly: pd.DataFrame, period_end: object, months: int = 36,
                questions: Sequence[str] = QUESTIONS, alpha: float = 0.05) -> pd.DataFrame:
    """Per question: the XmR picture of the monthly rate and a Mann-Kendall trend test.

    Columns ``question``, ``months``, ``latest_month``, ``latest_rate``, ``mean``, ``lpl``,
    ``upl``, ``variation`` (latest point), ``special_points`` (months flagged by any rule),
    ``trend`` ("increasing", "decreasing", "no trend"), ``sen_slope_per_year`` (Sen's slope
    of the monthly rate x 12, in percentage points) and ``trend_p_value``.
    """
    rows = []
    for question in questions:
        series = _monthly_series(monthly, question, period_end, months)
        result = xmr(series, improvement="increase", bounds=(0, 1))
        trend = mann_kendall(series, alpha=alpha)
        last = result.points.iloc[-1]
        rows.append({
            "question": QUESTION_NAMES[question], "months": len(series),
            "latest_month": series.index[-1].strftime("%Y-%m"), "latest_rate": last["value"],
            "mean": last["mean"], "lpl": last["lpl"], "upl": last["upl"],
            "variation": result.latest_variation,
            "special_points": int(result.points["special_cause"].notna().sum()),
            "trend": trend.trend, "sen_slope_per_year": 100 * 12 * trend.sen_slope,
            "trend_p_value": trend.p_value,
        })
    return pd.DataFrame(rows)


def rolling_for_csv(rolling: pd.DataFrame) -> pd.DataFrame:
    """The rolling rates with months as 'YYYY-MM' and plain question names (chart data)."""
    out = rolling.copy()
    out["period_end"] = out["period_end"].astype(str)
    out["question"] = out["question"].map(QUESTION_NAMES)
    return out

