"""One whole process of the call-log KPI benchmark: ``kpis.py ENGINE PARQUET``.

ENGINE is ``pandas`` (a straightforward ``pd.read_parquet`` + ``callhandling.monthly_kpis``
groupby), ``duckdb`` (``callhandling.monthly_kpis_duckdb``: SQL over the file), ``ibis``
(``calllog_ibis.monthly_kpis_ibis`` on DuckDB) or ``spark`` (the same Ibis expression on a
local PySpark session). Prints one JSON line: seconds spent importing and computing, rows.
The parent (benchmarks/run.py) measures the whole process's wall time and peak RSS.
"""

from __future__ import annotations

import json
import sys
import time


def main(engine: str, path: str) -> dict[str, object]:
    """Compute the monthly KPIs of ``path`` with ``engine``; timings in seconds."""
    t0 = time.perf_counter()
    if engine == "pandas":
        import pandas as pd

        from evaluation.measures.call_handling import monthly_kpis

        t1 = time.perf_counter()
        kpis = monthly_kpis(pd.read_parquet(path))
    elif engine == "duckdb":
        from evaluation.measures.call_handling import monthly_kpis_duckdb

        t1 = time.perf_counter()
        kpis = monthly_kpis_duckdb(path)
    elif engine == "ibis":
        from evaluation.measures.call_logs_ibis import monthly_kpis_ibis

        t1 = time.perf_counter()
        kpis = monthly_kpis_ibis(path)
    elif engine == "spark":
        import ibis
        from pyspark.sql import SparkSession

        from evaluation.measures.call_logs_ibis import monthly_kpis_ibis

        t1 = time.perf_counter()
        spark = (SparkSession.builder.master("local[2]").appName("evaluation-bench")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false")
                 .config("spark.driver.memory", "2g")
                 .config("spark.sql.warehouse.dir", "/tmp/evaluation-bench-warehouse")
                 .getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        kpis = monthly_kpis_ibis(path, con=ibis.pyspark.connect(spark))
        spark.stop()
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    t2 = time.perf_counter()
    return {"engine": engine, "import_s": t1 - t0,
            "compute_s": t2 - t1, "kpi_rows": len(kpis), "calls": int(kpis["offered"].sum())}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(sys.argv[1], sys.argv[2])) + "\n")
