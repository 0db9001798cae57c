"""Words, charts and display tables for the scorecard chapter of the paper.

The figures come from :mod:`evaluation.measures.scorecard` (the objectives scorecard: each
objective's indicators, their latest value and SPC verdict); this module only describes them.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd

from evaluation.errors import EvaluationError
from evaluation.measures.indicators import assurance_of
from evaluation.measures.scorecard import (
    Assessment,
    Indicator,
    _is,
    _latest_group_size,
    _n,
)
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.blocks import ask_text
from evaluation.report.charts import (
    OKABE_ITO,
    VARIATION_COLOURS,
    Chart,
    apply_house_style,
    assurance_icon,
    variation_icon,
)
from evaluation.report.formatting import fmt_change, fmt_gbp, fmt_number, fmt_pp
from evaluation.report.previous import format_value

DISPLAY_LABELS: dict[str, str] = {
    "objective": "Objective",
    "indicator": "Indicator",
    "latest_period": "Latest month",
    "latest_value": "Latest value",
    "change": "Change on 12 months earlier",
    "variation": "Variation",
    "assurance": "Assurance",
    "verdict": "Verdict",
}


def fmt_target(value: float | None, unit: str) -> str:
    """A target as the board reads it ('90.0%', '300')."""
    return "–" if value is None else format_value(value, unit)


def fmt_change_in(value: float, unit: str) -> str:
    """A change in the unit: percentage points for percent, signed count, £ or number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "percent":
        return fmt_pp(value)
    if unit == "gbp":
        return ("+" if value > 0 else "") + fmt_gbp(value)
    if unit == "count":
        return fmt_change(value)
    return fmt_change(value, 1)


_LEADS = {"improvement": "Improving", "concern": "Concern", "neutral": "Changed",
          "common cause": "Stable"}


def verdict(a: Assessment) -> str:
    """The scorecard's verdict on one assessed indicator, in a sentence."""
    if a.unavailable is not None:
        return f"Not available: the source data could not be used ({a.unavailable})."
    if a.series != "monthly" and len(a.window):
        return line_verdict(a)
    return write_verdict(a.indicator, a.result, a.target, context=a.context, span=a.span)


def line_verdict(a: Assessment) -> str:
    """The verdict on a rolling or cumulative series: the latest value and its change on a
    year earlier, with why there is no SPC verdict."""
    why = {"rolling": "a rolling 12-month series (neighbouring months share 11 months of "
                      "data)",
           "cumulative": "a running total (each month carries the months before)"}[a.series]
    change = fmt_change_in(a.change, a.indicator.unit)
    text = (f"Shown as a line: {format_value(a.latest_value, a.indicator.unit)} in "
            f"{month_name(a.latest_period)}"
            + ("" if change == "–" else f", {change} on a year earlier")
            + f"; {why}, so no SPC limits or icons apply")
    if a.target is not None:
        met = (a.latest_value >= a.target) == (a.indicator.improvement == "increase")
        text += (f"; the latest value {'meets' if met else 'does not meet'} the target "
                 f"({fmt_target(a.target, a.indicator.unit)})")
    if a.context:
        text = f"Context only ({a.span}): " + text[0].lower() + text[1:]
    return text + "."


def write_verdict(indicator: Indicator, result: XmRResult | None, target: float | None,
                  context: bool = False, span: str = "") -> str:
    """A one-line verdict by rules: the latest point's variation, then the assurance.

    e.g. "Improving: special-cause improvement (shift, higher values); consistently meets the
    target (90.0%: service level)".
    """
    if result is None:
        return f"No data: nothing to assess{(' ' + span) if span else ''}."
    points = result.points
    variation = result.latest_variation
    cause = points["special_cause"].iloc[-1]
    if result.mostly_special_cause:
        part = result.latest_phase()
        move = "rose" if part["value"].iloc[-1] > part["value"].iloc[0] else "fell"
        text = (f"Not stable: {int(part['special_cause'].notna().sum())} of the {len(part)} "
                f"months since {month_name(part.index[0])} are special cause, so the limits "
                f"do not describe the process (it {move} from "
                f"{format_value(part['value'].iloc[0], indicator.unit)} to "
                f"{format_value(part['value'].iloc[-1], indicator.unit)}); no SPC verdict "
                "until the change behind it is recorded")
        if target is not None and indicator.improvement != "neutral":
            text += "; " + _months_against_target(part["value"], target, indicator)
        if context:
            text = f"Context only ({span}): " + text[0].lower() + text[1:]
        return text + "."
    if variation == "common cause":
        special = points["special_cause"].dropna()
        if special.empty:
            text = "Stable: common-cause variation only"
        else:
            kinds = sorted({str(c) for c in special})
            verb = "shows" if len(special) == 1 else "show"
            text = (f"No signal now: the latest month is common-cause variation, but "
                    f"{len(special)} of the {len(points)} months {verb} special cause "
                    f"({', '.join(kinds)})")
            if set(special) & {"shift", "trend"}:
                text += ", so the level has moved within the window"
    else:
        direction = {"high": "higher", "low": "lower"}.get(result.latest_side, "")
        kind = "variation" if variation == "neutral" else variation
        text = f"{_LEADS[variation]}: special-cause {kind} ({cause}, {direction} values)"
        if cause == "trend":  # a trend is classed by its direction, not its side of the mean
            way = str(points["signal"].iloc[-1]).split()[0]
            text = f"{_LEADS[variation]}: special-cause {kind} (trend, {way} values)"
    if target is not None and result.assurance is not None:
        shown = fmt_target(target, indicator.unit)
        what = f"{shown}: {indicator.target_name}" if indicator.target_name else shown
        phrase = narrative.assurance_words(result.assurance)
        text += f"; {phrase} ({what})"
    if _latest_group_size(result) < 12:
        text += "; fewer than 12 months, so the limits are provisional"
    if context:
        text = f"Context only ({span}): " + text[0].lower() + text[1:]
    return text + "."


def _months_against_target(values: pd.Series, target: float, indicator: Indicator) -> str:
    """Without limits to judge assurance, the plain count: 'consistently misses the target
    (300: aim): every month of the phase is below it' or 'meets the target in 5 of 24 months'."""
    better = _months_meeting(values, target, indicator.improvement)
    shown = fmt_target(target, indicator.unit)
    what = f"{shown}: {indicator.target_name}" if indicator.target_name else shown
    side = "below" if indicator.improvement == "increase" else "above"
    if not better.any():
        return f"consistently misses the target ({what}): every month of the phase is {side} it"
    if better.all():
        return f"consistently meets the target ({what}): every month of the phase meets it"
    return f"meets the target ({what}) in {int(better.sum())} of its {len(values)} months"


# =========================================================================== tables
def _icon_text(icon: Any) -> str:
    return "–" if icon is None else f"{icon.glyph} {icon.label}"


def scorecard_table(assessments: Sequence[Assessment]) -> pd.DataFrame:
    """One row per indicator: :data:`SCORECARD_COLUMNS` (raw values: proportions 0–1) then
    id, objective_kind, target, improvement, months, mean, lower_limit, upper_limit, context,
    latest_variation (one of :data:`evaluation.methods.spc.VARIATIONS`) and assurance_result (pass,
    fail, inconsistent or empty)."""
    rows = []
    for a in assessments:
        r = a.result
        last = r.points.iloc[-1] if r is not None else None
        status = _status(a)
        rows.append({
            "objective": a.objective.name,
            "indicator": a.indicator.name,
            "latest_period": str(a.latest_period) if a.latest_period is not None else "",
            "latest_value": a.latest_value,
            "unit": a.indicator.unit,
            "change": a.change,
            "variation": (_STATUS_TEXT[status] if status in _STATUS_TEXT
                          else _icon_text(variation_icon(r)) if r is not None else "–"),
            "assurance": ("Comparator, not a target" if a.indicator.is_comparator
                          else "–" if status in _STATUS_TEXT and a.target is not None
                          else _icon_text(assurance_icon(r)) if r is not None
                          and a.target is not None
                          else "No target" if a.target is None else "–"),
            "verdict": verdict(a),
            "id": a.indicator.id,
            "objective_kind": a.objective.kind,
            "target": a.target if a.target is not None else math.nan,
            "improvement": a.indicator.improvement,
            "months": len(a.window),
            "mean": float(last["mean"]) if last is not None else math.nan,
            "lower_limit": float(last["lpl"]) if last is not None else math.nan,
            "upper_limit": float(last["upl"]) if last is not None else math.nan,
            "context": a.context,
            "latest_variation": status,
            "assurance_result": assurance_of(a, status),
            "comparator": a.indicator.is_comparator,
        })
    return pd.DataFrame(rows)


_STATUS_TEXT = {"not stable": "Not stable (most months special cause)",
                "line only": "Line only (no SPC)"}


def _months_meeting(values: pd.Series, target: float, improvement: str) -> pd.Series:
    """For each month, whether it meets the target in the direction of improvement."""
    return values >= target if improvement == "increase" else values <= target


def _status(a: Assessment) -> str:
    """The scorecard's variation class of an indicator: one of the SPC variations, 'not
    stable' (most months of the latest phase special cause), 'line only' (a rolling or
    cumulative series) or '' (no data)."""
    if a.result is None:
        return "line only" if a.series != "monthly" and len(a.window) else ""
    return "not stable" if a.result.mostly_special_cause else a.result.latest_variation


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as the board reads it: values formatted by unit, plain headings."""
    out = pd.DataFrame({
        "objective": table["objective"],
        "indicator": table["indicator"],
        "latest_period": [month_name(p) if p else "–" for p in table["latest_period"]],
        "latest_value": [format_value(v, u) for v, u in zip(table["latest_value"],
                                                             table["unit"], strict=True)],
        "change": [fmt_change_in(v, u) for v, u in zip(table["change"], table["unit"],
                                                        strict=True)],
        "variation": table["variation"],
        "assurance": table["assurance"],
        "verdict": table["verdict"],
    })
    return out.rename(columns=DISPLAY_LABELS)


BOARD_ASSURANCE = {"pass": "\u2714P meets target", "fail": "\u2718F misses target",
                   "inconsistent": "? may meet or miss", "": "no target"}


BOARD_VARIATION = {"improvement": "improving", "concern": "concern",
                   "neutral": "changed", "common cause": "stable",
                   "not stable": "not stable", "line only": "line only"}


def board_table(table: pd.DataFrame, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scorecard in six columns for the printed paper: the full verdicts stay in the
    scorecard table. Variation and assurance keep their glyphs *and* words.

    With ``registry`` (:func:`evaluation.measures.indicators.indicator_table`) the value is
    the reporting period's, computed once, with the change on the same months a year earlier
    and how strong the evidence for it is; an indicator with no data for the period says
    so instead of showing a figure from another period."""
    variation = [BOARD_VARIATION[str(k)] if str(k) in _STATUS_TEXT
                 else f"{str(v).split(' ')[0]} {BOARD_VARIATION.get(str(k), str(k))}"
                 if str(v) and str(v) != "–" else "–"
                 for v, k in zip(table["variation"], table["latest_variation"], strict=True)]
    comparator = table["comparator"] if "comparator" in table else [False] * len(table)
    assurance = ["comparator, not a target" if c
                 else f"target {fmt_target(t, u)}: not assessed ({BOARD_VARIATION[str(k)]})"
                 if str(k) in _STATUS_TEXT and not pd.isna(t) and not a
                 else BOARD_ASSURANCE.get("" if pd.isna(a) else str(a), str(a))
                 for a, k, t, u, c in zip(table["assurance_result"], table["latest_variation"],
                                          table["target"], table["unit"], comparator,
                                          strict=True)]
    if registry is None:
        latest = [f"{format_value(v, u)} ({month_name(p)})" if p else "–"
                  for v, u, p in zip(table["latest_value"], table["unit"],
                                     table["latest_period"], strict=True)]
        change = [fmt_change_in(v, u).replace(" percentage points", " pp")
                  for v, u in zip(table["change"], table["unit"], strict=True)]
        value_head, change_head = "Latest", "Change on a year"
    else:
        reg = registry.set_index("id").reindex(table["id"])
        latest = [_period_value(r) for _, r in reg.iterrows()]
        change = [_period_change(r) for _, r in reg.iterrows()]
        value_head, change_head = "Reporting period", "Change on the year before"
        missing = [isinstance(n, str) and bool(n) for n in reg["not_available"]]
        variation = ["–" if m else v for v, m in zip(variation, missing, strict=True)]
        assurance = ["–" if m else v for v, m in zip(assurance, missing, strict=True)]
    return pd.DataFrame({
        "Objective": table["objective"],
        "Indicator": table["indicator"],
        value_head: latest,
        change_head: change,
        "Variation": variation,
        "Assurance": assurance,
    })


_EVIDENCE_MARK = {"strong": " (significant)", "weak": " (weak evidence)", "none": ""}


def _period_value(r: pd.Series) -> str:
    if isinstance(r["not_available"], str) and r["not_available"]:
        return "not available"
    return format_value(r["value"], r["unit"])


def _period_change(r: pd.Series) -> str:
    if pd.isna(r["change"]):
        return "–"
    text = fmt_change_in(float(r["change"]), r["unit"]).replace(" percentage points", " pp")
    mark = r["change_evidence"] if isinstance(r["change_evidence"], str) else ""
    return text + _EVIDENCE_MARK.get(mark, "")


def variation_finding(summary: pd.DataFrame) -> str:
    """'Of 15 indicators assessed, 4 show special-cause improvement in the latest month, …'."""
    total = _n(summary, "Indicators assessed")
    improving = _n(summary, "Special-cause improvement")
    parts = [f"{improving} {'shows' if improving == 1 else 'show'} special-cause improvement",
             f"{_n(summary, 'Special-cause concern')} special-cause concern"]
    neutral = _n(summary, "Special-cause variation (no better or worse direction)")
    if neutral:
        parts.append(f"{neutral} special-cause variation in a measure with no better direction")
    parts.append(f"{_n(summary, 'Common-cause variation only')} only common-cause variation")
    text = (f"Of the {total} indicators assessed on the objectives scorecard, "
            + ", ".join(parts[:-1]) + f" and {parts[-1]} in their latest month")
    unstable = _n(summary, "Not stable (most months special cause)")
    lines = _n(summary, "Shown as a line (rolling or running total)")
    others = []
    if unstable:
        others.append(f"{unstable} {'is' if unstable == 1 else 'are'} not stable (most months "
                      "special cause, so no SPC verdict)")
    if lines:
        others.append(f"{lines} {'is' if lines == 1 else 'are'} rolling or running series "
                      "shown as lines without SPC")
    if others:
        text += "; " + " and ".join(others)
    context = _n(summary, "Context only (not counted)")
    if context:
        text += f" ({context} more, from real data for a different period, is context only)"
    return text + "."


def assurance_finding(summary: pd.DataFrame) -> str:
    """How the indicators with a target fare against it."""
    n = _n(summary, "Assessed with a target")
    if n == 0:
        return "No indicator on the scorecard has a target."
    meet = _count(_n(summary, "Consistently meet the target"), "consistently meet", "it")
    miss = _count(_n(summary, "Consistently miss the target"), "consistently miss", "it")
    hit = _count(_n(summary, "Hit and miss the target at random"), "may meet or miss",
                 "it at random")
    noun = "indicator" if n == 1 else "indicators"
    return (f"Of the {n} {noun} with a target, {meet}, {miss} and {hit} (their process limits "
            "straddle the target).")


def _count(n: int, verb: str, rest: str) -> str:
    """'none consistently meets it', '1 consistently misses it', '2 may meet or miss it'."""
    if n > 1:
        return f"{n} {verb} {rest}"
    words = verb.split()
    if not verb.startswith("may"):
        last = words[-1]
        words[-1] = last + ("es" if last.endswith(("s", "sh", "ch")) else "s")
    return f"{'none' if n == 0 else n} {' '.join(words)} {rest}"


def _names(table: pd.DataFrame) -> str:
    names = [str(n) for n in table["indicator"]]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _verb(table: pd.DataFrame, verb: str) -> str:
    if len(table) != 1:
        return verb
    return verb + ("es" if verb.endswith(("s", "sh", "ch")) else "s")


def overall_verdict(table: pd.DataFrame, registry: pd.DataFrame | None = None) -> str:
    """The scorecard's overall verdict for the paper's Conclusion, written by rules: SPC
    signals and targets, and (with ``registry``) significant changes on the year before, so
    a deterioration in a series too unstable for an SPC verdict is still named."""
    counted = table.loc[~table["context"].astype(bool) & (table["months"] > 0)]
    improving = counted.loc[_is(counted, "latest_variation", "improvement")]
    concern = counted.loc[_is(counted, "latest_variation", "concern")]
    unstable = counted.loc[_is(counted, "latest_variation", "not stable")]
    failing = counted.loc[_is(counted, "assurance_result", "fail")]
    if registry is not None:
        worse, better = _significant_changes(registry)
        concern = pd.concat([concern, counted.loc[counted["id"].isin(worse)]]
                            ).drop_duplicates("id")
        improving = pd.concat([improving, counted.loc[counted["id"].isin(better)]]
                              ).drop_duplicates("id")
        improving = improving.loc[~improving["id"].isin(concern["id"])]
    worry = pd.concat([concern, failing]).drop_duplicates("id")
    if counted.empty:
        return "The objectives scorecard has no indicator with data for the period."
    if worry.empty and improving.empty:
        text = ("The objectives scorecard shows stable performance: no indicator shows "
                "special-cause change in its latest month and none consistently misses its "
                "target.")
    elif worry.empty:
        text = (f"The objectives scorecard is positive: {_names(improving)} "
                f"{_verb(improving, 'show')} special-cause improvement, and no indicator "
                "shows special-cause concern or consistently misses its target.")
    else:
        text = "On the objectives scorecard, "
        if len(improving):
            text += (f"{_names(improving)} {_verb(improving, 'show')} special-cause improvement "
                 "or a significant improvement on the year before; ")
        if len(concern):
            text += (f"{_names(concern)} {_verb(concern, 'show')} special-cause concern or a "
                     "significant deterioration on the year before; ")
        if len(failing):
            text += f"{_names(failing)} consistently {_verb(failing, 'miss')} the target; "
        named = set(improving["id"]) | set(concern["id"]) | set(failing["id"])
        shaky = unstable.loc[unstable["id"].isin(named)]
        other = unstable.loc[~unstable["id"].isin(named)]
        if len(shaky):  # named once: their changes are worded as indicative
            text += (f"of these, {_names(shaky)} {'is' if len(shaky) == 1 else 'are'} not stable "
                     "month to month, so the change on the year before is indicative only; ")
        if len(other):
            text += (f"{_names(other)} {'is' if len(other) == 1 else 'are'} not stable "
                     "(most months special cause); ")
        balance = ("improvement outweighs concern" if len(improving) > len(worry)
                   else "concern outweighs improvement" if len(worry) > len(improving)
                   else "improvement and concern are evenly balanced")
        text += (f"overall {balance}, and the Board may wish to ask for action on the "
                 "indicators of concern.")
    return text


def _significant_changes(registry: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Ids whose change on the year before is significant, worse and better."""
    strong = registry.loc[registry["change_evidence"].astype(str) == "strong"]
    worse, better = [], []
    for _, r in strong.iterrows():
        if r["improvement"] == "neutral" or pd.isna(r["change"]):
            continue
        up = float(r["change"]) > 0
        (better if up == (r["improvement"] == "increase") else worse).append(str(r["id"]))
    return worse, better


def period_caption(period_start: str, period_end: str, months: int) -> str:
    """The printed scorecard's caption when it shows the period's values (the registry)."""
    return (f"Objectives scorecard: each indicator for the reporting period "
            f"({month_name(period_start)} to {month_name(period_end)}), computed once "
            "(indicators.csv); its change on the same months a year earlier ('significant': "
            "p < 0.01 on the monthly values); and the XmR variation and assurance over up to "
            f"{months} months to {month_name(period_end)}.")


def caption(period_end: str, months: int) -> str:
    """The scorecard table's caption."""
    return (f"Objectives scorecard: each indicator's latest month up to {month_name(period_end)}, "
            f"the change on 12 months earlier, and the XmR variation and assurance over up to "
            f"{months} months (history before the reporting period is used for the limits).")


def _alt_text(assessments: Sequence[Assessment], title: str) -> str:
    """The grid described from the same classes as the scorecard table (:func:`_status`)."""
    groups: dict[str, list[str]] = {}
    for a in assessments:
        groups.setdefault(_status(a), []).append(
            f"{a.indicator.name} ({format_value(a.latest_value, a.indicator.unit)})")
    longest = max(len(a.window) for a in assessments) if assessments else 0
    parts = [f"{title}. A grid of {len(assessments)} small charts, one per indicator, each "
             f"over up to {longest} months: XmR charts with their mean, process limits and "
             "any target, except where noted; the latest value is given in brackets"]
    words = {"improvement": "special-cause improvement in the latest month",
             "concern": "special-cause concern in the latest month",
             "neutral": "special-cause variation (no better or worse direction)",
             "common cause": "common-cause variation only in the latest month",
             "not stable": "not stable (most months special cause), drawn as a line without "
                           "limits or icon",
             "line only": "rolling or running series, drawn as a line without limits"}
    for key in words:
        if key in groups:
            parts.append(f"{words[key]}: {', '.join(groups[key])}")
    return "; ".join(parts) + "."


def sparkline_grid(assessments: Sequence[Assessment], columns: int = 4,
                   title: str = "Objectives scorecard: every indicator's recent months") -> Chart:
    """Small XmR charts, one per indicator: values (points coloured and shaped by variation),
    mean (black), process limits (grey dashed), target (vermillion dotted) and the variation
    glyph in the panel title, so the meaning never rests on colour alone."""
    shown = [a for a in assessments if _status(a)]
    if not shown:
        raise EvaluationError("No indicator has data to chart.")
    rows = math.ceil(len(shown) / columns)
    apply_house_style()
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.5 * rows), squeeze=False)
    for ax, a in zip(axes.flat, shown, strict=False):
        _sparkline(ax, a)
    for ax in list(axes.flat)[len(shown):]:
        ax.axis("off")
    fig.legend(handles=_sparkline_legend(), loc="lower center", ncol=4, fontsize=7,
               frameon=False, bbox_to_anchor=(0.5, -0.02))
    fig.suptitle(title, fontsize=11, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0.05, 1, 0.97))
    return Chart(figure=fig, title=title, alt_text=_alt_text(shown, title))


def _sparkline(ax: Any, a: Assessment) -> None:
    """One indicator's small XmR chart, its title led by the variation glyph."""
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    from evaluation.report.charts import thousands

    status = _status(a)
    if status in _STATUS_TEXT:  # not stable, or rolling/running: a plain line, no SPC
        x = a.window.index.to_timestamp()
        ax.plot(x, a.window.to_numpy(), color=OKABE_ITO["grey"], lw=1.2)
        if a.target is not None:
            ax.axhline(a.target, color=OKABE_ITO["vermillion"], lw=1.1, ls=":")
        label = "(not stable)" if status == "not stable" else "(line only)"
        ax.set_title("\n".join(textwrap.wrap(f"{a.indicator.name} {label}", 34)),
                     fontsize=8, loc="left")
    else:
        p = a.result.points  # type: ignore[union-attr]
        x = p.index
        ax.plot(x, p["value"], color=OKABE_ITO["grey"], lw=1)
        ax.plot(x, p["mean"], color="black", lw=0.9)
        ax.plot(x, p["upl"], color=OKABE_ITO["grey"], lw=0.9, ls="--")
        ax.plot(x, p["lpl"], color=OKABE_ITO["grey"], lw=0.9, ls="--")
        if a.target is not None:
            ax.axhline(a.target, color=OKABE_ITO["vermillion"], lw=1.1, ls=":")
        _variation_points(ax, p)
        icon = variation_icon(a.result)
        ax.set_title("\n".join(textwrap.wrap(f"{icon.glyph} {a.indicator.name}", 34)),
                     fontsize=8, loc="left")
    if a.indicator.unit == "percent":
        ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=None))
    elif a.indicator.unit in ("count", "gbp"):
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        ax.yaxis.set_major_formatter(thousands)
    ax.tick_params(labelsize=7)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %y"))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _variation_points(ax: Any, p: pd.DataFrame) -> None:
    """The points coloured by variation; special causes as triangles pointing to the side of
    the mean they fall on."""
    x = p.index
    high = (p["value"] > p["mean"]).to_numpy()
    for variation, colour in VARIATION_COLOURS.items():
        mask = (p["variation"] == variation).to_numpy()
        if variation == "common cause":
            ax.scatter(x[mask], p["value"][mask], color=colour, s=8, zorder=3)
            continue
        for sub, marker in ((mask & high, "^"), (mask & ~high, "v")):
            if sub.any():
                ax.scatter(x[sub], p["value"][sub], color=colour, marker=marker, s=22,
                           zorder=4, edgecolor="black", linewidth=0.4)


def _sparkline_legend() -> list[Any]:
    """The grid's one legend: the variation markers and the lines."""
    return [
        plt.Line2D([], [], color=VARIATION_COLOURS["improvement"], marker="^", ls="",
                   label="Special cause improvement (▲ high, ▼ low)"),
        plt.Line2D([], [], color=VARIATION_COLOURS["concern"], marker="v", ls="",
                   label="Special cause concern"),
        plt.Line2D([], [], color=VARIATION_COLOURS["neutral"], marker="^", ls="",
                   label="Special cause, no better direction"),
        plt.Line2D([], [], color=VARIATION_COLOURS["common cause"], marker="o", ls="",
                   label="Common cause (~)"),
        plt.Line2D([], [], color="black", label="Mean"),
        plt.Line2D([], [], color=OKABE_ITO["grey"], ls="--", label="Process limits"),
        plt.Line2D([], [], color=OKABE_ITO["vermillion"], ls=":", label="Target"),
    ]


MAX_KEY_MESSAGES = 6


def _ranked_changes(registry: pd.DataFrame
                    ) -> tuple[pd.DataFrame, pd.DataFrame, list[str], list[str]]:
    """The indicators with a figure for the period (as rows and by id), and the ids of their
    significant deteriorations and improvements, each largest change first."""
    rows = registry.loc[registry["not_available"].fillna("").astype(str) == ""]
    worse, better = _significant_changes(rows)
    by_id = rows.set_index("id")

    def size(i: str) -> float:
        r = by_id.loc[i]
        return abs(float(r["change_pp"] if not pd.isna(r["change_pp"]) else r["change"]))

    return (rows, by_id, sorted(worse, key=size, reverse=True),
            sorted(better, key=size, reverse=True))


def key_messages(registry: pd.DataFrame, limit: int = MAX_KEY_MESSAGES) -> list[str]:
    """At most ``limit`` one-sentence messages for page one, chosen and ordered by rule from
    the indicator table: significant deteriorations on the year before first (largest
    first), then targets missed, then significant improvements. Each gives its figure, its
    period and what it is compared with; every number is in the indicator table."""
    return [text for _, text in key_message_rows(registry, limit)]


def key_message_rows(registry: pd.DataFrame, limit: int = MAX_KEY_MESSAGES
                     ) -> list[tuple[str, str]]:
    """(indicator id, message) for each of :func:`key_messages`, so the paper can say what
    kind of data each figure is."""
    rows, by_id, worse, better = _ranked_changes(registry)
    messages = [(str(i), _change_message(by_id.loc[i], "deterioration")) for i in worse]
    missed = rows.loc[rows["target_met"].astype(str) == "no"]
    messages += [(str(r["id"]), _target_message(r)) for _, r in missed.iterrows()]
    messages += [(str(i), _change_message(by_id.loc[i], "improvement")) for i in better]
    return messages[:limit]


def _change_text(r: pd.Series) -> str:
    if r["unit"] == "percent":
        return f"{fmt_number(abs(float(r['change_pp'])))} pp"
    return fmt_number(abs(float(r["change"])), 0 if r["unit"] == "count" else 1)


def _period_words(r: pd.Series) -> tuple[str, str]:
    """('in 2018/19', 'on 2017/18') for a financial year, else the months and 'on the same
    months a year earlier'."""
    start, end = str(r["period_start"]), str(r["period_end"])
    y0, y1 = int(start[:4]), int(end[:4])
    if start[5:7] == "04" and end[5:7] == "03" and y1 == y0 + 1:
        return f"in {y0}/{str(y1)[2:]}", f"on {y0 - 1}/{str(y0)[2:]}"
    return (f"from {month_name(start)} to {month_name(end)}",
            "on the same months a year earlier")


def _change_message(r: pd.Series, kind: str) -> str:
    """A significant change on the year before. When the monthly series is not stable (a
    shift or a trend), months are not independent, so the test is said to be indicative
    only, and the latest month is given: where the series has got to."""
    up = float(r["change"]) > 0
    when, before = _period_words(r)
    text = (f"{r['name']}: {format_value(r['value'], r['unit'])} {when}, "
            f"{'up' if up else 'down'} {_change_text(r)} {before} "
            f"({format_value(r['previous_value'], r['unit'])}): ")
    if str(r.get("spc_status")) != "not stable":
        step = _change_in_year_before(r)
        return text + f"a statistically significant {kind}" + (
            f", though {before[3:]} spans a process change ({step.split(':')[0]})"
            if step else "") + "."
    text += (f"{'worse' if kind == 'deterioration' else 'better'} (p < 0.01; indicative only, "
             "as the monthly series is not stable)")
    if _present(r.get("latest_month")) and _present(r.get("latest_value")):
        text += (f"; {month_name(str(r['latest_month']))}: "
                 f"{format_value(r['latest_value'], r['unit'])}")
    return text + "."


def _target_message(r: pd.Series) -> str:
    # page one names where the target is set; the chapter quotes the source in full
    source = f" ({r['target_source'].split(' (')[0]})" if isinstance(r["target_source"], str) \
        and r["target_source"] else ""
    when = (f"at the end of {month_name(r['period_end'])}" if r["how"] == "last" else
            f"from {month_name(r['period_start'])} to {month_name(r['period_end'])}")
    return (f"{r['name']}: {format_value(r['value'], r['unit'])} {when}, short of the "
            f"target of {fmt_target(r['target'], r['unit'])}{source}.")


#: The chapter that reports the evidence behind each source measure (its section id).
CHAPTER_OF_MEASURE: dict[str, str] = {
    "digital_share": "01_public_contact",
    "calls_101_within_target": "02_call_handling",
    "calls_999_within_target": "02_call_handling",
    "calls_101_abandonment": "02_call_handling",
    "calls_101_secondary_wait_minutes": "02_call_handling",
    "victim_satisfaction": "03_victim_satisfaction",
    "hub_contact_rate": "04_victims_hub",
    "correspondence_received": "06_engagement_and_communications",
    "correspondence_within_target": "06_engagement_and_communications",
    "engagement_activities": "06_engagement_and_communications",
    "partnership_activities": "06_engagement_and_communications",
    "newsletter_subscribers": "06_engagement_and_communications",
    "social_media_reach": "06_engagement_and_communications",
    "media_net_tone": "06_engagement_and_communications",
    "special_constables": "06_engagement_and_communications",
    "charge_rate": "07_crime_and_confidence",
}

SPC_WORDS: dict[str, str] = {
    "common cause": "common-cause variation in its latest month: no signal of change",
    "improvement": "special-cause variation in the improving direction in its latest month",
    "concern": "special-cause variation of concern in its latest month",
    "special cause": "special-cause variation in its latest month",
    "not stable": "a process that is not stable (most months are special cause, so no limits "
                  "are drawn)",
}


def _present(value: object) -> bool:
    return not (value is None or (isinstance(value, float) and math.isnan(value))
                or (isinstance(value, str) and not value.strip()))


def indicator_sentence(r: pd.Series) -> str:
    """One indicator of the registry in words, every figure as the registry holds it: the
    period's value and interval, the same months a year earlier and the test of the change,
    the target and its source, and what the monthly chart shows."""
    if _present(r.get("not_available")):
        return f"{r['name']}: {r['not_available']}."
    unit = str(r["unit"])

    def shown(v: object) -> str:  # a small mean of monthly counts keeps its decimal (28.5)
        return (fmt_number(float(v), 1) if unit == "count" and r["how"] == "mean"
                and abs(float(v)) < 1000 else format_value(v, unit))

    when = (f"at the end of {month_name(r['period_end'])}" if r["how"] == "last" else
            f"from {month_name(r['period_start'])} to {month_name(r['period_end'])}")
    text = f"{r['name']}: {shown(r['value'])} {when}"
    if _present(r.get("lower")) and _present(r.get("upper")):
        text += (f" (95% confidence interval {format_value(r['lower'], unit)} to "
                 f"{format_value(r['upper'], unit)})")
    if _present(r.get("previous_value")):
        text += (f", against {shown(r['previous_value'])} "
                 + ("a year earlier" if r["how"] == "last" else
                    "in the same months a year earlier"))
        if _present(r.get("change_p_value")):
            mid = r.get("minimum_important_difference")
            text += ": " + narrative.evidence_phrase(
                float(r["change_p_value"]), float(r["change"]), str(r["improvement"]),
                str(r.get("change_test") or ""), float(mid) if _present(mid) else None,
                lambda v: f"{fmt_number(100 * v, 0)} pp" if unit == "percent"
                else fmt_number(v))
            if str(r.get("spc_status")) == "not stable":
                text += " (indicative only, as the monthly series is not stable)"
    text += "."
    step = _change_in_year_before(r)
    if step:
        text += (f" The year before spans a recorded process change ({step}), so part of the "
                 "change may be that step.")
    if _present(r.get("target")):
        # a comparator (e.g. England and Wales) is a benchmark to be better than, not a target
        comparator = str(r.get("target_source") or "").startswith("comparator")
        met = ({"yes": "better than it", "no": "worse than it"} if comparator else
               {"yes": "met", "no": "not met"}).get(str(r.get("target_met")), "not assessed")
        source = f" ({r['target_source']})" if _present(r.get("target_source")) else ""
        text += (f" {'Comparator' if comparator else 'Target'} "
                 f"{fmt_target(float(r['target']), unit)}{source}: {met} over the period")
        if _present(r.get("assurance")):
            text += f"; month by month it {narrative.assurance_words(str(r['assurance']))}"
        text += "."
    words = SPC_WORDS.get(str(r.get("spc_status")))
    if words:
        text += f" The monthly chart shows {words}."
    return text


def _change_in_year_before(r: pd.Series) -> str:
    """The recorded process change (month: reason) that falls in the same months a year
    earlier, if any: comparing across it mixes two processes."""
    changes = str(r.get("process_changes") or "")
    if not _present(r.get("previous_value")) or not changes or changes == "nan":
        return ""
    p0 = pd.Period(str(r["period_start"]), "M") - 12
    p1 = pd.Period(str(r["period_end"]), "M") - 12
    for change in changes.split("; "):
        month, _, reason = change.partition(": ")
        try:
            at = pd.Period(month, "M")
        except ValueError:
            continue
        if p0 < at <= p1:
            return f"{month_name(month)}: {reason}" if reason else month_name(month)
    return ""


def chapter_figures(registry: pd.DataFrame) -> list[tuple[str, str]]:
    """(chapter, sentence) for each indicator whose evidence a chapter reports, in the
    registry's order: each chapter opens with its indicators as the registry holds them, so
    the scorecard, the summary and the chapters quote one value."""
    return [(chapter, text) for chapter, _, text in chapter_figure_rows(registry)]


def chapter_figure_rows(registry: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(chapter, indicator id, sentence) for each of :func:`chapter_figures`."""
    out = []
    for _, r in registry.iterrows():
        chapter = CHAPTER_OF_MEASURE.get(str(r["measure"]))
        if chapter:
            out.append((chapter, str(r["id"]), indicator_sentence(r)))
    return out


def recommendations(registry: pd.DataFrame) -> list[tuple[str, str]]:
    """(indicator id, ask) for each indicator of concern, by rule: a statistically
    significant deterioration on the same months a year earlier, a missed target, a
    special-cause concern in the monthly chart, or a target missed in every month. Ordered
    as the key messages (deteriorations, largest first, then missed targets). Each ask names
    who reports (the indicator's owner) and quotes the registry's figures."""
    return [(i, ask_text(owner, subject))
            for i, owner, subject in recommendation_rows(registry)]


def recommendation_rows(registry: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(indicator id, owner, subject) of each of :func:`recommendations`: the paper lists the
    subjects of one owner under one ask."""
    _, by_id, worse, _ = _ranked_changes(registry)
    order = worse + [i for i in by_id.index if i not in worse]
    out = []
    for i in order:
        r = by_id.loc[i]
        unit = str(r["unit"])
        reasons = []
        if i in worse:  # the key message says how strong the evidence is
            reasons.append(f"{format_value(r['value'], unit)} against "
                           f"{format_value(r['previous_value'], unit)} a year earlier")
        if str(r.get("target_met")) == "no":
            reasons.append(f"{format_value(r['value'], unit)} against its target of "
                           f"{fmt_target(float(r['target']), unit)}")
        elif str(r.get("assurance")) == "fail":
            reasons.append("missing its target month after month")
        if str(r.get("spc_status")) == "concern":
            reasons.append("special-cause concern in its monthly chart")
        if reasons:
            owner = r.get("owner") if isinstance(r.get("owner"), str) and r.get("owner") \
                else "the Constabulary"
            out.append((str(i), str(owner), f"{r['name']} ({'; '.join(reasons)})"))
    return out
