"""The Ibis KPI expression on DuckDB equals the pandas KPIs (hand-made logs and the sample)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import loaders
from evaluation.measures import call_handling as ch
from evaluation.measures import call_logs_ibis as ci

ibis = pytest.importorskip("ibis", reason="ibis-framework not installed (extra 'scale')")
# the libraries' own notices about pandas 4 and DuckDB renames, not ours
pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.filterwarnings("ignore::FutureWarning")]

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample" / "call_logs.parquet"
T = pd.Timestamp
NAT = pd.NaT
COLUMNS = ["call_id", "line", "received_at", "answered_at", "abandoned_at",
           "transferred_to_secondary", "secondary_answered_at", "callback_requested",
           "callback_made_at"]
TIMES = ("received_at", "answered_at", "abandoned_at", "secondary_answered_at",
         "callback_made_at")


def _frame(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    for c in TIMES:
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    df["transferred_to_secondary"] = df["transferred_to_secondary"].astype(bool)
    df["callback_requested"] = df["callback_requested"].astype(bool)
    return df


def _logs() -> pd.DataFrame:
    """101 calls in October 2015 covering every KPI, 999 calls in October and November."""
    return _frame([
        ("c1", "101", T("2015-10-05 08:00:00"), T("2015-10-05 08:00:10"), NAT, True,
         T("2015-10-05 08:05:10"), False, NAT),
        ("c2", "101", T("2015-10-05 09:00:00"), T("2015-10-05 09:00:40"), NAT, True,
         T("2015-10-05 09:02:20"), False, NAT),
        ("c3", "101", T("2015-10-05 10:00:00"), NAT, T("2015-10-05 10:01:00"), False, NAT,
         False, NAT),
        ("c4", "101", T("2015-10-05 11:00:00"), T("2015-10-05 11:00:30"), NAT, True, NAT,
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
    ])


def test_ibis_duckdb_kpis_equal_pandas_kpis_on_hand_made_logs() -> None:
    pd.testing.assert_frame_equal(ci.monthly_kpis_ibis(ibis.memtable(_logs())),
                                  ch.monthly_kpis(_logs()))


def test_ibis_kpis_count_a_call_in_the_month_it_was_received() -> None:
    got = ci.monthly_kpis_ibis(ibis.memtable(_logs()))
    october_101 = got.loc[(got["month"] == T("2015-10-01")) & (got["line"] == "101")]
    # c1-c7 received in October, c7 answered in November
    assert october_101["offered"].tolist() == [7]


def test_ibis_kpis_equal_pandas_with_other_targets_and_callback_limit() -> None:
    targets = {"101": 20, "999": 5}
    pd.testing.assert_frame_equal(
        ci.monthly_kpis_ibis(ibis.memtable(_logs()), targets, callback_within_s=7200),
        ch.monthly_kpis(_logs(), targets, callback_within_s=7200),
    )


def test_ibis_kpis_keep_sub_second_waits_exactly() -> None:
    logs = _logs()
    logs["answered_at"] = logs["answered_at"] + pd.Timedelta(milliseconds=250)
    logs["secondary_answered_at"] = logs["secondary_answered_at"] + pd.Timedelta(microseconds=7)
    got = ci.monthly_kpis_ibis(ibis.memtable(logs))
    pd.testing.assert_frame_equal(got, ch.monthly_kpis(logs))
    # 101 October waits 10, 40, 30, 20, 5, 21 s each + 0.25 s: the 30 s wait now misses
    assert got["answered_within_target"].iloc[0] == 4


def test_ibis_kpis_equal_pandas_kpis_on_the_sample_parquet() -> None:
    pd.testing.assert_frame_equal(ci.monthly_kpis_ibis(SAMPLE),
                                  ch.monthly_kpis(loaders.load("call_logs", SAMPLE)))


def test_ibis_kpis_equal_duckdb_sql_kpis_on_the_sample_parquet() -> None:
    pd.testing.assert_frame_equal(ci.monthly_kpis_ibis(SAMPLE), ch.monthly_kpis_duckdb(SAMPLE))


def test_ibis_kpis_read_several_parquet_files_as_one(tmp_path: Path) -> None:
    logs = _logs()
    logs.iloc[:4].to_parquet(tmp_path / "a.parquet", index=False)
    logs.iloc[4:].to_parquet(tmp_path / "b.parquet", index=False)
    got = ci.monthly_kpis_ibis([tmp_path / "a.parquet", tmp_path / "b.parquet"])
    pd.testing.assert_frame_equal(got, ch.monthly_kpis(logs))


def test_ibis_kpis_on_empty_logs_are_an_empty_kpi_table() -> None:
    got = ci.monthly_kpis_ibis(ibis.memtable(_logs().iloc[:0]))
    pd.testing.assert_frame_equal(got, ch.monthly_kpis(_logs().iloc[:0]))
    assert list(got.columns) == list(ch.KPI_COLUMNS)


def test_ibis_kpis_reject_a_line_without_target() -> None:
    with pytest.raises(ValueError, match=r"no answer target given for line\(s\) \['999'\]"):
        ci.monthly_kpis_ibis(ibis.memtable(_logs()), {"101": 30})


def test_ibis_kpis_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="call log file not found"):
        ci.monthly_kpis_ibis(tmp_path / "nope.parquet")


def test_kpi_expression_compiles_to_exact_percentiles_in_spark_sql() -> None:
    pytest.importorskip("pyspark", reason="pyspark not installed (extra 'spark')")
    ibis.pyspark  # noqa: B018  (loading the backend registers its compiler options)
    sql = ibis.to_sql(ci.kpi_expression(ibis.memtable(_logs())), dialect="pyspark")
    assert "PERCENTILE(" in sql and "APPROX" not in sql.upper()


def test_ibis_kpis_by_force_equal_pandas_kpis_of_each_force() -> None:
    a, b = _logs(), _logs().iloc[[0, 2, 4, 7]]
    both = pd.concat([a.assign(force="Essex"), b.assign(force="Cambridgeshire")],
                     ignore_index=True)
    got = ci.monthly_kpis_ibis(ibis.memtable(both), by=["force"])
    expected = pd.concat([ch.monthly_kpis(b).assign(force="Cambridgeshire"),
                          ch.monthly_kpis(a).assign(force="Essex")], ignore_index=True)
    expected = expected[["force", *ch.KPI_COLUMNS]]
    pd.testing.assert_frame_equal(got, expected)
    assert got["force"].tolist()[:1] == ["Cambridgeshire"]


def test_ibis_kpis_by_an_unknown_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"by: no column\(s\) \['force'\]"):
        ci.monthly_kpis_ibis(ibis.memtable(_logs()), by=["force"])


def test_approximate_quantiles_change_only_the_percentile_columns() -> None:
    exact = ci.monthly_kpis_ibis(SAMPLE)
    approx = ci.monthly_kpis_ibis(SAMPLE, exact_quantiles=False)
    quantiles = ["secondary_wait_median_s", "secondary_wait_p90_s", "callback_median_s"]
    others = [c for c in exact.columns if c not in quantiles]
    pd.testing.assert_frame_equal(approx[others], exact[others])
    # a t-digest sketch: within 2% of the exact percentile on months of ~14,000 waits
    pd.testing.assert_frame_equal(approx[quantiles], exact[quantiles], rtol=0.02)
