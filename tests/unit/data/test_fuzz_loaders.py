"""Fuzzing the loaders: whatever the bytes or cells, only a validation error or a frame."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.data.loaders import load, validate_files
from evaluation.data.schemas import SCHEMAS
from evaluation.errors import DataValidationError, ProblemReport

FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _check(dataset: str, name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        report = validate_files(dataset, [path], today=date(2019, 6, 30))
        assert isinstance(report, ProblemReport)
        try:
            df = load(dataset, path, today=date(2019, 6, 30))
        except DataValidationError as exc:
            assert not exc.report.ok
            assert report.errors
        else:
            assert isinstance(df, pd.DataFrame)
            assert report.ok
            assert list(df.columns) == list(SCHEMAS[dataset].columns)


@FUZZ
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".csv", ".csv.gz", ".xlsx",
                                                              ".parquet", ".txt"]))
def test_arbitrary_bytes_give_only_a_validation_error(data: bytes, suffix: str) -> None:
    _check("victims_hub", f"fuzz{suffix}", data)


CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "-1", "2015-04", "2015-04-01 08:00:00", "true", "1e400", "nan",
                     "1,000", "999", "101", " 12 ", "2015-02-30", "9999-12"]),
    st.integers(min_value=-10**20, max_value=10**20).map(str),
)


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="surrogatepass")


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=6, max_size=6), max_size=5))
def test_arbitrary_cells_in_victims_hub_give_only_a_validation_error(
    rows: list[list[str]],
) -> None:
    _check("victims_hub", "hub.csv", _csv(list(SCHEMAS["victims_hub"].columns), rows))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=9, max_size=9), max_size=4))
def test_arbitrary_cells_in_call_logs_give_only_a_validation_error(rows: list[list[str]]) -> None:
    _check("call_logs", "calls.csv", _csv(list(SCHEMAS["call_logs"].columns), rows))


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=12, max_size=12), max_size=4))
def test_arbitrary_cells_in_policeuk_street_give_only_a_validation_error(
    rows: list[list[str]],
) -> None:
    _check("policeuk_street", "street.csv", _csv(list(SCHEMAS["policeuk_street"].columns), rows))
