"""House style for every chart: colour-blind-safe palette, titles, labelled axes, alt text.

Every chart function returns a :class:`Chart`, which carries the figure together with the
alt text written from the data, so that notebooks and the board paper never show a chart
without a description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

# Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7F7F7F",
}
PALETTE: list[str] = [
    OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "black")
]
# Making Data Count colours for SPC variation.
VARIATION_COLOURS: dict[str, str] = {
    "improvement": OKABE_ITO["blue"],
    "concern": OKABE_ITO["orange"],
    "common cause": OKABE_ITO["grey"],
    "neutral": OKABE_ITO["purple"],
}


@dataclass
class Chart:
    """A figure with the words a screen-reader user and a reviewer need."""

    figure: Figure
    title: str
    alt_text: str
    # a sentence the figure's caption must carry (an XmR chart drawn without limits says so)
    caption_note: str = ""

    def _repr_png_(self) -> bytes:  # lets a notebook cell display a Chart directly
        from io import BytesIO

        buf = BytesIO()
        self.figure.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        return buf.getvalue()

    def save(self, path: str, dpi: int = 150) -> None:
        """Write the figure as PNG (or SVG by extension)."""
        self.figure.savefig(path, dpi=dpi, bbox_inches="tight")


def apply_house_style() -> None:
    """Set seaborn/matplotlib defaults used by every chart in a board pack."""
    sns.set_theme(style="whitegrid", palette=PALETTE, font_scale=1.0)
    plt.rcParams.update(
        {
            "figure.figsize": (8.0, 4.2),
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "figure.dpi": 110,
        }
    )


def finish_axes(ax: plt.Axes, title: str, xlabel: str, ylabel: str) -> None:
    """Give an axes its title and axis labels (with units), as every chart must have."""
    ax.set_title(title, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def thousands(x: float, _pos: int | None = None) -> str:
    """Axis tick formatter: 12,345."""
    return f"{x:,.0f}"


def percent(x: float, _pos: int | None = None) -> str:
    """Axis tick formatter for proportions held as 0–1: 85%."""
    return f"{x:.0%}"


# --------------------------------------------------------------------------- SPC and funnels
# (added for issue 4: Making Data Count charts, icons and funnel plots)


@dataclass(frozen=True)
class Icon:
    """A Making Data Count icon as a glyph, a letter, a colour and words.

    ``glyph`` and ``label`` carry the meaning in text, so a table never relies on colour.
    """

    kind: str
    glyph: str
    letter: str
    label: str
    colour: str


def variation_icon(result: object) -> Icon:
    """The variation icon for the latest point of an :class:`evaluation.methods.spc.XmRResult`."""
    variation = str(result.latest_variation)  # type: ignore[attr-defined]
    side = str(result.latest_side)  # type: ignore[attr-defined]
    high = side == "high"
    if variation == "common cause":
        return Icon("common cause", "~", "", "Common cause variation", VARIATION_COLOURS[variation])
    arrow, letter = ("\u25b2", "H") if high else ("\u25bc", "L")
    words = "higher" if high else "lower"
    label = {
        "improvement": f"Special cause improvement ({words} values)",
        "concern": f"Special cause concern ({words} values)",
        "neutral": f"Special cause variation, neither better nor worse ({words} values)",
    }[variation]
    return Icon(variation, f"{arrow}{letter}", letter, label, VARIATION_COLOURS[variation])


def assurance_icon(result: object) -> Icon | None:
    """The assurance icon (pass, fail, inconsistent) of an XmR result, or None if no target."""
    assurance = result.assurance  # type: ignore[attr-defined]
    if assurance is None:
        return None
    table = {
        "pass": ("\u2714P", "P", "Consistently passes the target", OKABE_ITO["blue"]),
        "fail": ("\u2718F", "F", "Consistently fails the target", OKABE_ITO["orange"]),
        "inconsistent": (
            "?",
            "?",
            "Hits and misses the target at random (inconsistent)",
            OKABE_ITO["grey"],
        ),
    }
    glyph, letter, label, colour = table[assurance]
    return Icon(assurance, glyph, letter, label, colour)


def icon_figure(icon: Icon, size: float = 0.5) -> Figure:
    """A small round icon (coloured disc with its letter) to place in a table or report."""
    fig, ax = plt.subplots(figsize=(size, size))
    ax.add_patch(plt.Circle((0.5, 0.5), 0.46, facecolor="white", edgecolor=icon.colour, lw=3))
    ax.text(0.5, 0.5, icon.letter or "~", ha="center", va="center", color=icon.colour,
            fontsize=14 * size / 0.5, fontweight="bold")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig


def _point_label(index_value: object, position: int, period: str) -> str:
    if isinstance(index_value, pd.Timestamp):
        return index_value.strftime("%b %Y")
    if isinstance(index_value, pd.Period):
        return str(index_value)
    return f"{period} {position + 1}"


def _list_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


_NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def _count_words(count: int, noun: str) -> str:
    word = _NUMBER_WORDS[count] if count < len(_NUMBER_WORDS) else str(count)
    return f"{word} {noun}{'' if count == 1 else 's'}"


def spc_alt_text(
    result: object, title: str, period: str = "month", value_format: str = "{:.1f}"
) -> str:
    """Alt text for an XmR chart written from the result (numbers, range, latest variation,
    flags)."""
    points: pd.DataFrame = result.points  # type: ignore[attr-defined]
    n = len(points)
    last = points.iloc[-1]
    fmt = value_format.format
    labels = [_point_label(v, i, period) for i, v in enumerate(points.index)]
    adjective = {"month": "monthly", "week": "weekly", "day": "daily", "quarter": "quarterly",
                 "year": "yearly"}.get(period, f"per-{period}")
    low, high = int(points["value"].to_numpy().argmin()), int(points["value"].to_numpy().argmax())
    unstable = bool(getattr(result, "mostly_special_cause", False))
    parts = [
        f"{title}. Line chart of {n} {adjective} points; mean of the latest phase "
        f"{fmt(last['mean'])}" if unstable else
        f"{title}. XmR chart of {n} {adjective} points; mean {fmt(last['mean'])}; "
        f"process limits {fmt(last['lpl'])} to {fmt(last['upl'])}",
        f"values from {fmt(points['value'].iloc[low])} ({labels[low]}) to "
        f"{fmt(points['value'].iloc[high])} ({labels[high]})",
        f"the latest point is {labels[-1]}, {fmt(last['value'])}" if unstable else
        f"the latest point ({labels[-1]}, {fmt(last['value'])}) shows "
        f"{result.latest_variation} variation",  # type: ignore[attr-defined]
    ]
    below = [] if unstable else [labels[i] for i in range(n)
                                 if points["value"].iloc[i] < points["lpl"].iloc[i]]
    above = [] if unstable else [labels[i] for i in range(n)
                                 if points["value"].iloc[i] > points["upl"].iloc[i]]
    if below:
        parts.append(
            f"{_count_words(len(below), 'point')} below the lower process limit "
            f"({_list_words(below)})"
        )
    if above:
        parts.append(
            f"{_count_words(len(above), 'point')} above the upper process limit "
            f"({_list_words(above)})"
        )
    for rule, words in (("trend", "in a run of 7 rising or falling points"),
                        ("shift", "in a run of 7 points on one side of the mean"),
                        ("two of three", "in two of three points near a process limit")):
        count = int((points["special_cause"] == rule).sum())
        if count and not unstable:
            parts.append(f"{_count_words(count, 'point')} {words}")
    if not unstable and not (below or above) and points["special_cause"].isna().all():
        parts.append("no special-cause variation")
    target = result.target  # type: ignore[attr-defined]
    if target is not None:
        icon = assurance_icon(result)
        verdict = icon.label.lower() if icon else "assurance not assessed (neutral measure)"
        parts.append(f"target {fmt(target)}: {verdict}")
    if result.trial_limits:  # type: ignore[attr-defined]
        parts.append("fewer than 12 points, so the limits are trial limits")
    phases = result.phases() if hasattr(result, "phases") else pd.DataFrame()  # type: ignore[attr-defined]
    if len(phases) > 1:
        changes = [f"{_point_label(r['start'], 0, period)} ({r['reason'] or 'process changed'})"
                   for _, r in phases.iloc[1:].iterrows()]
        parts.append(f"limits recalculated at {_count_words(len(changes), 'recorded change')}: "
                     f"{_list_words(changes)}")
    if getattr(result, "mostly_special_cause", False):
        parts.append("most points of the latest phase are special cause, so the chart is drawn "
                     "without limits or icons")
    return "; ".join(parts) + "."


def spc_chart(
    result: object,
    title: str,
    xlabel: str,
    ylabel: str,
    period: str = "month",
    y_format: str = "number",
    value_format: str = "{:.1f}",
    alt_text: str | None = None,
    scale: float = 1.0,
) -> Chart:
    """Making Data Count XmR chart of an :class:`evaluation.methods.spc.XmRResult`.

    Draws the values as a grey line, each point coloured by its variation (improvement blue,
    concern orange, common cause grey, neutral purple) with a marker shape that also says it
    (up/down triangles for special cause high/low, circles for common cause), the mean,
    the process limits (dashed), an optional target (red, dotted) and the variation and
    assurance icons with their words. ``y_format``: "number", "thousands" or "percent";
    ``value_format`` formats the numbers of the alt text. ``scale`` divides the values,
    mean, limits and target before they are drawn and described (60 shows seconds as
    minutes).
    """
    if scale != 1:
        pts = result.points  # type: ignore[attr-defined]
        target = result.target  # type: ignore[attr-defined]
        result = replace(
            result,  # type: ignore[type-var]
            points=pts.assign(**{c: pts[c] / scale for c in ("value", "mean", "lpl", "upl")}),
            target=None if target is None else target / scale,
        )
    points: pd.DataFrame = result.points  # type: ignore[attr-defined]
    apply_house_style()
    fig, ax = plt.subplots()
    xs = _chart_x(points.index)
    unstable = bool(getattr(result, "mostly_special_cause", False))
    ax.plot(xs, points["value"], color=OKABE_ITO["grey"], lw=1.2, zorder=1,
            label="Value" if unstable else None)
    if unstable:
        ax.scatter(xs, points["value"], color=OKABE_ITO["grey"], marker="o", s=24, zorder=3)
    else:
        _draw_limits(ax, xs, points, result)
    target = result.target  # type: ignore[attr-defined]
    if target is not None:
        ax.axhline(target, color=OKABE_ITO["vermillion"], lw=1.4, ls=":", label="Target")
    if not unstable:
        _draw_points(ax, xs, points)
    changes = _draw_phase_changes(ax, xs, result)
    finish_axes(ax, title, xlabel, ylabel)
    formatter = {"percent": percent, "thousands": thousands}.get(y_format)
    if formatter is not None:
        ax.yaxis.set_major_formatter(formatter)
    ax.text(1.02, 0.0, _icon_caption(result, unstable), transform=ax.transAxes, fontsize=8,
            va="bottom", ha="left", color="black", linespacing=1.4)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    if isinstance(xs, pd.DatetimeIndex):
        fig.autofmt_xdate()
    if changes:
        fig.text(0.01, 0.005, changes, fontsize=7, ha="left", va="bottom", color="black")
        fig.tight_layout(rect=(0, 0.04 + 0.035 * changes.count("\n"), 1, 1))
    else:
        fig.tight_layout()
    text = alt_text or spc_alt_text(result, title, period=period, value_format=value_format)
    note = ("No limits are drawn: most months of the latest phase are special cause, so the "
            "process is not stable enough to judge." if unstable else "")
    return Chart(figure=fig, title=title, alt_text=text, caption_note=note)


def _chart_x(index: pd.Index) -> pd.Index:
    """The x values of a chart: dates for a Period or Datetime index, 1..n for a RangeIndex."""
    x = index
    if not isinstance(x, pd.DatetimeIndex):
        x = pd.Index(range(1, len(index) + 1)) if isinstance(x, pd.RangeIndex) else x
    return x.to_timestamp() if isinstance(x, pd.PeriodIndex) else x


def _draw_limits(ax: plt.Axes, xs: pd.Index, points: pd.DataFrame, result: object) -> None:
    """The mean and process limits of each phase."""
    groups = pd.Series(result.rebase_group or (0,) * len(points),  # type: ignore[attr-defined]
                       index=points.index)
    first = True
    for g in sorted(set(groups)):
        mask = (groups == g).to_numpy()
        xg = xs[mask]
        ax.plot(xg, points["mean"][mask], color="black", lw=1.2,
                label="Mean" if first else None)
        ax.plot(xg, points["upl"][mask], color=OKABE_ITO["grey"], lw=1.2, ls="--",
                label="Process limits" if first else None)
        ax.plot(xg, points["lpl"][mask], color=OKABE_ITO["grey"], lw=1.2, ls="--")
        first = False


def _draw_points(ax: plt.Axes, xs: pd.Index, points: pd.DataFrame) -> None:
    """Each point coloured by its variation; special cause as an up or down triangle."""
    names = {"common cause": "Common cause", "improvement": "Improvement", "concern": "Concern",
             "neutral": "Special cause (neutral)"}
    high = (points["value"] > points["mean"]).to_numpy()
    for variation, colour in VARIATION_COLOURS.items():
        mask = (points["variation"] == variation).to_numpy()
        if not mask.any():
            continue
        if variation == "common cause":
            ax.scatter(xs[mask], points["value"][mask], color=colour, marker="o", s=36,
                       zorder=3, label=names[variation])
            continue
        for sub, marker in ((mask & high, "^"), (mask & ~high, "v")):
            if sub.any():
                ax.scatter(xs[sub], points["value"][sub], color=colour, marker=marker, s=70,
                           zorder=4, edgecolor="black", linewidth=0.6,
                           label=names[variation] if marker == "^" or not (mask & high).any()
                           else None)


def _draw_phase_changes(ax: plt.Axes, xs: pd.Index, result: object) -> str:
    """A numbered dotted line at each recorded process change; returns the key to print
    under the chart ('Limits restart at recorded changes: (1) Nov 2015: ...')."""
    phases = result.phases() if hasattr(result, "phases") else pd.DataFrame()  # type: ignore[attr-defined]
    if len(phases) < 2:
        return ""
    positions = {label: i for i, label in enumerate(result.points.index)}  # type: ignore[attr-defined]
    lines = []
    for k in range(1, len(phases)):
        row = phases.iloc[k]
        x = xs[positions[row["start"]]]
        ax.axvline(x, color="black", lw=0.8, ls=":", zorder=0)
        ax.annotate(f"({k})", xy=(x, 0.99), xycoords=("data", "axes fraction"), fontsize=7,
                    ha="center", va="top", zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"})
        when = (row["start"].strftime("%b %Y") if hasattr(row["start"], "strftime")
                else str(row["start"]))
        lines.append(f"({k}) {when}: {row['reason'] or 'process changed'}")
    import textwrap

    text = "Limits restart at recorded changes: " + "; ".join(lines)
    return textwrap.fill(text, width=140)


def _icon_caption(result: object, unstable: bool) -> str:
    """The variation and assurance icons with their words, or why there are none."""
    import textwrap

    if unstable:
        return textwrap.fill("Most months of the latest phase are special cause: not a "
                             "stable process, so no limits or icons", width=30)
    icons = [variation_icon(result)]
    a_icon = assurance_icon(result)
    if a_icon is not None:
        icons.append(a_icon)
    return "\n".join(
        textwrap.fill(f"{i.glyph} {i.label}", width=30, subsequent_indent="   ") for i in icons
    )


def _log_ticks(low: float, high: float) -> list[float]:
    """Round ticks for a log axis from ``low`` to ``high``: 1, 2 and 5 times powers of ten,
    or every whole multiple when that would give fewer than three ticks, or four values
    rounded to two significant figures for a very narrow range."""
    import math

    for multiples in ((1, 2, 5), tuple(range(1, 10))):
        ticks = [m * 10.0**k for k in range(math.floor(math.log10(low)),
                                            math.ceil(math.log10(high)) + 1)
                 for m in multiples if low <= m * 10.0**k <= high]
        if len(ticks) >= 3:
            return ticks
    spaced = [low * (high / low) ** (i / 3) for i in range(4)]
    return sorted({float(f"{v:.2g}") for v in spaced if low <= float(f"{v:.2g}") <= high})


def funnel_chart(
    successes: Sequence[float],
    n: Sequence[float],
    target: float,
    title: str,
    xlabel: str,
    ylabel: str,
    labels: Sequence[str] | None = None,
    levels: tuple[float, float] = (0.95, 0.998),
    overdispersion_method: str | None = None,
    improvement: str = "increase",
    alt_text: str | None = None,
    highlight: str | None = None,
    target_label: str = "Target",
) -> Chart:
    """Funnel plot of unit proportions against their denominators with Spiegelhalter limits.

    Limits at the two ``levels`` (dashed inner, solid outer) around the target line, named
    ``target_label`` in the legend (e.g. "England and Wales (83.8%)"). Units outside the
    outer limit are labelled by name, drawn as triangles (up above, down below) and coloured
    by what they mean given ``improvement`` ("increase": above is blue improvement, below
    orange concern; "decrease": the reverse; "neutral": both purple); units inside are grey
    circles. ``highlight`` (one of ``labels``, e.g. the force) is ringed and named. The
    legend lists only the bands that hold units. The x axis is logarithmic with plain
    numbers as ticks (1,000, 2,000, 5,000 …); the y axis is in percent.
    """
    import numpy as np
    from matplotlib.ticker import FixedLocator, NullFormatter

    from evaluation.methods.proportions import funnel_assess, overdispersion

    assessed = funnel_assess(successes, n, target, levels=levels,
                             overdispersion_method=overdispersion_method)  # type: ignore[arg-type]
    names = list(labels) if labels is not None else [f"Unit {i + 1}" for i in range(len(assessed))]
    if len(names) != len(assessed):
        raise ValueError("labels must have one name per unit")
    if highlight is not None and highlight not in names:
        raise ValueError(f"highlight {highlight!r} is not one of the labels")
    phi, tau2 = 1.0, 0.0
    if overdispersion_method == "multiplicative":
        phi = assessed.attrs["phi"]
    elif overdispersion_method == "additive":
        tau2 = overdispersion(successes, n, target)[1]
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError(
            f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}"
        )
    low, high = sorted(levels)
    grid = np.unique(np.geomspace(max(1.0, assessed["n"].min() * 0.8),
                                  assessed["n"].max() * 1.1, 200))
    apply_house_style()
    fig, ax = plt.subplots()
    low_pct, high_pct = _funnel_limit_lines(ax, grid, target, (low, high), phi, tau2)
    ax.axhline(target, color=OKABE_ITO["vermillion"], ls=":", lw=1.4, label=target_label)
    _funnel_points(ax, assessed, names, high_pct, improvement, highlight)
    ax.set_xscale("log")
    ax.set_xlim(grid[0], grid[-1])
    ax.xaxis.set_major_locator(FixedLocator(_log_ticks(grid[0], grid[-1])))
    ax.xaxis.set_major_formatter(thousands)
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_major_formatter(percent)
    finish_axes(ax, title, xlabel, ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    fig.tight_layout()
    if alt_text is None:
        alt_text = _funnel_alt_text(assessed, names, title, target, low_pct, high_pct,
                                    overdispersion_method, highlight)
    return Chart(figure=fig, title=title, alt_text=alt_text)


def _funnel_limit_lines(ax: Any, grid: Any, target: float, levels: tuple[float, float],
                        phi: float, tau2: float) -> tuple[str, str]:
    """The inner (dashed grey) and outer (black) funnel limits; returns their labels."""
    from evaluation.methods.proportions import funnel_limits, level_label

    low, high = levels
    limits = funnel_limits(target, grid, levels=(low, high), phi=phi, tau2=tau2)
    lo_lab, hi_lab = level_label(low), level_label(high)
    low_pct, high_pct = f"{low * 100:g}%", f"{high * 100:g}%"
    ax.plot(grid, limits[f"upper_{lo_lab}"], color=OKABE_ITO["grey"], ls="--", lw=1.1,
            label=f"{low_pct} limits")
    ax.plot(grid, limits[f"lower_{lo_lab}"], color=OKABE_ITO["grey"], ls="--", lw=1.1)
    ax.plot(grid, limits[f"upper_{hi_lab}"], color="black", lw=1.1, label=f"{high_pct} limits")
    ax.plot(grid, limits[f"lower_{hi_lab}"], color="black", lw=1.1)
    return low_pct, high_pct


def _funnel_points(ax: Any, assessed: pd.DataFrame, names: list[str], high_pct: str,
                   improvement: str, highlight: str | None) -> None:
    """Units of a funnel plot: grey circles inside the outer limits, triangles coloured by
    meaning outside them (named), and the highlighted unit ringed and named."""
    import numpy as np

    band = assessed["band"]
    outer_above = band == f"above {high_pct}"
    outer_below = band == f"below {high_pct}"
    inner = ~(outer_above | outer_below)
    above_kind, below_kind = {"increase": ("improvement", "concern"),
                              "decrease": ("concern", "improvement"),
                              "neutral": ("neutral", "neutral")}[improvement]
    for mask, style, label in (
        (inner, {"color": OKABE_ITO["grey"], "marker": "o", "s": 30, "zorder": 3},
         f"Within {high_pct} limits"),
        (outer_above, {"color": VARIATION_COLOURS[above_kind], "marker": "^", "s": 60,
                       "edgecolor": "black", "linewidth": 0.6, "zorder": 4},
         f"Above {high_pct} limit"),
        (outer_below, {"color": VARIATION_COLOURS[below_kind], "marker": "v", "s": 60,
                       "edgecolor": "black", "linewidth": 0.6, "zorder": 4},
         f"Below {high_pct} limit"),
    ):
        if mask.any():  # a legend entry only for a band that holds units
            ax.scatter(assessed["n"][mask], assessed["proportion"][mask], label=label, **style)
    outer = (outer_above | outer_below).to_numpy()
    for i in np.flatnonzero(outer):
        ax.annotate(names[i], (assessed["n"].iloc[i], assessed["proportion"].iloc[i]),
                    xytext=(4, 4), textcoords="offset points", fontsize=8)
    if highlight is not None:
        h = names.index(highlight)
        point = (assessed["n"].iloc[h], assessed["proportion"].iloc[h])
        ax.scatter([point[0]], [point[1]], s=160, facecolors="none",
                   edgecolors=OKABE_ITO["blue"], linewidths=2, zorder=5, label=highlight)
        if not outer[h]:  # units outside the outer limit are named already
            ax.annotate(highlight, point, xytext=(6, -12), textcoords="offset points",
                        fontsize=8, color=OKABE_ITO["blue"])


def _funnel_alt_text(assessed: pd.DataFrame, names: list[str], title: str, target: float,
                     low_pct: str, high_pct: str, overdispersion_method: str | None,
                     highlight: str | None) -> str:
    """What a funnel plot shows, in words, from the assessed units."""
    import numpy as np

    band = assessed["band"]
    above = [names[i] for i in np.flatnonzero((band == f"above {high_pct}").to_numpy())]
    below = [names[i] for i in np.flatnonzero((band == f"below {high_pct}").to_numpy())]
    mid_above = int((band == f"above {low_pct}").sum())
    mid_below = int((band == f"below {low_pct}").sum())
    parts = [
        f"{title}. Funnel plot of {len(assessed)} units against a target of "
        f"{target:.1%}, with {low_pct} and {high_pct} limits that narrow as the "
        f"number of respondents grows (from {assessed['n'].min():,.0f} to "
        f"{assessed['n'].max():,.0f})",
        f"{_count_words(len(above), 'unit')} above the {high_pct} limit"
        + (f" ({_list_words(above)})" if above else ""),
        f"{_count_words(len(below), 'unit')} below it"
        + (f" ({_list_words(below)})" if below else ""),
        f"{_count_words(mid_above + mid_below, 'more unit')} outside the {low_pct} limits "
        "only",
    ]
    if overdispersion_method:
        parts.append(f"limits widened for overdispersion ({overdispersion_method})")
    if highlight is not None:
        h = names.index(highlight)
        parts.append(f"{highlight} is ringed ({assessed['proportion'].iloc[h]:.1%} of "
                     f"{assessed['n'].iloc[h]:,.0f})")
    return "; ".join(parts) + "."
