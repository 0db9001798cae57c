"""SYNTHETIC calls: the 999 and 101 line models, the rota, every call of 2012-2019
(aggregated to ``call_handling_monthly``, the reporting year 2018/19 kept as
``call_logs.parquet``, with handle times) and the call-log stream behind
``synth.write_call_logs``. The model is described under "Calls" in
the docstring of :mod:`evaluation.sample.synth`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from evaluation.sample.common import END, START, lerp, month_range, rng_for

__all__ = ["CALL_SCHEMA", "simulate_calls", "stream_chunks"]

EXTRA_HANDLERS = pd.Period("2015-11", freq="M")  # ten extra call handlers start
LOG_SLICE = (pd.Period("2018-04", freq="M"), pd.Period("2019-03", freq="M"))  # the logs kept
ROTA_YEAR = (pd.Period("2018-04", freq="M"), pd.Period("2019-03", freq="M"))  # published rota
# the delay driver (``_load_ratio``) keeps the 2015/16 week in every month, so that the
# calibrated monthly aggregates do not depend on which year's rota is published
DELAY_YEAR = (pd.Period("2015-04", freq="M"), pd.Period("2016-03", freq="M"))
HANDLE_SHAPE = 2.0  # gamma shape of handle times (right-skewed, mode at half the mean)
MIN_HANDLE_S = 20
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class _LineModel:
    """Fixed parameters of one telephone line."""

    line: str
    target_s: int
    ring: tuple[int, int]  # inclusive range of ring time, seconds
    delay_mean_s: float
    patience_mean_s: float
    aht_s: float
    daily: dict[str, float]
    service_level: dict[str, float]


_LINES = (
    _LineModel(
        line="999",
        target_s=10,
        ring=(1, 4),
        delay_mean_s=9.0,
        patience_mean_s=45.0,
        aht_s=200.0,
        daily={"2012-10": 178, "2013-10": 184, "2014-10": 190, "2015-10": 197,
               "2016-07": 206, "2017-07": 226, "2018-07": 238, "2019-03": 245},
        service_level={"2012-04": 0.90, "2014-04": 0.94, "2016-04": 0.94, "2018-06": 0.92,
                       "2019-03": 0.92},
    ),
    _LineModel(
        line="101",
        target_s=30,
        ring=(2, 8),
        delay_mean_s=100.0,
        patience_mean_s=240.0,
        aht_s=420.0,
        daily={"2012-10": 935, "2013-10": 960, "2014-10": 975, "2015-10": 995,
               "2016-07": 1012, "2017-07": 1015, "2018-07": 975, "2019-03": 950},
        service_level={"2012-04": 0.66, "2012-12": 0.62, "2013-09": 0.80, "2014-06": 0.89,
                       "2015-03": 0.93, "2015-04": 0.94, "2016-03": 0.94, "2016-12": 0.93,
                       "2017-12": 0.90, "2018-06": 0.87, "2019-03": 0.89},
    ),
)
_SEASONAL = np.array([0.96, 0.97, 0.99, 1.00, 1.02, 1.03, 1.05, 1.04, 1.00, 1.00, 0.98, 0.96])
_HOUR_101 = np.array([0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.70, 1.25, 1.60, 1.70, 1.65,
                      1.55, 1.55, 1.60, 1.55, 1.45, 1.30, 1.15, 1.00, 0.85, 0.70, 0.50, 0.35])
_DAY_101 = np.array([1.18, 1.08, 1.04, 1.02, 1.00, 0.82, 0.76])
_HOUR_999 = np.array([0.95, 0.80, 0.65, 0.50, 0.40, 0.35, 0.40, 0.55, 0.75, 0.90, 1.00, 1.05,
                      1.10, 1.10, 1.15, 1.25, 1.35, 1.40, 1.40, 1.35, 1.30, 1.25, 1.15, 1.05])
_DAY_999 = np.array([0.95, 0.93, 0.93, 0.95, 1.05, 1.15, 1.04])


def _week_profile(line: str) -> np.ndarray:
    """Relative arrival intensity by weekday (Monday first) x hour, summing to 1."""
    if line == "101":
        prof = np.outer(_DAY_101, _HOUR_101)
    else:
        prof = np.outer(_DAY_999, _HOUR_999)
        prof[4, 21:] *= 1.35  # Friday night
        prof[5, 21:] *= 1.45  # Saturday night
        prof[5, :4] *= 1.40  # small hours of Saturday
        prof[6, :4] *= 1.50  # small hours of Sunday
    return prof / prof.sum()


def _erlang_c(a: float, n: int) -> float:
    """Probability that a call waits, Erlang C with offered load ``a`` and ``n`` agents."""
    if n <= a:
        return 1.0
    b = 1.0
    for k in range(1, n + 1):  # Erlang B recursion
        b = a * b / (k + a * b)
    return n * b / (n - a * (1 - b))


def _required_agents(calls_per_hour: float, aht_s: float, target_s: float, level: float) -> int:
    """Smallest number of agents meeting ``level`` answered within ``target_s`` (Erlang C)."""
    a = calls_per_hour * aht_s / 3600.0
    n = max(1, math.floor(a) + 1)
    while True:
        sl = 1.0 - _erlang_c(a, n) * math.exp(-(n - a) * target_s / aht_s)
        if sl >= level:
            return n
        n += 1


def _monthly_expected(model: _LineModel, month: pd.Period) -> float:
    return lerp(month, model.daily) * month.days_in_month * _SEASONAL[month.month - 1]


def _rota(model: _LineModel, year: tuple[pd.Period, pd.Period] = DELAY_YEAR,
          ) -> tuple[np.ndarray, np.ndarray]:
    """Rostered handlers and requirement by weekday x hour for a typical week of ``year``
    (first and last month), from that year's mean expected demand."""
    weekly = np.mean([_monthly_expected(model, m) for m in month_range(*year)])
    weekly = weekly * 12 / 52.18
    demand = _week_profile(model.line) * weekly
    req = np.array([[_required_agents(demand[d, h], model.aht_s, model.target_s, 0.90)
                     for h in range(24)] for d in range(7)], dtype=float)
    flat = req.reshape(-1)
    shift_mean = np.repeat(flat.reshape(-1, 8).mean(axis=1), 8)  # 8-hour shifts from 00:00
    rota = np.round((0.6 * flat + 0.4 * shift_mean) * 2) / 2
    return np.maximum(rota, 1.0).reshape(7, 24), req


def _load_ratio(model: _LineModel) -> np.ndarray:
    """Requirement / rota by weekday x hour, demand-weighted mean 1, cubed (delay driver);
    always the 2015/16 week (``DELAY_YEAR``)."""
    rota, req = _rota(model, DELAY_YEAR)
    r = req / rota
    r = r / (r * _week_profile(model.line)).sum()
    return r**3


def _fte(line: str, month: pd.Period) -> float:
    """Call handlers in post (FTE); for 101 primary plus secondary handlers."""
    if line == "999":
        return 14.0 if month < pd.Period("2014-04", "M") else (
            15.0 if month < pd.Period("2017-04", "M") else 16.0)
    primary = 52.0
    if month >= pd.Period("2013-07", "M"):
        primary = 58.0
    if month >= pd.Period("2014-04", "M"):
        primary = 60.0
    if month >= pd.Period("2017-04", "M"):
        primary = 62.0
    secondary = 30.0 if month < EXTRA_HANDLERS else 40.0
    return primary + secondary


def _secondary_plan(month: pd.Period) -> tuple[float, float]:
    """(transfer probability, mean secondary wait in seconds) for 101 in a month."""
    p = lerp(month, {"2012-04": 0.44, "2015-04": 0.50, "2019-03": 0.50})
    if month < EXTRA_HANDLERS:
        wait = lerp(month, {"2012-04": 400.0, "2014-06": 430.0, "2015-10": 450.0})
    else:
        wait = lerp(month, {"2015-11": 210.0, "2016-12": 215.0, "2017-12": 235.0,
                             "2019-03": 250.0})
    return p, wait


def _service_targets(rng: np.random.Generator, model: _LineModel) -> dict[pd.Period, float]:
    """Planned monthly service level; noise is de-meaned within 2015/16 (calibration year)."""
    months = month_range(START, END)
    noise = rng.normal(0.0, 0.005, len(months))
    fy = (months >= pd.Period("2015-04", "M")) & (months <= pd.Period("2016-03", "M"))
    noise[fy] -= noise[fy].mean()
    return {m: min(0.985, lerp(m, model.service_level) + e) for m, e in zip(months, noise,
                                                                             strict=True)}


def _arrivals(rng: np.random.Generator, line: str, month: pd.Period, n: int) -> np.ndarray:
    """Sorted arrival times (seconds since the month's start) and their weekday x hour cell."""
    days = month.days_in_month
    first_dow = month.start_time.day_of_week
    dow = (first_dow + np.arange(days)) % 7
    w = _week_profile(line)[dow].reshape(-1)
    cell = rng.choice(days * 24, size=n, p=w / w.sum())
    secs = cell * 3600 + rng.integers(0, 3600, size=n)
    return np.sort(secs)


def _primary(
    rng: np.random.Generator, model: _LineModel, hour_of_week: np.ndarray, ratio: np.ndarray,
    level: float | None, k_fixed: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Primary waits (s), abandoned flag and patience (s); ``k`` calibrated to ``level``."""
    n = hour_of_week.size
    r = ratio.reshape(-1)[hour_of_week]
    u = rng.random(n)
    extra = np.rint(model.delay_mean_s * rng.standard_exponential(n)).astype(np.int64)
    ring = rng.integers(model.ring[0], model.ring[1] + 1, size=n)
    patience = np.maximum(1, np.rint(model.patience_mean_s * rng.standard_exponential(n)))
    patience = patience.astype(np.int64)

    def outcome(k: float) -> tuple[np.ndarray, np.ndarray]:
        delayed = u < np.minimum(0.97, k * r)
        wait = ring + np.where(delayed, extra, 0)
        abandoned = delayed & (patience < wait)
        return wait, abandoned

    if k_fixed is None:
        lo, hi = 0.0, 0.97 / max(r.min(), 1e-9)
        for _ in range(50):
            mid = (lo + hi) / 2
            wait, abandoned = outcome(mid)
            answered = ~abandoned
            sl = (answered & (wait <= model.target_s)).sum() / max(answered.sum(), 1)
            if sl > level:
                lo = mid
            else:
                hi = mid
        k_fixed = (lo + hi) / 2
    wait, abandoned = outcome(k_fixed)
    return wait, abandoned, patience


def _handle_hour_factor(line: str) -> np.ndarray:
    """Mild time-of-day effect on handle time by hour of day: +/- 8 %, longest around 03:00
    (fewer, more involved calls at night), shortest around 15:00; scaled so that its mean
    over the line's week profile is exactly 1, so ``aht_s`` stays the demand-weighted mean."""
    f = 1.0 + 0.08 * np.cos(2 * np.pi * (np.arange(24) - 3) / 24)
    by_hour = _week_profile(line).sum(axis=0)  # share of calls in each hour of the day
    return f / float((f * by_hour).sum())


def _handle_times(rng: np.random.Generator, model: _LineModel, received: np.ndarray,
                  ) -> np.ndarray:
    """Handle time (s) of each call: gamma with shape ``HANDLE_SHAPE`` and mean ``aht_s`` times
    the hour-of-day factor of the call's arrival, whole seconds, at least ``MIN_HANDLE_S``.
    One draw per call, answered or not, from a generator of its own (``rng``)."""
    hour = (received % 86400) // 3600
    mean = model.aht_s * _handle_hour_factor(model.line)[hour]
    g = rng.gamma(HANDLE_SHAPE, 1.0 / HANDLE_SHAPE, size=received.size)
    return np.maximum(MIN_HANDLE_S, np.rint(g * mean)).astype(np.int64)


def _ended(handle_s: np.ndarray, answered: np.ndarray) -> np.ndarray:
    """When the first handler finished: answered_at + handle time; -1 (blank) if abandoned."""
    return np.where(answered >= 0, answered + handle_s, -1)


@dataclass
class _MonthCalls:
    """Call-level arrays for one line and month (times in epoch seconds, -1 = blank)."""

    line: str
    received: np.ndarray
    answered: np.ndarray
    abandoned: np.ndarray
    transferred: np.ndarray
    secondary: np.ndarray
    callback_requested: np.ndarray
    callback_made: np.ndarray


def _secondary(
    rng: np.random.Generator, answered_at: np.ndarray, month: pd.Period,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Transfers, secondary pick-up times and call-backs for answered 101 calls."""
    n = answered_at.size
    p_transfer, mean_wait = _secondary_plan(month)
    answered = answered_at >= 0
    transferred = answered & (rng.random(n) < p_transfer)
    choice = rng.random(n)
    p_callback = 0.12 if month >= EXTRA_HANDLERS else 0.0
    p_hangup = 0.03 if month >= EXTRA_HANDLERS else 0.06
    callback = transferred & (choice < p_callback)
    hangup = transferred & ~callback & (choice < p_callback + p_hangup)
    picked = transferred & ~callback & ~hangup
    g = rng.gamma(2.0, 1.0, size=n)
    scale = mean_wait / g[picked].mean() if picked.any() else 0.0
    sec_wait = np.maximum(1, np.rint(g * scale)).astype(np.int64)
    secondary = np.where(picked, answered_at + sec_wait, -1)
    delay = 600 + np.rint(5400 * rng.standard_exponential(n)).astype(np.int64)
    made = callback & (rng.random(n) >= 0.03)
    callback_made = np.where(made, answered_at + delay, -1)
    return transferred, secondary, callback, callback_made


def _simulate_month(
    rng: np.random.Generator, model: _LineModel, month: pd.Period, level: float,
    ratio: np.ndarray,
) -> _MonthCalls:
    """Every call of one line in one month."""
    n = int(rng.poisson(_monthly_expected(model, month)))
    secs = _arrivals(rng, model.line, month, n)
    start = int(month.start_time.timestamp())
    first_dow = month.start_time.day_of_week
    hour_of_week = (((secs // 86400) + first_dow) % 7) * 24 + (secs % 86400) // 3600
    wait, abandoned, patience = _primary(rng, model, hour_of_week, ratio, level)
    received = start + secs
    answered_at = np.where(abandoned, -1, received + wait)
    abandoned_at = np.where(abandoned, received + patience, -1)
    if model.line == "101":
        transferred, secondary, callback, callback_made = _secondary(rng, answered_at, month)
    else:
        transferred = np.zeros(n, dtype=bool)
        callback = np.zeros(n, dtype=bool)
        secondary = np.full(n, -1, dtype=np.int64)
        callback_made = np.full(n, -1, dtype=np.int64)
    return _MonthCalls(model.line, received, answered_at, abandoned_at, transferred, secondary,
                       callback, callback_made)


def _aggregate(calls: _MonthCalls, month: pd.Period, model: _LineModel) -> dict[str, object]:
    """One row of call_handling_monthly from call-level records."""
    answered = calls.answered >= 0
    within = answered & ((calls.answered - calls.received) <= model.target_s)
    picked = calls.secondary >= 0
    mean_wait = (
        round(float((calls.secondary[picked] - calls.answered[picked]).mean()), 1)
        if picked.any() else None
    )
    return {
        "month": str(month),
        "line": model.line,
        "offered": int(calls.received.size),
        "answered": int(answered.sum()),
        "answered_within_target": int(within.sum()),
        "abandoned": int((calls.abandoned >= 0).sum()),
        "transferred_to_secondary": int(calls.transferred.sum()),
        "mean_secondary_wait_s": mean_wait,
        "target_s": model.target_s,
        "call_handlers_fte": _fte(model.line, month),
    }


CALL_SCHEMA = pa.schema([
    ("call_id", pa.string()),
    ("line", pa.dictionary(pa.int8(), pa.string())),
    ("received_at", pa.timestamp("s")),
    ("answered_at", pa.timestamp("s")),
    ("abandoned_at", pa.timestamp("s")),
    ("transferred_to_secondary", pa.bool_()),
    ("secondary_answered_at", pa.timestamp("s")),
    ("callback_requested", pa.bool_()),
    ("callback_made_at", pa.timestamp("s")),
    ("ended_at", pa.timestamp("s")),
])


def _ts(values: np.ndarray) -> pa.Array:
    """Epoch seconds (-1 = blank) as a nullable timestamp array."""
    return pa.array(values, type=pa.timestamp("s"), mask=values < 0)


def _calls_table(
    call_id: list[str], line: np.ndarray, received: np.ndarray, answered: np.ndarray,
    abandoned: np.ndarray, transferred: np.ndarray, secondary: np.ndarray,
    callback: np.ndarray, callback_made: np.ndarray, ended: np.ndarray,
) -> pa.Table:
    lines = pa.DictionaryArray.from_arrays(
        pa.array((line == "101").astype(np.int8)), pa.array(["999", "101"]))
    return pa.Table.from_arrays(
        [pa.array(call_id, type=pa.string()), lines, _ts(received), _ts(answered),
         _ts(abandoned), pa.array(transferred), _ts(secondary), pa.array(callback),
         _ts(callback_made), _ts(ended)],
        schema=CALL_SCHEMA,
    )


def _write_parquet(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path, compression="zstd", compression_level=9,
                   use_dictionary=["line"], write_statistics=False)
    return path


def simulate_calls(seed: int, out_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame, Path]:
    """Simulate every call; return call_handling_monthly, the rota and the Parquet slice.

    Handle times (``ended_at``) are drawn for the kept months only, from a generator of
    their own per line (``handle-101``, ``handle-999``), so every other draw is unchanged."""
    rows: list[dict[str, object]] = []
    kept: list[tuple[pd.Period, _MonthCalls, np.ndarray]] = []
    rota_rows: list[dict[str, object]] = []
    for model in _LINES:
        rng = rng_for(seed, f"calls-{model.line}")
        handle_rng = rng_for(seed, f"handle-{model.line}")
        targets = _service_targets(rng, model)
        ratio = _load_ratio(model)
        rota, _ = _rota(model, ROTA_YEAR)
        for d, day in enumerate(WEEKDAYS):
            for h in range(24):
                rota_rows.append({"line": model.line, "weekday": day, "hour": h,
                                  "handlers_on_shift": float(rota[d, h])})
        for month in month_range(START, END):
            calls = _simulate_month(rng, model, month, targets[month], ratio)
            rows.append(_aggregate(calls, month, model))
            if LOG_SLICE[0] <= month <= LOG_SLICE[1]:
                handle = _handle_times(handle_rng, model, calls.received)
                kept.append((month, calls, _ended(handle, calls.answered)))
    monthly = pd.DataFrame(rows).sort_values(["month", "line"], kind="stable")
    monthly["mean_secondary_wait_s"] = monthly["mean_secondary_wait_s"].astype("Float64")
    parts = []
    for month, c, ended in kept:
        ids = [f"{c.line}-{month.strftime('%Y%m')}-{i:06d}" for i in range(1, c.received.size + 1)]
        parts.append((ids, np.full(c.received.size, c.line), c, ended))
    order = np.argsort(np.concatenate([p[2].received for p in parts]), kind="stable")

    def cat(attr: str) -> np.ndarray:
        return np.concatenate([getattr(p[2], attr) for p in parts])[order]

    ids = np.array([i for p in parts for i in p[0]], dtype=object)[order].tolist()
    table = _calls_table(ids, np.concatenate([p[1] for p in parts])[order], cat("received"),
                         cat("answered"), cat("abandoned"), cat("transferred"),
                         cat("secondary"), cat("callback_requested"), cat("callback_made"),
                         np.concatenate([p[3] for p in parts])[order])
    path = _write_parquet(table, out_dir / "call_logs.parquet")
    return monthly.reset_index(drop=True), pd.DataFrame(rota_rows), path


def stream_chunks(
    n_calls: int, seed: int, start: str, chunk_rows: int,
) -> Iterator[pa.Table]:
    """Yield call-level tables of at most ``chunk_rows`` rows, continuing in time.

    Handle times (``ended_at``) come from a generator of their own (``stream-handle``), so
    the other columns are those of a stream without them."""
    rng = rng_for(seed, "stream")
    handle_rng = rng_for(seed, "stream-handle")
    model_101, model_999 = _LINES[1], _LINES[0]
    prof = {m.line: _week_profile(m.line) * lerp(pd.Period("2016-01", "M"), m.daily) * 7
            for m in (model_101, model_999)}
    total = (prof["101"] + prof["999"]).reshape(-1)  # calls an hour, hour of week
    share_999 = prof["999"].reshape(-1) / total
    cum = np.concatenate([[0.0], np.cumsum(total)])  # cumulative intensity over a week
    week_mass = cum[-1]
    origin = pd.Timestamp(start)
    t0 = int(origin.timestamp()) - origin.day_of_week * 86400 - (
        origin.hour * 3600 + origin.minute * 60 + origin.second)  # Monday 00:00
    offset_hours = (int(origin.timestamp()) - t0) / 3600.0
    s = float(np.interp(offset_hours, np.arange(169), cum))  # operational time at start
    ratios = {m.line: _load_ratio(m) for m in (model_101, model_999)}
    done = 0
    while done < n_calls:
        n = min(chunk_rows, n_calls - done)
        ops = s + np.cumsum(rng.standard_exponential(n))
        s = float(ops[-1])
        weeks, rem = np.divmod(ops, week_mass)
        hour = np.minimum(np.searchsorted(cum, rem, side="right") - 1, 167)
        frac = (rem - cum[hour]) / total[hour]
        received = t0 + np.floor((weeks * 168 + hour + frac) * 3600).astype(np.int64)
        is_999 = rng.random(n) < share_999[hour]
        line = np.where(is_999, "999", "101")
        answered = np.full(n, -1, dtype=np.int64)
        abandoned = np.full(n, -1, dtype=np.int64)
        for model, mask in ((model_999, is_999), (model_101, ~is_999)):
            wait, aband, patience = _primary(rng, model, hour[mask], ratios[model.line],
                                             None, k_fixed=0.08)
            answered[mask] = np.where(aband, -1, received[mask] + wait)
            abandoned[mask] = np.where(aband, received[mask] + patience, -1)
        ans_101 = np.where(is_999, -1, answered)
        transferred, secondary, callback, callback_made = _secondary(
            rng, ans_101, pd.Period("2016-01", "M"))
        handle = np.empty(n, dtype=np.int64)
        for model, mask in ((model_999, is_999), (model_101, ~is_999)):
            handle[mask] = _handle_times(handle_rng, model, received[mask])
        ids = [f"C{i:011d}" for i in range(done + 1, done + n + 1)]
        yield _calls_table(ids, line, received, answered, abandoned, transferred, secondary,
                           callback, callback_made, _ended(handle, answered))
        done += n
