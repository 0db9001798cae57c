"""Call-centre staffing: Erlang C (M/M/c) and Erlang A (M/M/c+M) queueing formulas.

Only the staffing mathematics lives here; KPIs from call logs are computed elsewhere.

* Erlang C: Poisson arrivals, exponential handling times, ``c`` agents, callers never give
  up. Probability of waiting from the Erlang B recursion, service level
  ``1 - P(wait) * exp(-(c - A) * T / AHT)``, ASA ``P(wait) * AHT / (c - A)``.
* Erlang A (Palm; Garnett, Mandelbaum and Reiman 2002): as Erlang C but each waiting caller
  abandons after an exponential patience time. Solved exactly as a birth-death chain; the
  waiting-time distribution of served callers is obtained from the transient behaviour of
  the tagged caller's position in the queue (by uniformisation), and the mean
  wait of answered callers from the same chain's fundamental matrix.
* Patience: :func:`estimate_patience` is the maximum-likelihood mean patience of
  exponential patience from call-level waits with abandonment (abandoned waits are
  patience times; answered waits are censored): total time waited / number abandoned.

All times are in seconds; ``calls`` is the number offered in an interval of ``interval_s``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_banded
from scipy.special import gammaln, pdtrc

__all__ = [
    "ErlangAResult",
    "ErlangCResult",
    "StaffingResult",
    "agents_for_target",
    "erlang_a",
    "erlang_c",
    "estimate_patience",
    "traffic_intensity",
]

# Erlang A: queue states are kept until their stationary probability is below this
# fraction of the total; beyond MAX_QUEUE states the calculation is refused.
_TAIL_TOLERANCE = 1e-17
_MAX_QUEUE = 50_000


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C measures for one staffing level."""

    agents: int
    traffic_erlangs: float
    probability_wait: float
    service_level: float
    asa_s: float
    occupancy: float


@dataclass(frozen=True)
class StaffingResult:
    """Fewest agents meeting the target, and positions once shrinkage is allowed for."""

    agents: int
    positions: int
    service_level: float
    probability_wait: float
    asa_s: float
    occupancy: float
    traffic_erlangs: float


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A measures for one staffing level.

    ``service_level_offered`` counts abandoned calls as failures (answered within the
    target / all offered); ``service_level_answered`` is among answered calls only.
    ``asa_s`` (average speed of answer, as call centres report it) is the mean wait of the
    *answered* calls, zero for those answered at once. ``mean_wait_s`` is the mean time in
    queue over *all* offered calls, including the time abandoning callers waited before
    giving up, i.e. ``Lq / arrival rate`` (what ``asa_s`` held before issue 12).
    """

    agents: int
    traffic_erlangs: float
    probability_wait: float
    probability_abandon: float
    service_level_offered: float
    service_level_answered: float
    asa_s: float
    occupancy: float
    mean_queue_length: float
    mean_wait_s: float


# --------------------------------------------------------------------------- validation
def _positive(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not (v > 0) or math.isinf(v):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def _non_negative(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be zero or a positive number, got {value!r}") from None
    if not (v >= 0) or math.isinf(v):
        raise ValueError(f"{name} must be zero or a positive number, got {value!r}")
    return v


def _agents(value: int, name: str = "agents") -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")
    return int(value)


def _fraction(value: float, name: str, allow_one: bool = True) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}") from None
    upper_ok = v <= 1 if allow_one else v < 1
    if not (v >= 0 and upper_ok):
        bound = "1" if allow_one else "1 (exclusive)"
        raise ValueError(f"{name} must be between 0 and {bound}, got {value!r}")
    return v


def traffic_intensity(calls: float, interval_s: float, aht_s: float) -> float:
    """Offered traffic in Erlangs: calls x AHT / interval."""
    c = _non_negative(calls, "calls")
    return c * _positive(aht_s, "aht_s") / _positive(interval_s, "interval_s")


def _erlang_b(agents: int, traffic: float) -> float:
    """Erlang B blocking probability by the numerically stable recursion."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


# --------------------------------------------------------------------------- Erlang C
def erlang_c(
    calls: float, interval_s: float, aht_s: float, agents: int, target_s: float
) -> ErlangCResult:
    """Erlang C probability of waiting, service level, ASA and occupancy.

    ``service_level`` is the share of calls answered within ``target_s`` seconds. Requires
    ``agents`` greater than the traffic (calls x AHT / interval), otherwise the queue grows
    without limit.
    """
    traffic = traffic_intensity(calls, interval_s, aht_s)
    aht = float(aht_s)
    c = _agents(agents)
    t = _non_negative(target_s, "target_s")
    if c <= traffic:
        raise ValueError(
            f"agents ({c}) must exceed the traffic intensity ({traffic:.4g} Erlangs) for "
            "Erlang C; with fewer agents the queue grows without limit"
        )
    if traffic == 0:
        return ErlangCResult(c, 0.0, 0.0, 1.0, 0.0, 0.0)
    b = _erlang_b(c, traffic)
    pw = c * b / (c - traffic * (1 - b))
    sl = 1 - pw * math.exp(-(c - traffic) * t / aht)
    asa = pw * aht / (c - traffic)
    return ErlangCResult(
        agents=c,
        traffic_erlangs=traffic,
        probability_wait=pw,
        service_level=sl,
        asa_s=asa,
        occupancy=traffic / c,
    )


def _round_up(value: float) -> int:
    """Ceiling that ignores floating-point dust (14 / 0.7 -> 20, not 21)."""
    return math.ceil(round(value, 9))


def agents_for_target(
    calls: float,
    interval_s: float,
    aht_s: float,
    target_service_level: float,
    target_s: float,
    shrinkage: float = 0.0,
    max_occupancy: float | None = None,
) -> StaffingResult:
    """Fewest agents whose Erlang C service level reaches ``target_service_level``.

    ``positions`` grosses the agents up for ``shrinkage`` (share of paid time not available
    for calls: leave, training, breaks): ``ceil(agents / (1 - shrinkage))``. If
    ``max_occupancy`` is given, agents are added until occupancy is at or below it too.
    """
    traffic = traffic_intensity(calls, interval_s, aht_s)
    sl_target = _fraction(target_service_level, "target_service_level")
    t = _non_negative(target_s, "target_s")
    shrink = _fraction(shrinkage, "shrinkage", allow_one=False)
    max_occ = None
    if max_occupancy is not None:
        max_occ = _fraction(max_occupancy, "max_occupancy")
        if max_occ == 0:
            raise ValueError("max_occupancy must be greater than 0")
    if sl_target == 1.0 and traffic > 0:
        raise ValueError("target_service_level of 1 cannot be reached by Erlang C; use < 1")
    c = max(1, math.floor(traffic) + 1)
    while True:
        res = erlang_c(calls, interval_s, aht_s, c, t)
        occ_ok = max_occ is None or res.occupancy <= max_occ + 1e-12
        if res.service_level >= sl_target - 1e-12 and occ_ok:
            break
        c += 1
    return StaffingResult(
        agents=c,
        positions=_round_up(c / (1 - shrink)),
        service_level=res.service_level,
        probability_wait=res.probability_wait,
        asa_s=res.asa_s,
        occupancy=res.occupancy,
        traffic_erlangs=traffic,
    )


# --------------------------------------------------------------------------- Erlang A
def _erlang_a_stationary(lam: float, mu: float, theta: float, c: int) -> np.ndarray:
    """Stationary probabilities of 0..c+K callers in system (K queue places kept)."""
    log_terms = [k * math.log(lam / mu) - float(gammaln(k + 1)) for k in range(c + 1)]
    log_pc = log_terms[-1]
    queue: list[float] = []
    log_term = log_pc
    j = 0
    while True:
        j += 1
        log_term += math.log(lam) - math.log(c * mu + j * theta)
        queue.append(log_term)
        # stop once terms are negligible and decreasing (rate ratio below 1)
        if lam < c * mu + j * theta and log_term - max(log_terms) < math.log(_TAIL_TOLERANCE):
            break
        if j > _MAX_QUEUE:
            raise ValueError(
                "Erlang A queue too long to compute exactly (traffic far above the number of "
                "agents with very patient callers); check the inputs"
            )
    logs = np.array(log_terms + queue)
    weights = np.exp(logs - logs.max())
    return weights / weights.sum()


def erlang_a(
    calls: float,
    interval_s: float,
    aht_s: float,
    agents: int,
    target_s: float,
    patience_s: float,
) -> ErlangAResult:
    """Erlang A (M/M/c+M): Erlang C with callers who abandon after exponential patience.

    ``patience_s`` is the mean time a caller is willing to wait. Unlike Erlang C, any number
    of agents is allowed: abandonment keeps the queue finite. The model is solved exactly
    (stationary birth-death distribution; waiting times by transient analysis).
    """
    traffic = traffic_intensity(calls, interval_s, aht_s)
    c = _agents(agents)
    t = _non_negative(target_s, "target_s")
    patience = _positive(patience_s, "patience_s")
    if traffic == 0:
        return ErlangAResult(c, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    lam = float(calls) / float(interval_s)
    mu = 1.0 / float(aht_s)
    theta = 1.0 / patience
    pi = _erlang_a_stationary(lam, mu, theta, c)
    queue_pi = pi[c:]  # arrivals seeing c + j in system have j callers ahead (PASTA)
    k = queue_pi.size  # positions j = 0..k-1
    p_wait = float(queue_pi.sum())
    j = np.arange(k, dtype=float)
    lq = float(np.sum(j * queue_pi))
    p_abandon = theta * lq / lam

    # Transient chain of a tagged caller: state j (callers ahead) moves to j-1 at rate
    # c mu + j theta, state 0 enters service at rate c mu, and any state abandons at theta.
    # Forward equation from the arrival distribution gives P(answered within t).
    out_rate = c * mu + j * theta + theta
    down = c * mu + j[1:] * theta
    served_by_t = _served_by(out_rate, down, queue_pi, c * mu, t) if t > 0 else 0.0
    # E[wait; answered] = start' Q^-2 r (r: the rate into service, c mu from 0 ahead), the
    # first moment of the time to absorption into 'served'. Q is lower bidiagonal.
    banded = np.zeros((2, k))
    banded[0] = -out_rate
    banded[1, :-1] = down
    into_service = np.zeros(k)
    into_service[0] = c * mu
    first = solve_banded((1, 0), banded, into_service)
    wait_if_answered = float(queue_pi @ solve_banded((1, 0), banded, first))
    answered_at_once = float(pi[:c].sum())
    sl_offered = answered_at_once + served_by_t
    sl_answered = sl_offered / (1 - p_abandon)
    occupancy = (lam * (1 - p_abandon) / mu) / c
    return ErlangAResult(
        agents=c,
        traffic_erlangs=traffic,
        probability_wait=p_wait,
        probability_abandon=p_abandon,
        service_level_offered=sl_offered,
        service_level_answered=sl_answered,
        asa_s=wait_if_answered / (1 - p_abandon),
        occupancy=occupancy,
        mean_queue_length=lq,
        mean_wait_s=lq / lam,
    )


def _served_by(
    out_rate: np.ndarray,
    down: np.ndarray,
    start: np.ndarray,
    service_rate: float,
    t: float,
) -> float:
    """Probability mass absorbed into service by time ``t`` from queue distribution ``start``.

    Uniformisation (Jensen's method; Stewart 2009, section 10.7): with the chain's fastest
    rate Λ, the caller's position after n events of a Poisson(Λ) clock is ``start`` times
    the n-th power of P = I + Q/Λ, and the mass entering service at step n is counted if at
    least n + 1 events happen by ``t``. The chain is bidiagonal, so each step is two vector
    operations; the sum stops 10 standard deviations (and at least 30 events) past the mean
    number of events, where the Poisson tail is below 1e-15.
    """
    rate = float(out_rate.max())
    mean_events = rate * t
    steps = int(mean_events + 10 * math.sqrt(mean_events)) + 30
    more_than = pdtrc(np.arange(steps), mean_events)  # P(N(t) >= n + 1)
    stay = 1.0 - out_rate / rate
    move = down / rate
    into = service_rate / rate
    p = start.astype(float).copy()
    served = 0.0
    for n in range(steps):
        served += more_than[n] * p[0] * into
        nxt = p * stay
        nxt[:-1] += p[1:] * move
        p = nxt
    return float(served)


# --------------------------------------------------------------------------- patience
def estimate_patience(waits_s: object, abandoned: object) -> float:
    """Mean patience in seconds from call-level waits and abandonment flags.

    With exponential patience, an abandoned call's wait is its patience and an answered
    call's wait is a lower bound on it (censored). The maximum-likelihood estimate of the
    mean is the total time all callers waited divided by the number who abandoned (the
    rate estimate of censored exponential data; Mandelbaum and Zeltyn's "total wait over
    abandonments"). Calls answered at once add nothing and still count.

    Raises ``ValueError`` when the inputs differ in length, a wait is negative or missing,
    or no call was abandoned (patience is then not estimable from these calls: at least the
    observed total wait is a lower bound, and the message says so).
    """
    waits = np.asarray(waits_s, dtype=float)
    gave_up = np.asarray(abandoned)
    if waits.shape != gave_up.shape or waits.ndim != 1:
        raise ValueError("waits_s and abandoned must be one-dimensional and the same length")
    if waits.size == 0:
        raise ValueError("no calls: patience cannot be estimated")
    if not np.all(np.isfinite(waits)) or (waits < 0).any():
        raise ValueError("waits_s must be finite and not negative")
    if gave_up.dtype != bool:
        if not np.isin(gave_up, (0, 1)).all():
            raise ValueError("abandoned must be True/False (or 1/0) for each call")
        gave_up = gave_up.astype(bool)
    n_abandoned = int(gave_up.sum())
    if n_abandoned == 0:
        raise ValueError(
            f"no call was abandoned among {waits.size}: the mean patience is longer than can "
            f"be measured here (at least {waits.sum():.0f} s of waiting with no abandonment)")
    return float(waits.sum() / n_abandoned)
