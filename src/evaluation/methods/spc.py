"""Statistical process control: XmR charts with NHS England "Making Data Count" rules.

The calculations follow NHSRplotthedots 0.2.2 (the NHS-R Community implementation of
Making Data Count):

* process limits are ``mean +/- 2.66 x mean moving range``; with ``screen_outliers`` the
  moving ranges at or above ``3.267 x`` the mean moving range are dropped once and the mean
  moving range is recomputed;
* special-cause rules, in this order of precedence for the label: a point outside the
  limits; a trend of 7 points strictly rising or falling; two of three consecutive points
  beyond ``mean +/- (2/3) x 2.66 x mean moving range`` (but not beyond the limits) on the
  same side of the mean; a shift of 7 consecutive points on one side of the mean (a point on
  the mean breaks the run);
* each special-cause point has a direction: a point in a trend takes the direction of the
  trend (rising or falling, whichever side of the mean it lies on), every other point its
  side of the mean. It is an improvement when that direction is the direction of
  improvement and a concern otherwise. This is NHSRplotthedots after PR #180 (issue #171),
  which made the package agree with the NHS England Making Data Count Excel tool; before it,
  trend points were classed by their side of the mean, so a falling trend above the mean of
  a higher-is-better measure was wrongly an improvement. The rule and its direction are
  recorded for each point (``signal``);
* assurance compares the target with the limits at the last point;
* ``bounds`` (e.g. ``(0, 1)`` for a proportion) clips the limits shown in ``points`` to the
  measure's natural range; the rules and assurance use the unclipped limits.

Rules are applied separately within each rebased period.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

Improvement = Literal["increase", "decrease", "neutral"]

LIMIT_FACTOR = 2.66
SCREEN_FACTOR = 3.267
CLOSE_FACTOR = 2 * LIMIT_FACTOR / 3
RUN_LENGTH = 7
MIN_POINTS_FOR_LIMITS = 12

SPECIAL_CAUSES = ("outside limits", "trend", "two of three", "shift")
#: What flagged each point, with its direction (the ``signal`` column of ``points``).
SIGNALS = ("above the upper limit", "below the lower limit", "rising trend", "falling trend",
           "two of three near the upper limit", "two of three near the lower limit",
           "run above the mean", "run below the mean")
VARIATIONS = ("common cause", "improvement", "concern", "neutral")
ASSURANCES = ("pass", "fail", "inconsistent")

__all__ = [
    "ASSURANCES",
    "SIGNALS",
    "SPECIAL_CAUSES",
    "VARIATIONS",
    "XmRResult",
    "xmr",
]


@dataclass(frozen=True)
class XmRResult:
    """An XmR chart: one row per value and the assurance of the target.

    ``points`` has columns ``value``, ``mean``, ``lpl``, ``upl``, ``special_cause`` (None or
    one of :data:`SPECIAL_CAUSES`), ``signal`` (None or one of :data:`SIGNALS`: the rule
    with its direction) and ``variation`` (one of :data:`VARIATIONS`), with the index of
    the input values. ``rebase_group`` numbers the rebased periods (0, 1, ...).
    """

    points: pd.DataFrame
    assurance: str | None
    improvement: str
    target: float | None
    rebase_group: tuple[int, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = field(default_factory=tuple)
    screened: bool = True  # whether moving ranges were screened (screen_outliers)
    phase_reasons: tuple[str, ...] = field(default_factory=tuple)
    """Why each phase after the first began (the recorded process change), in order; empty
    strings where no reason was given."""

    def phases(self) -> pd.DataFrame:
        """One row per phase: ``phase`` (1, 2, ...), ``start`` and ``end`` (index labels),
        ``points``, ``special_points`` and ``reason`` (the change that began it; "" for the
        first phase)."""
        groups = pd.Series(self.rebase_group or (0,) * len(self.points), index=self.points.index)
        rows = []
        for g in sorted(set(groups)):
            part = self.points.loc[(groups == g).to_numpy()]
            reason = self.phase_reasons[g - 1] if 0 < g <= len(self.phase_reasons) else ""
            rows.append({"phase": g + 1, "start": part.index[0], "end": part.index[-1],
                         "points": len(part),
                         "special_points": int(part["special_cause"].notna().sum()),
                         "reason": reason})
        return pd.DataFrame(rows)

    def latest_phase(self) -> pd.DataFrame:
        """The points of the latest phase (all of them when there is no recorded change)."""
        groups = np.asarray(self.rebase_group or (0,) * len(self.points))
        return self.points.iloc[np.flatnonzero(groups == groups[-1])]

    def phase_assurance(self) -> str:
        """Assurance for a phase that is not stable (no limits to judge by): "pass" when
        every month of the latest phase meets the target, "fail" when every month misses it,
        "" otherwise or with no target (or no direction of improvement). A stable chart's
        assurance is :attr:`assurance`, from its limits."""
        if self.target is None or self.improvement == "neutral":
            return ""
        values = self.latest_phase()["value"]
        better = values >= self.target if self.improvement == "increase" else \
            values <= self.target
        return "pass" if bool(better.all()) else "fail" if not bool(better.any()) else ""

    @property
    def mostly_special_cause(self) -> bool:
        """True when more than half the points of the latest phase are special cause, and
        still are with the phase's most extreme point left out.

        One set of limits then does not describe the phase: the process changed within it
        (a change that is not recorded as a phase) or is drifting. Such a chart is not
        reported as a finding (see :func:`evaluation.report.narrative.xmr_sentence`).

        The second test is there because one point far outside the limits pulls the mean so
        far that every other point sits on one side of it, a shift the outlier itself
        creates; there the outlier is the signal and the chart keeps its verdict.
        """
        part = self.latest_phase()
        if part["special_cause"].notna().sum() * 2 <= len(part):
            return False
        values = part["value"].to_numpy(dtype=float)
        if values.size < 4:
            return True
        # robust to one point: without the point farthest from the mean, is it still so?
        far = int(np.argmax(np.abs(values - values.mean())))
        rest = np.delete(values, far)
        centre, amr = _phase_centre(rest, self.screened, None)
        special, _ = _phase_rules(rest, centre, amr)
        return sum(c is not None for c in special) * 2 > rest.size

    @property
    def latest_variation(self) -> str:
        """Variation of the last point."""
        return str(self.points["variation"].iloc[-1])

    @property
    def latest_side(self) -> str:
        """'high', 'low' or 'on the mean' for the last point."""
        last = self.points.iloc[-1]
        if last["value"] > last["mean"]:
            return "high"
        if last["value"] < last["mean"]:
            return "low"
        return "on the mean"

    @property
    def trial_limits(self) -> bool:
        """True when any period has fewer than 12 points (limits are provisional)."""
        counts = pd.Series(self.rebase_group).value_counts()
        return bool((counts < MIN_POINTS_FOR_LIMITS).any())


# --------------------------------------------------------------------------- rule helpers
def _shift_ends(side: np.ndarray) -> np.ndarray:
    """1 where a point and the 6 before it are all on the same (non-zero) side of the mean."""
    out = np.zeros(side.size, dtype=bool)
    for i in range(RUN_LENGTH - 1, side.size):
        window = side[i - RUN_LENGTH + 1 : i + 1]
        out[i] = window[-1] != 0 and bool(np.all(window == window[-1]))
    return out


def _trend_ends(values: np.ndarray) -> np.ndarray:
    """+1 / -1 where a point ends 7 points strictly rising / falling, else 0."""
    out = np.zeros(values.size, dtype=int)
    for i in range(RUN_LENGTH - 1, values.size):
        steps = np.sign(np.diff(values[i - RUN_LENGTH + 1 : i + 1]))
        if np.all(steps == 1):
            out[i] = 1
        elif np.all(steps == -1):
            out[i] = -1
    return out


def _part_of_run(ends: np.ndarray) -> np.ndarray:
    """True for every point in a run: the point or one of the next 6 ends a run."""
    flagged = ends != 0
    out = np.zeros(flagged.size, dtype=bool)
    for i in range(flagged.size):
        out[i] = bool(flagged[i : i + RUN_LENGTH].any())
    return out


def _two_of_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """True for points near a limit that sit in a window of 3 consecutive points on one
    side of the mean with at least 2 of them near the limit."""
    size = close.size
    out = np.zeros(size, dtype=bool)
    for start in range(0, size - 2):
        c = close[start : start + 3]
        s = side[start : start + 3]
        if c.sum() >= 2 and abs(int(s.sum())) == 3:
            out[start : start + 3] |= c
    return out


# --------------------------------------------------------------------------- validation
def _validate_values(values: Iterable[float] | pd.Series) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        raise ValueError("values must be a single series of numbers, not a DataFrame")
    if isinstance(values, pd.Series):
        series = values
    else:
        try:
            series = pd.Series(list(values))
        except TypeError:
            raise ValueError(f"values must be a sequence of numbers, got {values!r}") from None
    try:
        arr = series.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise ValueError("values must all be numbers") from None
    if arr.size < 2:
        raise ValueError(f"an XmR chart needs at least 2 values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.argmax(~np.isfinite(arr)))
        raise ValueError(
            f"values must not be missing or infinite (position {bad}); an XmR chart needs an "
            "unbroken series"
        )
    return pd.Series(arr, index=series.index)


def _rebase_positions(index: pd.Index, rebase_at: Sequence[object], size: int) -> list[int]:
    positions: set[int] = set()
    for item in rebase_at:
        if not isinstance(index, pd.RangeIndex) and item in index:
            loc = index.get_loc(item)
            if not isinstance(loc, int | np.integer):
                raise ValueError(f"rebase point {item!r} matches more than one index label")
            pos = int(loc)
        elif isinstance(item, int | np.integer) and not isinstance(item, bool):
            pos = int(item)
        else:
            raise ValueError(
                f"rebase point {item!r} is neither an index label of values nor a position"
            )
        if not 0 < pos < size:
            raise ValueError(
                f"rebase point {item!r} must fall after the first value and within the series "
                f"(position {pos} of {size})"
            )
        positions.add(pos)
    return sorted(positions)


def _check_bounds(
    bounds: object, series: pd.Series
) -> tuple[float | None, float | None]:
    """The (lower, upper) natural range as floats or None; every value must lie within it."""
    if not isinstance(bounds, tuple | list) or len(bounds) != 2:
        raise ValueError(f"bounds must be a pair (lower, upper), got {bounds!r}")
    out: list[float | None] = []
    for end in bounds:
        if end is None:
            out.append(None)
            continue
        try:
            value = float(end)
        except (TypeError, ValueError):
            raise ValueError(f"bounds must be numbers or None, got {bounds!r}") from None
        if not math.isfinite(value):
            raise ValueError(f"bounds must be finite numbers or None, got {bounds!r}")
        out.append(value)
    low, high = out
    if low is not None and high is not None and low >= high:
        raise ValueError(f"the lower bound must be below the upper bound, got {bounds!r}")
    arr = series.to_numpy()
    if (low is not None and arr.min() < low) or (high is not None and arr.max() > high):
        raise ValueError(
            f"values must lie within bounds {bounds!r} (found {arr.min():g} to {arr.max():g})"
        )
    return low, high


# --------------------------------------------------------------------------- main function
def xmr(
    values: Iterable[float] | pd.Series,
    improvement: Improvement = "increase",
    target: float | None = None,
    screen_outliers: bool = True,
    fix_after_n_points: int | None = None,
    rebase_at: Sequence[object] = (),
    bounds: tuple[float | None, float | None] = (None, None),
    reasons: Sequence[str] = (),
) -> XmRResult:
    """XmR (individuals) chart with Making Data Count special-cause rules.

    Parameters
    ----------
    values:
        The series in time order, without gaps. A pandas Series keeps its index (dates).
    improvement:
        ``"increase"`` (higher is better), ``"decrease"`` or ``"neutral"``.
    target:
        Optional target for assurance; ignored for assurance when improvement is neutral.
    screen_outliers:
        Drop moving ranges >= 3.267 x mean moving range before setting the limits.
    fix_after_n_points:
        Compute mean and limits from the first n points of each period only (n >= 2).
    rebase_at:
        Where new periods start: index labels of ``values`` (e.g. dates) when ``values`` is a
        Series without a RangeIndex, otherwise 0-based positions. Each period gets its own
        mean and limits and the rules are applied within it.
    bounds:
        The natural range of the measure, ``(lower, upper)``, either end None for no bound:
        ``(0, 1)`` for a proportion, ``(0, None)`` for a count. Every value must lie within
        it. The process limits in ``points`` (``lpl``, ``upl``) are clipped to it, so a chart
        never shows a limit no value can reach (a rate below 0% or above 100%). This is a
        display convention: the special-cause rules and the assurance use the unclipped
        limits; for values inside the bounds clipping cannot change a rule (no value can
        lie beyond a limit that was clipped to the bound).
    reasons:
        Why the process changed at each point of ``rebase_at`` (same order and length), kept
        in ``result.phase_reasons`` for the chart's annotations and the words.

    Warns (``UserWarning``) when a period has fewer than 12 points: its limits are trial
    limits. The same messages are kept in ``result.warnings``.
    """
    series = _validate_values(values)
    target_f = _check_arguments(improvement, target, screen_outliers, fix_after_n_points,
                                rebase_at)
    low_bound, high_bound = _check_bounds(bounds, series)

    y = series.to_numpy()
    positions, phase_reasons = _phase_starts(series.index, rebase_at, reasons, y.size)
    phases = _Phases.compute(y, [0, *positions, y.size], screen_outliers, fix_after_n_points)
    group, lpl, upl, messages = phases.group, phases.lpl, phases.upl, phases.messages

    direction = {"increase": 1, "decrease": -1, "neutral": 0}[improvement]
    points = _points_frame(series, phases, (low_bound, high_bound), direction)
    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=2)
        logger.info(message)
    assurance = _assurance(target_f, float(lpl[-1]), float(upl[-1]), direction)
    return XmRResult(
        points=points,
        assurance=assurance,
        improvement=improvement,
        target=target_f,
        rebase_group=tuple(int(g) for g in group),
        warnings=tuple(messages),
        screened=bool(screen_outliers),
        phase_reasons=phase_reasons,
    )


@dataclass
class _Phases:
    """Each point's phase, mean, limits, special cause and direction, phase by phase."""

    group: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    special: list[str | None]
    sense: np.ndarray
    messages: list[str]

    @classmethod
    def compute(cls, y: np.ndarray, starts: list[int], screen_outliers: bool,
                fix_after_n_points: int | None) -> _Phases:
        size = y.size
        out = cls(np.zeros(size, dtype=int), np.empty(size), np.empty(size), np.empty(size),
                  [None] * size, np.zeros(size, dtype=int), [])
        for g, (a, b) in enumerate(zip(starts[:-1], starts[1:], strict=True)):
            seg = y[a:b]
            out.group[a:b] = g
            if seg.size < 2:
                raise ValueError(
                    f"period {g + 1} (positions {a}-{b - 1}) has fewer than 2 values; an XmR "
                    "chart needs at least 2 values per period"
                )
            if seg.size < MIN_POINTS_FOR_LIMITS:
                out.messages.append(
                    f"period {g + 1} has {seg.size} points (fewer than "
                    f"{MIN_POINTS_FOR_LIMITS}): its process limits are trial limits"
                )
            centre, amr = _phase_centre(seg, screen_outliers, fix_after_n_points)
            out.mean[a:b] = centre
            out.lpl[a:b] = centre - LIMIT_FACTOR * amr
            out.upl[a:b] = centre + LIMIT_FACTOR * amr
            out.special[a:b], out.sense[a:b] = _phase_rules(seg, centre, amr)
        return out


def _points_frame(series: pd.Series, phases: _Phases,
                  bounds: tuple[float | None, float | None], direction: int) -> pd.DataFrame:
    """The points table of :class:`XmRResult`: limits clipped to ``bounds`` for display."""
    low, high = bounds
    points = pd.DataFrame(
        {
            "value": series.to_numpy(),
            "mean": phases.mean,
            "lpl": phases.lpl if low is None else np.maximum(phases.lpl, low),
            "upl": phases.upl if high is None else np.minimum(phases.upl, high),
        },
        index=series.index,
    )
    # object dtype keeps None (pandas 3 would otherwise infer a string dtype with NaN)
    points["special_cause"] = pd.Series(phases.special, index=series.index, dtype=object)
    points["signal"] = pd.Series(_signals(phases.special, phases.sense), index=series.index,
                                 dtype=object)
    points["variation"] = pd.Series(_variation(phases.special, phases.sense, direction),
                                    index=series.index, dtype=object)
    return points


def _phase_starts(index: pd.Index, rebase_at: Sequence[object], reasons: Sequence[str],
                  size: int) -> tuple[list[int], tuple[str, ...]]:
    """The sorted positions where phases start and the reason for each."""
    items = list(rebase_at)
    if isinstance(reasons, str | bytes) or not isinstance(reasons, Iterable):
        raise ValueError("reasons must be a sequence of strings, one per rebase point")
    texts = [str(r) for r in reasons]
    if texts and len(texts) != len(items):
        raise ValueError(f"reasons must give one reason per rebase point: {len(items)} "
                         f"rebase point(s), {len(texts)} reason(s)")
    by_position: dict[int, str] = {}
    for item, reason in zip(items, texts or [""] * len(items), strict=True):
        pos = _rebase_positions(index, [item], size)[0]
        by_position[pos] = "; ".join(r for r in (by_position.get(pos, ""), reason) if r)
    positions = sorted(by_position)
    return positions, tuple(by_position[p] for p in positions)


def _check_arguments(improvement: object, target: object, screen_outliers: object,
                     fix_after_n_points: object, rebase_at: object) -> float | None:
    """Validate :func:`xmr`'s arguments; returns the target as a float (or None)."""
    if improvement not in ("increase", "decrease", "neutral"):
        raise ValueError(
            f"improvement must be 'increase', 'decrease' or 'neutral', got {improvement!r}"
        )
    target_f: float | None = None
    if target is not None:
        try:
            target_f = float(target)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"target must be a number or None, got {target!r}") from None
        if not math.isfinite(target_f):
            raise ValueError(f"target must be a finite number, got {target!r}")
    if not isinstance(screen_outliers, bool | np.bool_):
        raise ValueError(f"screen_outliers must be True or False, got {screen_outliers!r}")
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool)
        or not isinstance(fix_after_n_points, int | np.integer)
        or fix_after_n_points < 2
    ):
        raise ValueError(
            f"fix_after_n_points must be a whole number of at least 2, got {fix_after_n_points!r}"
        )
    if isinstance(rebase_at, str | bytes) or not isinstance(rebase_at, Iterable):
        raise ValueError("rebase_at must be a sequence of index labels or positions")
    return target_f


def _phase_centre(seg: np.ndarray, screen_outliers: bool, fix_after_n_points: int | None
                  ) -> tuple[float, float]:
    """The mean and the mean moving range of one phase (from its first n points when fixed;
    moving ranges of 3.267 x the mean or more screened out)."""
    base = seg if fix_after_n_points is None else seg[: int(fix_after_n_points)]
    centre = float(np.mean(base))
    mr = np.abs(np.diff(base))
    amr = float(np.mean(mr))
    if screen_outliers:
        kept = mr[mr < SCREEN_FACTOR * amr]
        amr = float(np.mean(kept)) if kept.size else amr
    return centre, amr


def _phase_rules(seg: np.ndarray, centre: float, amr: float
                 ) -> tuple[list[str | None], np.ndarray]:
    """The special-cause rule that flags each point of one phase (None: none), in the order of
    precedence outside limits > trend > two of three > shift, and each point's direction:
    for a point in a trend the trend's (+1 rising, -1 falling), otherwise its side of the
    mean (+1 above, -1 below, 0 on it)."""
    lo, hi = centre - LIMIT_FACTOR * amr, centre + LIMIT_FACTOR * amr
    near_lo, near_hi = centre - CLOSE_FACTOR * amr, centre + CLOSE_FACTOR * amr
    outside = (seg > hi) | (seg < lo)
    side = np.sign(seg - centre).astype(int)
    close = ~outside & ((seg < near_lo) | (seg > near_hi))
    in_trend = _part_of_run(_trend_ends(seg))
    rules = (
        ("outside limits", outside),
        ("trend", in_trend),
        ("two of three", _two_of_three(close, side)),
        ("shift", _part_of_run(_shift_ends(side).astype(int))),
    )
    special: list[str | None] = [None] * seg.size
    for k in range(seg.size):
        for name, flags in rules:
            if flags[k]:
                special[k] = name
                break
    sense = side.copy()
    trend_sense = _trend_direction(seg, in_trend)
    for k, cause in enumerate(special):
        if cause == "trend":
            sense[k] = trend_sense[k]
    return special, sense


def _trend_direction(seg: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """+1 / -1 for each point: the direction of the trend it belongs to.

    A point whose next point is also in a trend takes the step to that next point; any
    other point the step from the one before it (NHSRplotthedots after PR #180). A step of
    zero cannot occur inside a trend (its points strictly rise or fall)."""
    steps = np.sign(np.diff(seg)).astype(int)
    right = np.append(steps, steps[-1] if steps.size else 0)
    left = np.insert(steps, 0, 0)
    next_in_trend = np.append(in_trend[1:], False)
    return np.where(in_trend & next_in_trend, right, left)


def _signals(special: list[str | None], sense: np.ndarray) -> list[str | None]:
    """The rule with its direction, in words (see :data:`SIGNALS`)."""
    words = {
        "outside limits": ("above the upper limit", "below the lower limit"),
        "trend": ("rising trend", "falling trend"),
        "two of three": ("two of three near the upper limit", "two of three near the lower limit"),
        "shift": ("run above the mean", "run below the mean"),
    }
    return [None if cause is None else words[cause][0 if sense[k] > 0 else 1]
            for k, cause in enumerate(special)]


def _variation(special: list[str | None], side: np.ndarray, direction: int) -> list[str]:
    """Each point's variation: common cause, or improvement / concern by the direction of
    its signal (a trend's direction, otherwise its side of the mean) against the direction
    of improvement (neutral when the measure has none)."""
    out: list[str] = []
    for k, cause in enumerate(special):
        if cause is None:
            out.append("common cause")
        elif direction == 0:
            out.append("neutral")
        elif side[k] == direction:
            out.append("improvement")
        else:
            out.append("concern")
    return out


def _assurance(target: float | None, lpl: float, upl: float, direction: int) -> str | None:
    """Making Data Count assurance of the target against the latest limits."""
    if target is None or direction == 0:
        return None
    if target > upl:
        return "fail" if direction == 1 else "pass"
    if target < lpl:
        return "pass" if direction == 1 else "fail"
    return "inconsistent"
