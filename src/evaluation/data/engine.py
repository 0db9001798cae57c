"""Call-log tables on a query engine (Ibis over DuckDB by default, or Spark): the file stays
where it is and the engine reads it, so a log of a hundred million calls never passes through
pandas. :func:`evaluation.measures.call_logs_ibis.monthly_kpis_ibis` computes on the table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evaluation.data import read_log

if TYPE_CHECKING:
    import ibis
    from ibis.backends import BaseBackend

__all__ = ["read_call_logs"]


def read_call_logs(
    parquet_paths: str | Path | Sequence[str | Path], con: BaseBackend | None = None,
) -> ibis.Table:
    """An Ibis table over call-log Parquet file(s) on ``con`` (default: a new DuckDB)."""
    import ibis

    items = [parquet_paths] if isinstance(parquet_paths, str | Path) else list(parquet_paths)
    paths = [str(p) for p in items]
    if not paths:
        raise ValueError("read_call_logs needs at least one Parquet file")
    for p in paths:
        if "://" not in p and not Path(p).is_file():
            raise FileNotFoundError(f"call log file not found: {p}")
        if "://" not in p:
            read_log.record(p)  # read outside Python: note it for the section cache
    con = ibis.duckdb.connect() if con is None else con
    if len(paths) == 1:
        return con.read_parquet(paths[0])
    if con.name == "duckdb":  # one scan over all files
        return con.read_parquet(paths)
    tables = [con.read_parquet(p) for p in paths]  # e.g. PySpark reads one path at a time
    return tables[0].union(*tables[1:], distinct=False)
