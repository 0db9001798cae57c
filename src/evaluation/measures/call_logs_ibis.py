"""Monthly call-handling KPIs written once with Ibis, to run on any engine Ibis targets.

:func:`kpi_expression` builds the aggregation of
:func:`evaluation.measures.call_handling.monthly_kpis`
(same definitions; see that module's docstring) as an Ibis expression. Nothing is computed
until it is executed, and then by the backend the call logs live in:

* DuckDB (the default; embedded, no server) for one force's logs on a laptop;
* PySpark, locally or on a cluster (Spark Connect, Databricks), for national reviews;
* Snowflake, Databricks SQL, PostgreSQL ... where the logs already sit in a warehouse
  (BigQuery and Trino have only approximate percentiles: ``exact_quantiles=False``).

``by=("force",)`` gives the KPIs of every force in one pass (a national review).

Differences between engines, and how they are made not to matter:

* time differences are taken in whole microseconds (``delta(unit="microsecond")``), which is
  exact for logs stored to the microsecond or coarser (Parquet ``timestamp[ms]`` or ``[us]``);
* the median and 90th percentile use ``quantile``: DuckDB ``quantile_cont`` and Spark
  ``percentile`` both interpolate linearly between order statistics, as pandas does;
  a backend that only has approximate percentiles (BigQuery ``APPROX_QUANTILES``) will
  differ slightly in those three columns only;
* months are ``date_trunc('month', received_at)`` on timestamps *without* a time zone;
  give a Spark session ``spark.sql.session.timeZone=UTC`` so nothing is shifted;
* Spark cannot read Parquet timestamps stored in nanoseconds (pandas' default): write call
  logs with ``to_parquet(..., coerce_timestamps="us")`` or, as ``evaluation synth --calls``
  does, in seconds or milliseconds.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from evaluation.data.engine import read_call_logs
from evaluation.measures.call_handling import (
    check_callback_within,
    check_lines,
    finalise_kpis,
    line_targets,
)

if TYPE_CHECKING:
    import ibis
    from ibis.backends import BaseBackend

__all__ = ["kpi_expression", "monthly_kpis_ibis"]

log = logging.getLogger(__name__)

_US = 1_000_000.0


def _seconds(end: ibis.Value, start: ibis.Value) -> ibis.Value:
    """``end - start`` in seconds (float), exact to the microsecond on every backend."""
    return end.delta(start, unit="microsecond").cast("float64") / _US


def kpi_expression(
    calls: ibis.Table,
    target_s: Mapping[str, int] | None = None,
    callback_within_s: float = 3600,
    by: Sequence[str] = (),
    exact_quantiles: bool = True,
) -> ibis.Table:
    """The monthly KPIs of ``calls`` (an Ibis table of call logs) as an unexecuted expression.


    Columns and definitions are those of :func:`evaluation.measures.call_handling.monthly_kpis`,
    after
    any extra grouping columns ``by`` (e.g. ``("force",)`` for a national review); rows are
    ordered by those, month and line. Lines without a target get a null target (the callers
    check the lines first). ``exact_quantiles=False`` uses the engine's approximate
    percentiles, for engines without exact ones (BigQuery, Trino).
    """
    targets = line_targets(target_s)
    within_s = check_callback_within(callback_within_s)
    keys = [str(k) for k in by]
    agg = _aggregate(_call_rows(calls, targets, keys), keys, within_s, exact_quantiles)
    return _with_shares(agg).drop("sec_wait_q").order_by([*keys, "month", "line"])


def _call_rows(calls: ibis.Table, targets: Mapping[str, int], keys: list[str]) -> ibis.Table:
    """One row per call: its month, line and target, and the waits and delays in seconds."""
    import ibis

    line = calls.line.cast("string")
    target = (ibis.cases(*[(line == name, value) for name, value in targets.items()])
              if targets else ibis.null("int64")).cast("int64")
    requested = calls.callback_requested.fill_null(False)
    return calls.select(
        *keys,
        month=calls.received_at.truncate("M"),
        line=line,
        target_s=target,
        answered_at=calls.answered_at,
        abandoned_at=calls.abandoned_at,
        wait_s=_seconds(calls.answered_at, calls.received_at),
        transferred=calls.transferred_to_secondary.fill_null(False),
        sec_wait_s=_seconds(calls.secondary_answered_at, calls.answered_at),
        cb_requested=requested,
        callback_made_at=calls.callback_made_at,
        cb_delay_s=_seconds(calls.callback_made_at, calls.received_at),
    )


def _aggregate(r: ibis.Table, keys: list[str], within_s: float, exact_quantiles: bool
               ) -> ibis.Table:
    """The counts, means and percentiles of each month and line (and ``keys``)."""

    def pct(col: ibis.Value, q: float | list[float], where: ibis.Value | None = None
            ) -> ibis.Value:
        return col.quantile(q, where=where) if exact_quantiles else col.approx_quantile(
            q, where=where)

    return r.group_by([*keys, "month", "line"]).aggregate(
        target_s=r.target_s.max(),
        offered=r.count(),
        answered=r.answered_at.count(),
        answered_within_target=r.count(where=r.wait_s <= r.target_s),
        asa_s=r.wait_s.mean(),
        abandoned=r.abandoned_at.count(),
        transferred_to_secondary=r.count(where=r.transferred),
        secondary_answered=r.sec_wait_s.count(),
        secondary_wait_mean_s=r.sec_wait_s.mean(),
        # one aggregate for both percentiles: the engine keeps the month's waits once
        sec_wait_q=pct(r.sec_wait_s, [0.5, 0.9]),
        callbacks_requested=r.count(where=r.cb_requested),
        callbacks_made=r.callback_made_at.count(where=r.cb_requested),
        callbacks_within=r.count(where=r.cb_requested & (r.cb_delay_s <= within_s)),
        callback_median_s=pct(r.cb_delay_s, 0.5, where=r.cb_requested),
    )


def _with_shares(agg: ibis.Table) -> ibis.Table:
    """The two secondary-wait percentiles unpacked, and the shares and rates (null when the
    denominator is 0)."""

    def ratio(num: ibis.Value, den: ibis.Value) -> ibis.Value:
        return num.cast("float64") / den.cast("float64").nullif(0.0)

    return agg.mutate(
        secondary_wait_median_s=agg.sec_wait_q[0],
        secondary_wait_p90_s=agg.sec_wait_q[1],
        within_target_share=ratio(agg.answered_within_target, agg.answered),
        within_target_share_offered=ratio(agg.answered_within_target, agg.offered),
        abandonment_rate=ratio(agg.abandoned, agg.offered),
        transfer_share=ratio(agg.transferred_to_secondary, agg.answered),
        callback_within_share=ratio(agg.callbacks_within, agg.callbacks_requested),
    )


def monthly_kpis_ibis(
    calls: ibis.Table | str | Path | Sequence[str | Path],
    target_s: Mapping[str, int] | None = None,
    callback_within_s: float = 3600,
    con: BaseBackend | None = None,
    by: Sequence[str] = (),
    exact_quantiles: bool =
    True,
) -> pd.DataFrame:
    """:func:`evaluation.measures.call_handling.monthly_kpis` computed by the engine holding
    ``calls``.

    ``calls`` is an Ibis table (on any backend: DuckDB, PySpark, BigQuery ...) or Parquet
    path(s), read with ``con`` (default: an in-process DuckDB). Only the monthly aggregates
    come back to Python. The result has the columns and dtypes of ``monthly_kpis``, after
    the grouping columns ``by`` if any (one block of months and lines per force, say).
    """
    import ibis

    table = calls if isinstance(calls, ibis.Table) else read_call_logs(calls, con)
    targets = line_targets(target_s)
    keys = [str(k) for k in by]
    missing = [k for k in keys if k not in table.columns]
    if missing:
        raise ValueError(f"by: no column(s) {missing} in the call logs")
    lines = table.select(line=table.line.cast("string")).distinct().to_pyarrow()
    check_lines([str(v) for v in lines.column("line").to_pylist()], targets)
    expr = kpi_expression(table, targets, callback_within_s, keys, exact_quantiles)
    result: Any = expr.to_pyarrow().to_pandas()
    log.debug("ibis KPIs: %d rows", len(result))
    if not keys:
        return finalise_kpis(result)
    blocks = []
    for values, group in result.groupby(keys, sort=True, dropna=False):
        block = finalise_kpis(group)
        for key, value in zip(keys, values, strict=True):
            block.insert(keys.index(key), key, value)
        blocks.append(block)
    if not blocks:
        return pd.concat([result[keys].iloc[:0], finalise_kpis(result)], axis=1)
    return pd.concat(blocks, ignore_index=True)
