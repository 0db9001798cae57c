"""The Ibis KPI expression on a local PySpark session gives the pandas KPIs (slow: starts a JVM).

Run with ``.venv/bin/pytest tests/slow/test_spark.py -m slow`` (needs the ``scale`` and ``spark``
extras and Java 17+).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from evaluation.data import loaders
from evaluation.measures import call_handling as ch
from evaluation.measures import call_logs_ibis as ci
from evaluation.sample import synth

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]

ibis = pytest.importorskip("ibis", reason="ibis-framework not installed (extra 'scale')")
pytest.importorskip("pyspark", reason="pyspark not installed (extra 'spark')")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java 17+ on PATH", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "call_logs.parquet"
T = pd.Timestamp
NAT = pd.NaT


@pytest.fixture(scope="module")
def spark_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An Ibis connection to a one-core local Spark session in UTC, stopped afterwards."""
    from pyspark.sql import SparkSession

    warehouse = tmp_path_factory.mktemp("spark-warehouse")
    spark = (SparkSession.builder.master("local[1]").appName("evaluation-kpi-test")
             .config("spark.sql.warehouse.dir", str(warehouse))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", "1g")
             .config("spark.sql.shuffle.partitions", "4")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield ibis.pyspark.connect(spark)
    finally:
        spark.stop()


def _logs() -> pd.DataFrame:
    """101 calls covering every KPI (one received 31 October, answered 1 November; waits with
    fractions of a second) and 999 calls in October and November."""
    rows = [
        ("c1", "101", T("2015-10-05 08:00:00"), T("2015-10-05 08:00:10.250"), NAT, True,
         T("2015-10-05 08:05:10"), False, NAT),
        ("c2", "101", T("2015-10-05 09:00:00"), T("2015-10-05 09:00:40"), NAT, True,
         T("2015-10-05 09:02:20.125"), False, NAT),
        ("c3", "101", T("2015-10-05 10:00:00"), NAT, T("2015-10-05 10:01:00"), False, NAT,
         False, NAT),
        ("c4", "101", T("2015-10-05 11:00:00"), T("2015-10-05 11:00:30.001"), NAT, True, NAT,
         True, T("2015-10-05 11:50:00")),
        ("c5", "101", T("2015-10-05 12:00:00"), T("2015-10-05 12:00:20"), NAT, False, NAT,
         True, T("2015-10-05 14:00:00")),
        ("c6", "101", T("2015-10-05 13:00:00"), T("2015-10-05 13:00:05"), NAT, False, NAT,
         True, NAT),
        ("c7", "101", T("2015-10-31 23:59:59"), T("2015-11-01 00:00:20"), NAT, True,
         T("2015-11-01 00:03:00"), False, NAT),
        ("d1", "999", T("2015-10-06 00:00:00"), T("2015-10-06 00:00:05"), NAT, False, NAT,
         False, NAT),
        ("d2", "999", T("2015-11-01 00:00:00"), T("2015-11-01 00:00:12"), NAT, False, NAT,
         False, NAT),
    ]
    df = pd.DataFrame(rows, columns=["call_id", "line", "received_at", "answered_at",
                                     "abandoned_at", "transferred_to_secondary",
                                     "secondary_answered_at", "callback_requested",
                                     "callback_made_at"])
    for c in ("received_at", "answered_at", "abandoned_at", "secondary_answered_at",
              "callback_made_at"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    return df


def test_spark_kpis_equal_pandas_kpis_on_hand_made_logs(spark_con: Any, tmp_path: Path) -> None:
    path = tmp_path / "calls.parquet"
    _logs().to_parquet(path, index=False, coerce_timestamps="us")
    got = ci.monthly_kpis_ibis(path, con=spark_con)
    pd.testing.assert_frame_equal(got, ch.monthly_kpis(_logs()))


def test_spark_kpis_equal_pandas_with_other_targets_and_callback_limit(
    spark_con: Any, tmp_path: Path,
) -> None:
    path = tmp_path / "calls.parquet"
    _logs().to_parquet(path, index=False, coerce_timestamps="us")
    targets = {"101": 20, "999": 5}
    pd.testing.assert_frame_equal(
        ci.monthly_kpis_ibis(path, targets, callback_within_s=7200, con=spark_con),
        ch.monthly_kpis(_logs(), targets, callback_within_s=7200),
    )


def test_spark_kpis_equal_pandas_kpis_on_the_sample_parquet(spark_con: Any) -> None:
    got = ci.monthly_kpis_ibis(SAMPLE, con=spark_con)
    pd.testing.assert_frame_equal(got, ch.monthly_kpis(loaders.load("call_logs", SAMPLE)))


def test_spark_kpis_equal_duckdb_kpis_on_synthetic_logs_in_two_files(
    spark_con: Any, tmp_path: Path,
) -> None:
    paths = [synth.write_call_logs(tmp_path / "a.parquet", 60_000, seed=1, chunk_rows=25_000),
             synth.write_call_logs(tmp_path / "b.parquet", 40_000, seed=2, start="2013-04-01",
                                   chunk_rows=25_000)]
    spark = ci.monthly_kpis_ibis(paths, con=spark_con)
    pd.testing.assert_frame_equal(spark, ch.monthly_kpis_duckdb(paths))
    assert int(spark["offered"].sum()) == 100_000


def test_spark_kpis_reject_a_line_without_target(spark_con: Any) -> None:
    with pytest.raises(ValueError, match="no answer target given"):
        ci.monthly_kpis_ibis(SAMPLE, {"101": 30}, con=spark_con)


def test_spark_kpis_by_force_equal_duckdb_kpis_by_force(spark_con: Any, tmp_path: Path) -> None:
    both = pd.concat([_logs().assign(force="Essex"),
                      _logs().iloc[[0, 2, 4, 7]].assign(force="Cambridgeshire")],
                     ignore_index=True)
    path = tmp_path / "calls.parquet"
    both.to_parquet(path, index=False, coerce_timestamps="us")
    pd.testing.assert_frame_equal(ci.monthly_kpis_ibis(path, con=spark_con, by=["force"]),
                                  ci.monthly_kpis_ibis(path, by=["force"]))
