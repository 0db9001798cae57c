"""Proportions: Wilson intervals, pooled rates, two-proportion comparisons and funnel plots.

Methods (see ``docs/methods.md`` for sources and conventions):

* :func:`wilson_interval` - Wilson (1927) score interval for one proportion.
* :func:`pooled_rate` / :func:`rolling_pooled_rate` - sum of successes over sum of trials.
* :func:`compare_proportions` - pooled two-proportion z-test with an unpooled (Wald)
  interval for the difference, both standard errors multiplied by a survey design factor.
* :func:`newcombe_interval` - Newcombe (1998) hybrid-score interval for a difference.
* :func:`funnel_limits` / :func:`funnel_assess` / :func:`overdispersion` - Spiegelhalter
  (2005) normal-approximation funnel limits around a target, with optional
  multiplicative or additive (random-effects) overdispersion.

Every function validates its inputs and raises :class:`ValueError` with a plain message.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "ComparisonResult",
    "compare_counts",
    "compare_proportions",
    "funnel_assess",
    "funnel_limits",
    "level_label",
    "newcombe_interval",
    "OverdispersionTest",
    "overdispersion",
    "overdispersion_test",
    "pooled_rate",
    "rolling_pooled_rate",
    "wilson_interval",
    "z_for_confidence",
]


# --------------------------------------------------------------------------- validation
def _check_confidence(confidence: float, name: str = "confidence") -> float:
    try:
        c = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number strictly between 0 and 1, got {confidence!r}"
        ) from None
    if not (0.0 < c < 1.0) or math.isnan(c):
        raise ValueError(
            f"{name} must be strictly between 0 and 1 (e.g. 0.95), got {confidence!r}"
        )
    return c


def _check_count_pair(successes: float, n: float, label: str = "") -> tuple[float, float]:
    where = f" {label}" if label else ""
    try:
        x = float(successes)
        m = float(n)
    except (TypeError, ValueError):
        raise ValueError(
            f"successes and n{where} must be numbers, got {successes!r}, {n!r}"
        ) from None
    if math.isnan(x) or math.isnan(m) or math.isinf(x) or math.isinf(m):
        raise ValueError(f"successes and n{where} must be finite, got {successes!r}, {n!r}")
    if m <= 0:
        raise ValueError(f"n{where} must be greater than 0, got {n!r}")
    if x < 0:
        raise ValueError(f"successes{where} must be at least 0, got {successes!r}")
    if x > m:
        raise ValueError(f"successes{where} ({successes!r}) must not exceed n ({n!r})")
    return x, m


def _as_float_array(values: float | Iterable[float], name: str) -> np.ndarray:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers, got {values!r}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a single number or a one-dimensional sequence")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite numbers (no missing values)")
    return arr


def _check_arrays(
    successes: Iterable[float], n: Iterable[float], allow_empty: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Validate paired counts; ``allow_empty`` accepts periods with n = 0 (e.g. a month with
    no survey responses inside a pooled window)."""
    x = _as_float_array(successes, "successes")
    m = _as_float_array(n, "n")
    if x.shape != m.shape:
        raise ValueError(f"successes and n must have the same length ({x.size} vs {m.size})")
    if np.any(m < 0) or (not allow_empty and np.any(m == 0)):
        raise ValueError("every n must be greater than 0"
                         + (" or equal to 0" if allow_empty else ""))
    if np.any(x < 0):
        raise ValueError("every successes value must be at least 0")
    if np.any(x > m):
        bad = int(np.argmax(x > m))
        raise ValueError(f"successes must not exceed n (position {bad}: {x[bad]:g} > {m[bad]:g})")
    return x, m


def _check_target(target: float) -> float:
    try:
        t = float(target)
    except (TypeError, ValueError):
        raise ValueError(
            f"target must be a proportion strictly between 0 and 1, got {target!r}"
        ) from None
    if not (0.0 < t < 1.0):
        raise ValueError(
            f"target must be a proportion strictly between 0 and 1 (e.g. 0.8), got {target!r}"
        )
    return t


def z_for_confidence(confidence: float) -> float:
    """Two-sided standard normal quantile for ``confidence`` (0.95 -> 1.959964)."""
    c = _check_confidence(confidence)
    return float(stats.norm.ppf(1.0 - (1.0 - c) / 2.0))


def level_label(level: float) -> str:
    """Column-name form of a confidence level: 0.95 -> '95', 0.998 -> '99_8'."""
    c = _check_confidence(level, "level")
    text = f"{round(c * 100, 6):g}"
    return text.replace(".", "_")


# --------------------------------------------------------------------------- one proportion
def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson (1927) score interval for ``successes`` out of ``n``.

    ``successes`` may be fractional (weighted survey counts). Returns ``(lower, upper)``,
    always within [0, 1]; the lower bound is exactly 0 when ``successes == 0`` and the upper
    bound exactly 1 when ``successes == n``.
    """
    x, m = _check_count_pair(successes, n)
    z = z_for_confidence(confidence)
    p = x / m
    z2 = z * z
    centre = p + z2 / (2 * m)
    half = z * math.sqrt(p * (1 - p) / m + z2 / (4 * m * m))
    denom = 1 + z2 / m
    lower = 0.0 if x == 0 else max(0.0, (centre - half) / denom)
    upper = 1.0 if x == m else min(1.0, (centre + half) / denom)
    return lower, upper


def pooled_rate(successes: Iterable[float], n: Iterable[float]) -> float:
    """Pooled rate over a window: sum of successes divided by sum of ``n``.

    This is how rolling 12-month survey rates are pooled: each month is weighted by its
    number of respondents, not averaged month by month.
    """
    x, m = _check_arrays(successes, n, allow_empty=True)
    if m.sum() <= 0:
        raise ValueError("the window has no observations (sum of n is 0)")
    return float(x.sum() / m.sum())


def rolling_pooled_rate(
    successes: pd.Series | Sequence[float], n: pd.Series | Sequence[float], window: int = 12
) -> pd.Series:
    """Pooled rate over each trailing ``window`` (NaN until ``window`` periods are present)."""
    if not isinstance(window, int | np.integer) or isinstance(window, bool) or window < 1:
        raise ValueError(f"window must be a positive whole number, got {window!r}")
    index = successes.index if isinstance(successes, pd.Series) else None
    x, m = _check_arrays(successes, n, allow_empty=True)
    xs = pd.Series(x, index=index).rolling(window).sum()
    ms = pd.Series(m, index=index).rolling(window).sum()
    out = xs / ms.where(ms > 0)
    out.name = "pooled_rate"
    return out


# --------------------------------------------------------------------------- two proportions
@dataclass(frozen=True)
class ComparisonResult:
    """Result of :func:`compare_proportions` (``difference`` = p1 - p2)."""

    p1: float
    p2: float
    difference: float
    z: float
    p_value: float
    lower: float
    upper: float
    significant: bool
    confidence: float
    design_factor: float


def compare_proportions(
    x1: float,
    n1: float,
    x2: float,
    n2: float,
    confidence: float = 0.95,
    design_factor: float = 1.0,
) -> ComparisonResult:
    """Compare two independent proportions x1/n1 and x2/n2.

    The test is the pooled two-proportion z-test (standard error from the pooled rate
    under the null hypothesis of no difference); the interval for ``p1 - p2`` is the
    unpooled Wald interval. ``design_factor`` (the survey DEFT, >= 1 for clustered or
    weighted samples) multiplies both standard errors. ``significant`` is
    ``p_value < 1 - confidence``.
    """
    a, m1 = _check_count_pair(x1, n1, "(first group)")
    b, m2 = _check_count_pair(x2, n2, "(second group)")
    c = _check_confidence(confidence)
    try:
        deft = float(design_factor)
    except (TypeError, ValueError):
        raise ValueError(
            f"design_factor must be a positive number, got {design_factor!r}"
        ) from None
    if not (deft > 0) or math.isinf(deft):
        raise ValueError(f"design_factor must be a positive number, got {design_factor!r}")

    p1, p2 = a / m1, b / m2
    diff = p1 - p2
    pooled = (a + b) / (m1 + m2)
    se0 = deft * math.sqrt(pooled * (1 - pooled) * (1 / m1 + 1 / m2))
    if se0 == 0.0:  # both groups all successes or all failures: no evidence of a difference
        z, p_value = 0.0, 1.0
    else:
        z = diff / se0
        p_value = float(2 * stats.norm.sf(abs(z)))
    se1 = deft * math.sqrt(p1 * (1 - p1) / m1 + p2 * (1 - p2) / m2)
    zc = z_for_confidence(c)
    return ComparisonResult(
        p1=p1,
        p2=p2,
        difference=diff,
        z=z,
        p_value=p_value,
        lower=diff - zc * se1,
        upper=diff + zc * se1,
        significant=bool(p_value < 1 - c),
        confidence=c,
        design_factor=deft,
    )


def newcombe_interval(
    x1: float, n1: float, x2: float, n2: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Newcombe (1998) hybrid score interval (method 10) for ``x1/n1 - x2/n2``.

    Better behaved than the Wald interval for small samples or rates near 0 or 1.
    """
    a, m1 = _check_count_pair(x1, n1, "(first group)")
    b, m2 = _check_count_pair(x2, n2, "(second group)")
    p1, p2 = a / m1, b / m2
    l1, u1 = wilson_interval(a, m1, confidence)
    l2, u2 = wilson_interval(b, m2, confidence)
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lower, upper


# --------------------------------------------------------------------------- funnel plots
def _check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    try:
        lv = tuple(_check_confidence(v, "each level") for v in levels)
    except TypeError:
        raise ValueError(
            f"levels must be a sequence of confidence levels, got {levels!r}"
        ) from None
    if not lv:
        raise ValueError("levels must contain at least one confidence level")
    if len(set(lv)) != len(lv):
        raise ValueError(f"levels must not repeat, got {levels!r}")
    return tuple(sorted(lv))


def _check_overdispersion_params(phi: float, tau2: float) -> tuple[float, float]:
    phi_f, tau2_f = float(phi), float(tau2)
    if not (phi_f > 0) or math.isinf(phi_f):
        raise ValueError(f"phi (multiplicative overdispersion) must be positive, got {phi!r}")
    if not (tau2_f >= 0) or math.isinf(tau2_f):
        raise ValueError(f"tau2 (between-unit variance) must be 0 or more, got {tau2!r}")
    return phi_f, tau2_f


def funnel_limits(
    target: float,
    n: float | Iterable[float],
    levels: Sequence[float] = (0.95, 0.998),
    phi: float = 1.0,
    tau2: float = 0.0,
) -> pd.DataFrame:
    """Spiegelhalter (2005) normal-approximation funnel limits for a proportion.

    For each denominator ``n`` the limits are ``target +/- z * sqrt(phi * s2 + tau2)`` with
    ``s2 = target * (1 - target) / n`` and ``z`` the two-sided normal quantile of each level,
    clipped to [0, 1]. ``phi`` (multiplicative) and ``tau2`` (additive) come from
    :func:`overdispersion`; the defaults give the plain binomial limits.

    Returns a DataFrame indexed by ``n`` with columns ``lower_<level>`` and ``upper_<level>``
    (``lower_95``, ``upper_95``, ``lower_99_8``, ``upper_99_8`` by default).
    """
    t = _check_target(target)
    sizes = _as_float_array(n, "n")
    if np.any(sizes <= 0):
        raise ValueError("every n must be greater than 0")
    lv = _check_levels(levels)
    phi_f, tau2_f = _check_overdispersion_params(phi, tau2)
    sd = np.sqrt(phi_f * t * (1 - t) / sizes + tau2_f)
    data: dict[str, np.ndarray] = {}
    for level in lv:
        z = z_for_confidence(level)
        label = level_label(level)
        data[f"lower_{label}"] = np.clip(t - z * sd, 0.0, 1.0)
        data[f"upper_{label}"] = np.clip(t + z * sd, 0.0, 1.0)
    return pd.DataFrame(data, index=pd.Index(sizes, name="n"))


def overdispersion(
    successes: Iterable[float],
    n: Iterable[float],
    target: float,
    winsorize: float = 0.1,
) -> tuple[float, float]:
    """Spiegelhalter (2005) overdispersion estimates ``(phi, tau2)`` for a set of units.

    ``phi`` is the mean of the squared z-scores after Winsorising the lowest and highest
    ``winsorize`` fraction (10% each by default) to the corresponding percentiles (numpy's
    linear interpolation). ``tau2`` is the additive random-effects variance
    ``(I*phi - (I-1)) / (sum(w) - sum(w^2)/sum(w))`` with ``w = 1/s2``, or 0 when
    ``I*phi <= I - 1`` (no evidence of overdispersion).
    """
    x, m = _check_arrays(successes, n)
    t = _check_target(target)
    if x.size < 2:
        raise ValueError("overdispersion needs at least two units")
    w = float(winsorize)
    if not (0.0 <= w < 0.5):
        raise ValueError(f"winsorize must be in [0, 0.5), got {winsorize!r}")
    s2 = t * (1 - t) / m
    z = (x / m - t) / np.sqrt(s2)
    lo, hi = np.percentile(z, [100 * w, 100 * (1 - w)])
    zw = np.clip(z, lo, hi)
    units = x.size
    phi = float(np.mean(zw**2))
    weights = 1.0 / s2
    if units * phi > units - 1:
        tau2 = (units * phi - (units - 1)) / (weights.sum() - (weights**2).sum() / weights.sum())
    else:
        tau2 = 0.0
    return phi, float(tau2)


@dataclass(frozen=True)
class OverdispersionTest:
    """Spiegelhalter's (2005) check for overdispersion: ``statistic`` = I x phi (I units,
    phi the Winsorised mean squared z-score) against a chi-squared distribution with I - 1
    degrees of freedom; ``present`` when ``p_value`` < ``alpha``."""

    phi: float
    tau2: float
    statistic: float
    df: int
    p_value: float
    present: bool
    alpha: float


def overdispersion_test(successes: Iterable[float], n: Iterable[float], target: float,
                        alpha: float = 0.05) -> OverdispersionTest:
    """Is there more spread between units than chance allows around ``target``?

    Without overdispersion the units' squared z-scores average about 1 and I x phi follows
    roughly a chi-squared distribution on I - 1 degrees of freedom (Spiegelhalter 2005,
    section 4). Present means the plain funnel limits are too narrow: most units would fall
    outside them for reasons unrelated to performance, so the random-effects (additive,
    ``tau2``) limits should be used, as FunnelPlotR does.
    """
    phi, tau2 = overdispersion(successes, n, target)
    units = int(np.asarray(list(successes) if not isinstance(successes, np.ndarray | pd.Series)
                           else successes).size)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha!r}")
    statistic = units * phi
    p_value = float(stats.chi2.sf(statistic, units - 1))
    return OverdispersionTest(phi, tau2, statistic, units - 1, p_value,
                              bool(p_value < alpha and tau2 > 0), alpha)


def funnel_assess(
    successes: Iterable[float],
    n: Iterable[float],
    target: float,
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion_method: Overdispersion | None = None,
) -> pd.DataFrame:
    """Z-score and funnel band for each unit against ``target``.

    ``z = (x/n - target) / sqrt(phi * target*(1-target)/n + tau2)``; with no overdispersion
    adjustment ``phi = 1`` and ``tau2 = 0``. With ``overdispersion_method="multiplicative"``
    phi is estimated (only ever inflating, phi >= 1); with ``"additive"`` tau2 is estimated.
    A unit is outside a limit only when strictly beyond it (as PHE's funnel significance).

    Returns a DataFrame (index as ``successes`` if it is a Series) with columns
    ``successes``, ``n``, ``proportion``, ``z`` and ``band`` where band is one of
    ``"above 99.8%"``, ``"above 95%"``, ``"within limits"``, ``"below 95%"``,
    ``"below 99.8%"`` (labels follow ``levels``). ``df.attrs`` holds ``phi`` and ``tau2``.
    """
    index = successes.index if isinstance(successes, pd.Series) else None
    x, m = _check_arrays(successes, n)
    t = _check_target(target)
    lv = _check_levels(levels)
    phi, tau2 = 1.0, 0.0
    if overdispersion_method is not None:
        if overdispersion_method not in ("multiplicative", "additive"):
            raise ValueError(
                "overdispersion_method must be None, 'multiplicative' or 'additive', "
                f"got {overdispersion_method!r}"
            )
        est_phi, est_tau2 = overdispersion(x, m, t)
        if overdispersion_method == "multiplicative":
            phi = max(1.0, est_phi)
        else:
            tau2 = est_tau2
    prop = x / m
    z = (prop - t) / np.sqrt(phi * t * (1 - t) / m + tau2)
    band = np.full(x.size, "within limits", dtype=object)
    for level in lv:  # ascending, so the outermost level wins
        zc = z_for_confidence(level)
        pct = f"{round(level * 100, 6):g}%"
        band[z > zc] = f"above {pct}"
        band[z < -zc] = f"below {pct}"
    out = pd.DataFrame(
        {"successes": x, "n": m, "proportion": prop, "z": z, "band": band}, index=index
    )
    out.attrs["phi"] = phi
    out.attrs["tau2"] = tau2
    out.attrs["target"] = t
    return out


# ------------------------------------------------------------------- counts
def compare_counts(now: float, before: float) -> float:
    """Two-sided exact p-value that two counts over equal periods share one Poisson rate.

    Conditional test: given ``now + before`` events, ``now`` is Binomial(n, 1/2) when the rate
    is unchanged. Returns 1.0 when both counts are zero.
    """
    for name, value in (("now", now), ("before", before)):
        if value < 0 or not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number of at least 0, got {value!r}")
    n = int(now) + int(before)
    if n == 0:
        return 1.0
    return float(stats.binomtest(int(now), n, 0.5).pvalue)

Overdispersion = Literal["multiplicative", "additive"]
