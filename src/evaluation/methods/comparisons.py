"""Comparing two periods honestly: monthly rates against month-to-month variation, several
comparisons adjusted together, and how strong the evidence is.

* :func:`compare_monthly_rates` - for operational volumes (hundreds of thousands of calls),
  a binomial test on every call treats calls as independent draws and calls a 0.2
  percentage-point change "significant". What varies is the month: the test here compares
  the monthly rates of the two periods (Welch's unequal-variance t-test, as R's
  ``t.test``), so the noise it measures is the month-to-month variation.
* :func:`holm` - Holm (1979) step-down adjustment of several p-values tested together (crime
  groups, ethnic groups, age bands, peers), via ``statsmodels.stats.multitest``.
* :func:`evidence` - the strength of evidence a p-value gives, by the bands
  :data:`EVIDENCE_BANDS`, and whether the difference is smaller than the indicator's
  minimum important difference. The words for each class are in
  :mod:`evaluation.report.narrative`.

No sentences, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

__all__ = [
    "EVIDENCE_BANDS",
    "Evidence",
    "MonthlyComparison",
    "compare_monthly_rates",
    "evidence",
    "holm",
]

Evidence = Literal["strong", "strong but small", "weak", "none"]

EVIDENCE_BANDS: tuple[tuple[float, str], ...] = ((0.01, "strong"), (0.1, "weak"))
"""p below 0.01: strong evidence (worded "statistically significant"); 0.01 to below 0.1:
weak evidence; 0.1 or more: no evidence of a change."""


@dataclass(frozen=True)
class MonthlyComparison:
    """Result of :func:`compare_monthly_rates`: ``difference`` = after - before (mean of the
    monthly values), its confidence interval, Welch's t, degrees of freedom and p."""

    before_mean: float
    after_mean: float
    difference: float
    lower: float
    upper: float
    t: float
    df: float
    p_value: float
    months_before: int
    months_after: int
    confidence: float
    test: str = "Welch t-test on the monthly rates"


def _values(values: Iterable[float], name: str) -> np.ndarray:
    try:
        arr = np.asarray(list(values), dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers") from None
    if arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"{name} needs at least 2 monthly values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must not have missing or infinite values")
    return arr


def compare_monthly_rates(after: Iterable[float], before: Iterable[float],
                          confidence: float = 0.95) -> MonthlyComparison:
    """Compare the monthly values of two periods (Welch's t-test, unequal variances).

    Each month is one observation, so the test asks whether the difference between the
    periods is large against how much the months vary, not against binomial noise on
    every call. With identical values in both periods (no variation) the difference is
    exact: p is 1 when the means are equal and 0 otherwise, and the interval is the point.
    """
    a, b = _values(after, "after"), _values(before, "before")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    diff = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = math.sqrt(va + vb)
    if se == 0.0:
        return MonthlyComparison(float(b.mean()), float(a.mean()), diff, diff, diff,
                                 math.copysign(math.inf, diff) if diff else 0.0, math.inf,
                                 0.0 if diff else 1.0, b.size, a.size, confidence)
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    t = diff / se
    p = float(2 * stats.t.sf(abs(t), df))
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
    return MonthlyComparison(float(b.mean()), float(a.mean()), diff, diff - half, diff + half,
                             float(t), float(df), p, b.size, a.size, confidence)


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm-adjusted p-values (the family is the values given; NaN stays NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        if ((p[ok] < 0) | (p[ok] > 1)).any():
            raise ValueError("p-values must lie between 0 and 1")
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


def evidence(p_value: float, difference: float | None = None,
             minimum_important: float | None = None) -> Evidence:
    """How strong the evidence of a change is: 'strong' (p < 0.01), 'weak' (0.01 to below
    0.1) or 'none'; 'strong but small' when the evidence is strong but the difference is
    smaller than ``minimum_important`` (the indicator's minimum important difference, in the
    difference's units).

    >>> evidence(0.0004), evidence(0.03), evidence(0.4)
    ('strong', 'weak', 'none')
    >>> evidence(1e-9, difference=0.002, minimum_important=0.02)
    'strong but small'
    """
    if p_value is None or math.isnan(p_value) or not 0 <= p_value <= 1:
        raise ValueError(f"p_value must be between 0 and 1, got {p_value!r}")
    if p_value < EVIDENCE_BANDS[0][0]:
        if (minimum_important is not None and difference is not None
                and abs(difference) < minimum_important):
            return "strong but small"
        return "strong"
    if p_value < EVIDENCE_BANDS[1][0]:
        return "weak"
    return "none"
