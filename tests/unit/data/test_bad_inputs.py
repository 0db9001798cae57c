"""Bad-input corpus: every fault gets a clear error naming file, row and column; nothing escapes.

Scenario files live in tests/data/<dataset>/<NN_case>.csv with the expected report lines in
<NN_case>.expected.txt beside them (an empty file means "loads cleanly").
"""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaluation.data.loaders import DATASETS, SUPPORTING_DATASETS, load, validate_files
from evaluation.errors import DataValidationError

DATA = Path(__file__).parents[2] / "data"
TODAY = date(2019, 6, 30)
SCENARIOS = sorted(
    p for p in DATA.glob("*/*.csv") if p.parent.name in DATASETS + SUPPORTING_DATASETS
)
FILE_LEVEL = ("file is empty", "header row but no records", "cells but the header has")


def _expected(path: Path) -> list[str]:
    return path.with_suffix(".expected.txt").read_text(encoding="utf-8").splitlines()


def _lines(dataset: str, path: Path) -> list[str]:
    return [p.format() for p in validate_files(dataset, [path], today=TODAY).problems]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_report_matches_expected_lines(path: Path) -> None:
    assert _lines(path.parent.name, path) == _expected(path)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_scenario_load_raises_only_validation_error_listing_every_error(path: Path) -> None:
    expected = _expected(path)
    errors = [line for line in expected if line.startswith("ERROR")]
    if errors:
        with pytest.raises(DataValidationError) as info:
            load(path.parent.name, path, today=TODAY)
        text = str(info.value)
        assert all(line in text for line in errors)
        assert len(info.value.report.errors) == len(errors)
    else:
        df = load(path.parent.name, path, today=TODAY)
        assert [p.format() for p in df.attrs["problems"]] == expected


def test_corpus_has_at_least_30_distinct_faults_each_naming_file_row_and_column() -> None:
    faulty = [p for p in SCENARIOS if any(x.startswith("ERROR") for x in _expected(p))]
    assert len(faulty) >= 30
    for path in faulty:
        for line in _expected(path):
            assert path.name in line
            if line.startswith("ERROR") and not any(f in line for f in FILE_LEVEL):
                assert ", row " in line and ", column '" in line, line


def test_every_problem_in_a_file_is_reported_not_only_the_first() -> None:
    path = DATA / "victims_hub" / "12_every_problem_reported.csv"
    report = validate_files("victims_hub", [path], today=TODAY)
    assert [(p.row, p.column) for p in report.errors] == [
        (2, "month"), (3, "referred"), (4, "declined")
    ]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_error_names_the_sheet_row_below_a_title_row(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "hub.xlsx", [
        ["Victims' Hub monthly return"], [],
        ["month", "referred", "contacted", "not_contactable", "supported", "declined"],
        ["2014-10", 420, 340, 80, 260, 50],
        ["2014-11", 400, 430, 0, 250, 60],
    ])
    with pytest.raises(DataValidationError) as info:
        load("victims_hub", path, today=TODAY)
    (err,) = info.value.report.errors
    assert (Path(err.file).name, err.row, err.column) == ("hub.xlsx", 5, "contacted")
    assert "funnel stage grows" in err.message


def test_parquet_text_in_a_count_column_is_reported_with_row(tmp_path: Path) -> None:
    path = tmp_path / "vol.parquet"
    pd.DataFrame({
        "month": ["2016-04", "2016-05"], "special_constables": ["280", "many"],
        "special_hours": [5880.0, 5900.0], "cadet_units": [6, 6], "speedwatch_schemes": [95, 96],
    }).to_parquet(path)
    report = validate_files("volunteers", [path], today=TODAY)
    assert [(p.row, p.column, p.value) for p in report.errors] == [
        (3, "special_constables", "many")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("broken.csv.gz", b"\x1f\x8b\x08\x00garbage", "could not decompress"),
        ("broken.xlsx", b"PK\x03\x04not really a zip", "not a readable Excel workbook"),
        ("broken.parquet", b"PAR1 not parquet", "not a readable Parquet file"),
        ("blank.csv", b"\n\n  \n", "file is empty"),
    ],
)
def test_unreadable_files_give_one_clear_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    report = validate_files("public_contact", [path], today=TODAY)
    assert len(report.errors) == 1
    assert message in report.errors[0].format()
    assert name in report.errors[0].format()
    with pytest.raises(DataValidationError):
        load("public_contact", path, today=TODAY)


def test_gzipped_csv_with_bad_value_reports_row(tmp_path: Path) -> None:
    path = tmp_path / "pc.csv.gz"
    path.write_bytes(gzip.compress(b"month,channel,contacts\n2018-01,999,-3\n"))
    (err,) = validate_files("public_contact", [path], today=TODAY).errors
    assert (err.row, err.column, err.message) == (2, "contacts", "negative value")
