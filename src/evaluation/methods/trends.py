"""Monotonic trend tests: Mann-Kendall (with the seasonal variant) and Sen's slope.

* Mann (1945) and Kendall (1975): S statistic, its variance corrected for tied values, the
  normal approximation with a continuity correction, and Kendall's tau-a = S / (n(n-1)/2).
* Hirsch, Slack and Smith (1982) seasonal test: S and var(S) summed over seasons, each
  season compared only with itself; Sen (1968) slope as the median of the within-season
  pairwise slopes.

Missing values (NaN) are skipped pair by pair while keeping every value's time position, so
Sen's slope stays in the units of the original time step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["MannKendallResult", "mann_kendall"]


@dataclass(frozen=True)
class MannKendallResult:
    """Result of :func:`mann_kendall`.

    ``sen_slope`` is per time step for the plain test and per cycle (per ``period``
    observations, e.g. per year for monthly data with ``period=12``) for the seasonal test.
    ``trend`` is ``"increasing"``, ``"decreasing"`` or ``"no trend"`` at ``alpha``.
    """

    s: float
    var_s: float
    z: float
    p_value: float
    tau: float
    sen_slope: float
    n: int
    period: int | None
    trend: str
    alpha: float


def _mk_s(x: np.ndarray) -> float:
    """S = sum over i<j of sign(x_j - x_i)."""
    return float(sum(np.sign(x[i + 1 :] - x[i]).sum() for i in range(x.size - 1)))


def _mk_var(x: np.ndarray) -> float:
    """Variance of S under no trend, corrected for groups of tied values."""
    n = x.size
    _, counts = np.unique(x, return_counts=True)
    ties = counts[counts > 1].astype(float)
    return float((n * (n - 1) * (2 * n + 5) - np.sum(ties * (ties - 1) * (2 * ties + 5))) / 18)


def _pairwise_slopes(x: np.ndarray, t: np.ndarray) -> np.ndarray:
    i, j = np.triu_indices(x.size, k=1)
    return (x[j] - x[i]) / (t[j] - t[i])


def mann_kendall(
    values: Iterable[float] | pd.Series, period: int | None = None, alpha: float = 0.05
) -> MannKendallResult:
    """Mann-Kendall trend test with Sen's slope; seasonal (Hirsch) when ``period`` is given.

    Parameters
    ----------
    values:
        Observations in time order at a regular step; NaN marks a missing observation.
    period:
        Season length (12 for monthly data). Observation ``k`` belongs to season
        ``k % period`` and cycle ``k // period``. The seasonal ``sen_slope`` is then in
        units **per cycle** (per year for monthly data), not per observation.
    alpha:
        Significance level used only for the ``trend`` label.

    ``z`` uses the continuity correction ``(S - sign(S)) / sqrt(var_s)``; ``p_value`` is
    two-sided.
    """
    x = _checked_values(values, period, alpha)
    s, var_s, pairs, slopes, n_total = _season_sums(_seasons(x, period))
    minimum = "at least 2 non-missing values in one season" if period else "at least 3 values"
    if pairs == 0 or (period is None and n_total < 3):
        raise ValueError(f"the Mann-Kendall test needs {minimum}")
    if var_s <= 0:
        raise ValueError("all values are tied: the Mann-Kendall variance is zero")

    z = _mk_z(s, var_s)
    p_value = float(2 * stats.norm.sf(abs(z)))
    trend = ("increasing" if z > 0 else "decreasing") if p_value < alpha else "no trend"
    return MannKendallResult(
        s=s,
        var_s=var_s,
        z=z,
        p_value=p_value,
        tau=s / pairs,
        sen_slope=float(np.median(np.concatenate(slopes))),
        n=n_total,
        period=None if period is None else int(period),
        trend=trend,
        alpha=float(alpha),
    )


def _checked_values(values: Iterable[float] | pd.Series, period: int | None,
                    alpha: float) -> np.ndarray:
    """The observations as a 1-D float array, after checking them, ``period`` and ``alpha``."""
    if isinstance(values, pd.DataFrame):
        raise ValueError("values must be a single series of numbers, not a DataFrame")
    try:
        x = np.asarray(
            values.to_numpy(dtype=float) if isinstance(values, pd.Series) else list(values),
            dtype=float,
        )
    except (TypeError, ValueError):
        raise ValueError("values must be a sequence of numbers (NaN for missing)") from None
    if x.ndim != 1:
        raise ValueError("values must be one-dimensional")
    if np.any(np.isinf(x)):
        raise ValueError("values must not be infinite")
    if not (0 < float(alpha) < 1):
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    if period is not None and (
        isinstance(period, bool) or not isinstance(period, int | np.integer) or period < 2
    ):
        raise ValueError(f"period must be a whole number of at least 2, got {period!r}")
    return x


def _seasons(x: np.ndarray, period: int | None) -> list[tuple[np.ndarray, np.ndarray]]:
    """(values, time positions) of each season: the whole series when ``period`` is None,
    else every ``period``-th value, timed by its cycle."""
    if period is None:
        return [(x, np.arange(x.size, dtype=float))]
    return [(x[k::period], np.arange(x[k::period].size, dtype=float)) for k in range(period)]


def _season_sums(groups: list[tuple[np.ndarray, np.ndarray]]
                 ) -> tuple[float, float, float, list[np.ndarray], int]:
    """(S, var(S), number of pairs, each season's pairwise slopes, non-missing values), summed
    over the seasons; missing values are dropped, seasons of fewer than 2 values add nothing
    but their count."""
    s = var_s = pairs = 0.0
    slopes: list[np.ndarray] = []
    n_total = 0
    for gx, gt in groups:
        ok = ~np.isnan(gx)
        gx, gt = gx[ok], gt[ok]
        n_total += gx.size
        if gx.size < 2:
            continue
        s += _mk_s(gx)
        var_s += _mk_var(gx)
        pairs += gx.size * (gx.size - 1) / 2
        slopes.append(_pairwise_slopes(gx, gt))
    return s, var_s, pairs, slopes, n_total


def _mk_z(s: float, var_s: float) -> float:
    """The normal score with the continuity correction, (S - sign(S)) / sqrt(var(S))."""
    if s > 0:
        return (s - 1) / math.sqrt(var_s)
    if s < 0:
        return (s + 1) / math.sqrt(var_s)
    return 0.0
