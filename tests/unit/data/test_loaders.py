"""Loaders: typed frames from CSV, XLSX, Parquet; warnings kept; raw files never modified."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaluation.data import checks
from evaluation.data.loaders import (
    DATASETS,
    SUPPORTING_DATASETS,
    RowNumbers,
    file_sha256,
    load,
    load_360giving,
    load_policeuk,
    validate_command,
    validate_files,
)
from evaluation.errors import DataValidationError, EvaluationError

DATA = Path(__file__).parents[2] / "data"
TODAY = date(2019, 6, 30)
HUB = DATA / "victims_hub" / "00_valid.csv"


def _expected_hub() -> pd.DataFrame:
    return pd.DataFrame({
        "month": pd.to_datetime(["2014-10-01", "2014-11-01"]).astype("datetime64[ns]"),
        "referred": [420, 400], "contacted": [340, 330], "not_contactable": [80, 70],
        "supported": [260, 250], "declined": [50, 60],
    }).astype({c: "int64" for c in ("referred", "contacted", "not_contactable", "supported",
                                    "declined")})


def test_load_returns_typed_frame_with_months_as_first_of_month_timestamps() -> None:
    df = load("victims_hub", HUB, today=TODAY)
    pd.testing.assert_frame_equal(df, _expected_hub())
    assert df.attrs["problems"] == []
    assert df.attrs["sha256"] == {str(HUB): file_sha256(HUB)}


def test_xlsx_with_title_row_loads_like_the_csv(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Victims' Hub - monthly return (synthetic)"])
    sheet.append(["month", "referred", "contacted", "not_contactable", "supported", "declined"])
    sheet.append(["2014-10", 420, 340, 80, 260, 50])
    sheet.append([pd.Timestamp("2014-11-01").to_pydatetime(), 400, 330, 70, 250, 60])
    path = tmp_path / "hub.xlsx"
    book.save(path)
    df = load("victims_hub", path, today=TODAY)
    pd.testing.assert_frame_equal(df, _expected_hub())
    assert "header is row 2" in df.attrs["problems"][0].message
    # the records sit on spreadsheet rows 3 and 4, kept as a compact int32 array
    rows = df.attrs["row_numbers"]
    assert rows.values.dtype == np.int32 and list(rows) == [3, 4]


def test_loaded_frames_with_row_numbers_can_be_concatenated() -> None:
    # pandas compares attrs with == when concatenating: the row numbers must compare whole
    first, second = load("victims_hub", HUB, today=TODAY), load("victims_hub", HUB, today=TODAY)
    both = pd.concat([first, second], ignore_index=True)
    assert len(both) == 2 * len(first)
    assert RowNumbers([3, 4]) == RowNumbers(np.array([3, 4])) != RowNumbers([3, 5])


def test_reconcile_names_the_spreadsheet_row_kept_by_the_loader() -> None:
    contact = pd.DataFrame({"month": pd.to_datetime(["2015-04-01", "2015-05-01"]),
                            "channel": ["101", "101"], "contacts": [30012, 29000]})
    contact.attrs["row_numbers"] = RowNumbers([3, 7])
    monthly = pd.DataFrame({"month": pd.to_datetime(["2015-04-01", "2015-05-01"]),
                            "line": ["101", "101"], "offered": [30012, 30000]})
    (problem,) = checks.reconcile_public_contact(contact, monthly)
    assert (problem.row, problem.value) == (7, 29000)


def test_parquet_and_gzipped_csv_load_like_the_csv(tmp_path: Path) -> None:
    raw = pd.read_csv(HUB, dtype=str)
    raw.to_parquet(tmp_path / "hub.parquet")
    gz = tmp_path / "hub.csv.gz"
    pd.read_csv(HUB).to_csv(gz, index=False, compression="gzip")
    for path in (tmp_path / "hub.parquet", gz):
        pd.testing.assert_frame_equal(load("victims_hub", path, today=TODAY), _expected_hub())


def test_windows_1252_file_is_read_with_a_warning() -> None:
    df = load("grants", DATA / "grants" / "06_windows_1252.csv", today=TODAY)
    assert df.loc[0, "recipient"] == "Café Club £"
    assert "not UTF-8" in df.attrs["problems"][0].message


def test_utf8_bom_does_not_spoil_the_first_column_name() -> None:
    df = load("call_handling_monthly", DATA / "call_handling_monthly" / "07_utf8_bom.csv")
    assert list(df.columns)[0] == "month"
    assert df.attrs["problems"] == []


def test_months_outside_the_reporting_period_are_a_logged_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="evaluation.data.loaders"):
        df = load("victims_hub", HUB, period_start=date(2014, 11, 1),
                  period_end=date(2015, 3, 31), today=TODAY)
    (warning,) = df.attrs["problems"]
    assert (warning.severity, warning.row, warning.column) == ("warning", 2, "month")
    assert "1 row(s) outside the reporting period" in warning.message
    assert "outside the reporting period" in caplog.text


def test_loading_never_modifies_the_raw_files(tmp_path: Path) -> None:
    pd.read_csv(HUB, dtype=str).to_parquet(tmp_path / "victims_hub.parquet")
    files = [p for p in DATA.glob("*/*.csv") if p.parent.name in DATASETS + SUPPORTING_DATASETS]
    files.append(tmp_path / "victims_hub.parquet")
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    for p in files:
        validate_files(p.parent.name if p.suffix == ".csv" else "victims_hub", [p])
        with contextlib.suppress(DataValidationError):
            load(p.parent.name if p.suffix == ".csv" else "victims_hub", p, today=TODAY)
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    assert after == before


def test_validate_command_exits_1_on_errors_and_0_on_warnings_only() -> None:
    bad = str(DATA / "victims_hub" / "03_funnel_stage_growing.csv")
    warn = str(DATA / "call_handling_monthly" / "05_extra_column_warning.csv")
    code, text = validate_command("victims_hub", [bad])
    assert code == 1 and "FAILED" in text and "row 3, column 'contacted'" in text
    code, text = validate_command("call_handling_monthly", [warn])
    assert code == 0 and "WARNING" in text and "0 error(s), 1 warning(s) in total" in text


def test_unknown_dataset_is_a_clear_message_not_a_traceback() -> None:
    code, text = validate_command("victim_hub", [str(HUB)])
    assert code == 1 and "did you mean 'victims_hub'" in text
    with pytest.raises(EvaluationError, match="unknown dataset"):
        load("victim_hub", HUB)


def test_file_sha256_matches_hashlib() -> None:
    assert file_sha256(HUB) == hashlib.sha256(HUB.read_bytes()).hexdigest()


def test_percentages_within_rounding_pass_and_outside_fail() -> None:
    ok = pd.DataFrame({"percent": [33.3, 33.3, 33.3]}, index=[2, 3, 4])
    bad = pd.DataFrame({"percent": [33.3, 33.3, 33.0]}, index=[2, 3, 4])
    assert checks.percentages_sum_to_100(ok, "f.csv") == []
    (problem,) = checks.percentages_sum_to_100(bad, "f.csv")
    assert (problem.row, problem.column, problem.value) == (4, "percent", "99.6")


def test_reconcile_call_logs_flags_monthly_figures_that_disagree() -> None:
    logs = pd.DataFrame({
        "call_id": ["a", "b", "c"], "line": ["101"] * 3,
        "received_at": pd.to_datetime(["2015-04-01 08:00"] * 3),
        "answered_at": pd.to_datetime(["2015-04-01 08:00:20", None, "2015-04-01 08:00:50"]),
        "abandoned_at": pd.to_datetime([None, "2015-04-01 08:01", None]),
        "transferred_to_secondary": [True, False, False],
    })
    monthly = pd.DataFrame({
        "month": pd.to_datetime(["2015-04-01"]), "line": ["101"], "offered": [3],
        "answered": [2], "abandoned": [1], "transferred_to_secondary": [2],
    })
    (problem,) = checks.reconcile_call_logs(logs, monthly, monthly_file="m.csv")
    assert (problem.row, problem.column, problem.value) == (2, "transferred_to_secondary", 2)


def test_call_logs_without_ended_at_still_load_with_it_blank() -> None:
    # an older extract: the nine columns before handle times were recorded
    old = DATA / "call_logs" / "00_no_handle_times.csv"
    assert "ended_at" not in old.read_text(encoding="utf-8").splitlines()[0]
    df = load("call_logs", old, today=TODAY)
    assert "ended_at" in df.columns and df["ended_at"].isna().all()
    assert str(df["ended_at"].dtype) == "datetime64[ns]"


def test_ended_at_check_names_row_and_column_and_skips_frames_without_it() -> None:
    t = pd.to_datetime
    logs = pd.DataFrame({
        "call_id": ["a", "b", "c", "d"], "line": ["101", "101", "999", "999"],
        "received_at": t(["2018-04-01 08:00:00"] * 4),
        "answered_at": t(["2018-04-01 08:00:20", "2018-04-01 08:00:30", None,
                          "2018-04-01 08:00:05"]),
        "abandoned_at": t([None, None, "2018-04-01 08:01:00", None]),
        "transferred_to_secondary": [False] * 4, "secondary_answered_at": t([None] * 4),
        "callback_requested": [False] * 4, "callback_made_at": t([None] * 4),
        "ended_at": t(["2018-04-01 08:07:20", "2018-04-01 08:00:10", "2018-04-01 08:02:00",
                       None]),
    }, index=[2, 3, 4, 5])
    problems = checks.cross_field_checks("call_logs", logs, "logs.csv")
    assert [(p.row, p.column, p.message) for p in problems] == [
        (3, "ended_at", "call ended before it was answered"),
        (4, "ended_at", "ended_at is filled in but the call was abandoned"),
    ]
    assert checks.cross_field_checks("call_logs", logs.drop(columns="ended_at"), "f") == []


def test_reconcile_public_contact_warns_when_calls_differ() -> None:
    contact = pd.DataFrame({"month": pd.to_datetime(["2015-04-01", "2015-04-01"]),
                            "channel": ["101", "email"], "contacts": [30000, 50]})
    monthly = pd.DataFrame({"month": pd.to_datetime(["2015-04-01"]), "line": ["101"],
                            "offered": [30012]})
    (problem,) = checks.reconcile_public_contact(contact, monthly)
    assert (problem.severity, problem.row, problem.value) == ("warning", 2, 30000)


def test_load_360giving_maps_fields_and_programme_to_fund(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text(
        "Identifier,Title,Recipient Org:Name,Amount Awarded,Currency,Award Date,"
        "Planned Dates:Start Date,Planned Dates:End Date,Beneficiary Location:Name,"
        "Grant Programme:Title,Award Year\n"
        "360G-A-1,Grant to A,Club A,1500,GBP,2016-05-01,2016-06-01,2017-03-31,Fenland,"
        "Youth Fund,2016/17\n"
        "360G-A-2,Grant to B,Trust B,900,GBP,2016-05-02,2016-06-01,2017-03-31,Cambridge,"
        "Road safety,2017/19\n", encoding="utf-8")
    df = load_360giving(path, today=TODAY)
    assert df[["grant_id", "fund", "recipient", "district", "amount_gbp"]].values.tolist() == [
        ["360G-A-1", "Youth Fund", "Club A", "Fenland", 1500.0],
        ["360G-A-2", "Other", "Trust B", "Cambridge", 900.0],
    ]
    assert df.loc[1, "end_date"] == pd.Timestamp("2017-03-31")
    messages = [p.format() for p in df.attrs["problems"]]
    assert any("row 3, column 'Award Year'" in m and "2017/19" in m for m in messages)
    assert any("'Road safety' mapped to fund 'Other'" in m for m in messages)


def test_load_policeuk_concatenates_monthly_files_exactly_as_published(tmp_path: Path) -> None:
    head = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
            "LSOA name,Outcome type\n")
    force = "Cambridgeshire Constabulary"
    (tmp_path / "2019-01-cambridgeshire-outcomes.csv").write_text(
        head + f"aa,2019-01,{force},{force},0.1,52.2,On or near X,E01,Fenland 001A,Charged\n")
    (tmp_path / "2019-02-cambridgeshire-outcomes.csv").write_text(
        head + f"aa,2019-02,{force},{force},,,No location,,,Court result\n")
    df = load_policeuk(tmp_path, "outcomes", force="Cambridgeshire", today=TODAY)
    assert list(df.columns) == head.strip().split(",")
    assert df["Month"].dt.strftime("%Y-%m").tolist() == ["2019-01", "2019-02"]
    assert df["Crime ID"].tolist() == ["aa", "aa"]
    (warning, *_) = df.attrs["problems"]
    assert "no location" in warning.message and warning.row == 2


def test_a_policeuk_month_of_another_force_is_an_error_not_counted(tmp_path: Path) -> None:
    """A month of another force dropped into the folder was counted as this force's crime,
    with only a warning (reliability issue): it is now an error naming the file."""
    import gzip
    import shutil

    from evaluation.data import loaders

    street = (Path(__file__).resolve().parents[3] / "data" / "real" / "policeuk-cambs-2024"
              / "street")
    shutil.copy(street / "2024-01-cambridgeshire-street.csv.gz", tmp_path)
    raw = (street / "2024-02-cambridgeshire-street.csv.gz").read_bytes()
    text = gzip.decompress(raw).decode()
    (tmp_path / "2024-02-norfolk-street.csv").write_text(
        text.replace("Cambridgeshire Constabulary", "Norfolk Constabulary"))
    with pytest.raises(DataValidationError,
                       match=r"2024-02-norfolk-street.csv, column 'Falls within': this file is "
                             r"police.uk data of Norfolk Constabulary, not Cambridgeshire"):
        loaders.load_policeuk(tmp_path, "street", force="Cambridgeshire")
    both = loaders.load_policeuk(tmp_path, "street", force="Cambridgeshire",
                                 allow_other_forces=True)
    assert set(both["Falls within"].dropna()) == {"Cambridgeshire Constabulary",
                                                  "Norfolk Constabulary"}
