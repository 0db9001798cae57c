"""The SYNTHETIC sample generator: deterministic, up to date, and a memory-bounded stream."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluation.sample import synth

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"
LOG_COLUMNS = ["call_id", "line", "received_at", "answered_at", "abandoned_at",
               "transferred_to_secondary", "secondary_answered_at", "callback_requested",
               "callback_made_at", "ended_at"]


@pytest.fixture(scope="module")
def run_a(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return synth.generate_sample(tmp_path_factory.mktemp("a"), seed=2016)


@pytest.fixture(scope="module")
def run_b(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return synth.generate_sample(tmp_path_factory.mktemp("b"), seed=2016)


def test_generate_sample_writes_one_file_per_dataset(run_a: dict[str, Path]) -> None:
    assert set(run_a) == set(synth.DATASETS) | {"call_logs", "README"}
    for name in synth.DATASETS:
        assert run_a[name].name == f"{name}.csv"
    assert run_a["call_logs"].name == "call_logs.parquet"


def test_same_seed_gives_byte_identical_files(run_a: dict[str, Path],
                                              run_b: dict[str, Path]) -> None:
    for name, path in run_a.items():
        assert path.read_bytes() == run_b[name].read_bytes(), name


def test_different_seed_gives_different_data_with_the_same_exact_calibration(
        tmp_path: Path, run_a: dict[str, Path]) -> None:
    other = synth.generate_sample(tmp_path, seed=7)
    assert other["victim_satisfaction"].read_bytes() != run_a["victim_satisfaction"].read_bytes()
    vs = pd.read_csv(other["victim_satisfaction"], dtype=str)
    window = vs[(vs["interview_month"] >= "2014-04") & (vs["interview_month"] <= "2015-03")]
    satisfied = window["whole_experience"].isin(synth.SATISFIED).sum()
    assert (satisfied, len(window)) == (865, 1000)
    contact = pd.read_csv(other["public_contact"], dtype={"month": str})
    online = contact[(contact["channel"] == "online report")
                     & contact["month"].between("2018-01", "2018-03")]
    assert online["contacts"].sum() == 887
    monthly = pd.read_csv(other["call_handling_monthly"], dtype={"month": str, "line": str})
    fy = monthly[(monthly["line"] == "101") & monthly["month"].between("2015-04", "2016-03")]
    assert round(100 * fy["answered_within_target"].sum() / fy["answered"].sum()) == 94


def test_bundled_sample_is_what_the_generator_makes(run_a: dict[str, Path]) -> None:
    for path in run_a.values():
        bundled = SAMPLE / path.name
        if path.suffix == ".parquet":
            assert pq.read_table(bundled).equals(pq.read_table(path))
        else:
            assert bundled.read_bytes() == path.read_bytes(), f"regenerate {bundled}"


def test_csvs_use_contract_formats(run_a: dict[str, Path]) -> None:
    monthly = pd.read_csv(run_a["call_handling_monthly"], dtype=str, keep_default_na=False)
    assert monthly["month"].str.fullmatch(r"\d{4}-\d{2}").all()
    assert set(monthly["line"]) == {"999", "101"}
    assert (monthly.loc[monthly["line"] == "999", "mean_secondary_wait_s"] == "").all()
    corr = pd.read_csv(run_a["correspondence"], dtype=str, keep_default_na=False)
    assert corr["received_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    grants = pd.read_csv(run_a["grants"], dtype=str, keep_default_na=False)
    assert (grants["end_date"] >= grants["start_date"]).all()
    assert set(grants["district"]) <= set(synth.TOWNS.values())


def test_readme_reports_calibration_from_the_data(run_a: dict[str, Path]) -> None:
    text = run_a["README"].read_text(encoding="utf-8")
    assert text.startswith("# SYNTHETIC sample data — not real figures\n")
    assert "| 2018 web chats by quarter 3,966, 3,472, 3,816, 3,882 | 2019 letter, Appendix 1 " \
           "| 3,966, 3,472, 3,816, 3,882 |" in text
    for name in synth.DATASETS:
        assert f"`{name}.csv`" in text


def test_call_logs_slice_has_contract_columns_and_covers_the_reporting_year(
        run_a: dict[str, Path]) -> None:
    logs = pd.read_parquet(run_a["call_logs"])
    assert list(logs.columns) == LOG_COLUMNS
    assert logs["received_at"].min() >= pd.Timestamp("2018-04-01")
    assert logs["received_at"].max() < pd.Timestamp("2019-04-01")
    assert logs["received_at"].dt.to_period("M").nunique() == 12
    answered = logs["answered_at"].notna()
    assert (logs.loc[answered, "answered_at"] >= logs.loc[answered, "received_at"]).all()
    assert not logs.loc[logs["line"] == "999", "transferred_to_secondary"].any()


def test_handle_times_are_right_skewed_around_each_lines_aht(run_a: dict[str, Path]) -> None:
    logs = pd.read_parquet(run_a["call_logs"])
    assert (logs["ended_at"].notna() == logs["answered_at"].notna()).all()  # blank if abandoned
    handle = (logs["ended_at"] - logs["answered_at"]).dt.total_seconds()
    line = logs["line"].astype(str)
    for name, aht in (("101", 420.0), ("999", 200.0)):
        h = handle[(line == name) & handle.notna()]
        assert h.min() >= 20 and (h % 1 == 0).all()
        assert h.mean() == pytest.approx(aht, rel=0.02)
        assert h.median() < h.mean()  # right-skewed
        assert (h < 0.1 * aht).mean() < 0.03  # mode above zero (exponential: 9.5 %)
    hour = logs["received_at"].dt.hour
    night = handle[(line == "101") & hour.between(1, 5)].mean()
    afternoon = handle[(line == "101") & hour.between(13, 17)].mean()
    assert 1.05 < night / afternoon < 1.25  # the mild time-of-day effect


def test_rota_is_a_typical_2018_19_week_and_delays_keep_the_2015_16_week() -> None:
    from evaluation.sample import calls

    for model in calls._LINES:
        rota, _ = calls._rota(model, calls.ROTA_YEAR)
        assert calls._rota(model)[0].tolist() == calls._rota(model, calls.DELAY_YEAR)[0].tolist()
        written = pd.read_csv(SAMPLE / "call_handler_rota.csv", dtype={"line": str})
        mine = written[written["line"] == model.line]["handlers_on_shift"].to_numpy()
        assert mine.tolist() == rota.reshape(-1).tolist()
    assert calls.LOG_SLICE == calls.ROTA_YEAR


def test_erlang_c_matches_textbook_value() -> None:
    # two erlangs on three agents: P(wait) = 4/9
    assert synth._erlang_c(2.0, 3) == pytest.approx(4 / 9)
    assert synth._erlang_c(3.0, 3) == 1.0


def test_required_agents_meets_the_service_level() -> None:
    n = synth._required_agents(120.0, 180.0, 20.0, 0.8)
    a = 120.0 * 180.0 / 3600.0

    def level(agents: int) -> float:
        return 1 - synth._erlang_c(a, agents) * math.exp(-(agents - a) * 20.0 / 180.0)

    assert level(n) >= 0.8 > level(n - 1)


def test_split_exact_sums_to_total() -> None:
    rng = np.random.default_rng(0)
    parts = synth._split_exact(rng, 1529, np.array([31.0, 30.0, 31.0]))
    assert parts.sum() == 1529 and (parts >= 0).all()


def test_write_call_logs_row_count_schema_and_row_groups(tmp_path: Path) -> None:
    path = synth.write_call_logs(tmp_path / "calls.parquet", n_calls=25_000, seed=3,
                                 start="2016-01-01", chunk_rows=10_000)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 25_000
    assert meta.num_row_groups == 3
    table = pq.read_table(path)
    assert table.column_names == LOG_COLUMNS
    assert table.schema.field("received_at").type == pa.timestamp("ms")
    df = table.to_pandas()
    assert df["call_id"].is_unique
    assert df["received_at"].min() >= pd.Timestamp("2016-01-01")
    assert df["received_at"].is_monotonic_increasing
    assert (df["answered_at"].notna() ^ df["abandoned_at"].notna()).all()
    assert (df["ended_at"].notna() == df["answered_at"].notna()).all()
    assert (df["ended_at"] - df["answered_at"]).dt.total_seconds().min() >= 20
    assert set(df["line"].astype(str)) == {"999", "101"}
    assert not (df["secondary_answered_at"].notna() & ~df["transferred_to_secondary"]).any()


def test_write_call_logs_is_deterministic(tmp_path: Path) -> None:
    a = synth.write_call_logs(tmp_path / "a.parquet", n_calls=3_000, seed=5, chunk_rows=1_000)
    b = synth.write_call_logs(tmp_path / "b.parquet", n_calls=3_000, seed=5, chunk_rows=1_000)
    assert pq.read_table(a).equals(pq.read_table(b))


def test_handle_times_do_not_change_the_other_streamed_columns(tmp_path: Path) -> None:
    # the first rows of a stream of seed 5 as written before ended_at existed
    path = synth.write_call_logs(tmp_path / "s.parquet", n_calls=4, seed=5, start="2016-01-01")
    df = pq.read_table(path).to_pandas()
    got = [[str(v) for v in r] for r in df[["received_at", "answered_at", "abandoned_at"]]
           .itertuples(index=False)]
    assert got == [
        ["2016-01-01 00:06:18", "NaT", "2016-01-01 00:07:35"],
        ["2016-01-01 00:06:35", "2016-01-01 00:06:37", "NaT"],
        ["2016-01-01 00:06:53", "2016-01-01 00:06:55", "NaT"],
        ["2016-01-01 00:11:44", "2016-01-01 00:11:49", "NaT"],
    ]
    assert df["ended_at"].isna().tolist() == [True, False, False, False]


def _peak_bytes(path: Path, n_calls: int, chunk_rows: int) -> int:
    tracemalloc.start()
    try:
        synth.write_call_logs(path, n_calls=n_calls, seed=1, chunk_rows=chunk_rows)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_write_call_logs_memory_is_bounded_by_chunk_not_total(tmp_path: Path) -> None:
    synth.write_call_logs(tmp_path / "warm.parquet", n_calls=100, seed=1)  # caches, imports
    small_chunks = _peak_bytes(tmp_path / "small.parquet", 120_000, 4_000)
    one_chunk = _peak_bytes(tmp_path / "big.parquet", 120_000, 120_000)
    assert small_chunks * 5 < one_chunk


def test_write_call_logs_rejects_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chunk_rows"):
        synth.write_call_logs(tmp_path / "x.parquet", n_calls=10, chunk_rows=0)


def test_main_writes_the_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[Path, int]] = []
    monkeypatch.setattr(synth, "generate_sample",
                        lambda out, seed: seen.append((out, seed)) or {})
    synth.main(str(tmp_path), 11)
    assert seen == [(tmp_path, 11)]
