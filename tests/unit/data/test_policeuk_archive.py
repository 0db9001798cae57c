"""Importing one force's months from a data.police.uk archive, built here from the shipped
files (the real Cambridgeshire months of 2024, unchanged inside a zip laid out as the site's
download)."""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import policeuk_archive as pa
from evaluation.errors import DataValidationError, EvaluationError

ROOT = Path(__file__).resolve().parents[3]
REAL = ROOT / "data" / "real" / "policeuk-cambs-2024"


def _archive(path: Path, months=("2024-01", "2024-02", "2024-03"), extra: dict | None = None
             ) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as book:
        for month in months:
            for kind in ("street", "outcomes"):
                src = REAL / kind / f"{month}-cambridgeshire-{kind}.csv.gz"
                book.writestr(f"{month}/{month}-cambridgeshire-{kind}.csv",
                              gzip.decompress(src.read_bytes()))
        for name, data in (extra or {}).items():
            book.writestr(name, data)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_one_forces_months_are_copied_unchanged_and_checked(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "police.zip", extra={
        "2024-01/2024-01-norfolk-street.csv": "Crime ID,Month\n"})  # another force: left out
    before = _sha(archive)
    done = pa.import_archive(archive, "Cambridgeshire", ["2024-01", "2024-02"], tmp_path / "out")
    assert [p.name for p in done.files["street"]] == [
        "2024-01-cambridgeshire-street.csv.gz", "2024-02-cambridgeshire-street.csv.gz"]
    assert set(done.files) == {"street", "outcomes"}
    # byte-identical to the published files once decompressed
    for p in done.files["street"]:
        original = gzip.decompress((REAL / "street" / p.name).read_bytes())
        assert gzip.decompress(p.read_bytes()) == original
    expected_rows = sum(len(pd.read_csv(REAL / "street" / f"{m}-cambridgeshire-street.csv.gz"))
                        for m in ("2024-01", "2024-02"))
    assert done.rows["street"] == expected_rows
    assert _sha(archive) == before  # the archive is only read
    assert not any(p.name.startswith(".out.import") for p in tmp_path.iterdir())


def test_the_command_line_imports_and_reports(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "police.zip")
    proc = subprocess.run(
        [sys.executable, "-m", "evaluation.cli", "import", "policeuk", str(archive),
         "--force", "cambridgeshire", "--months", "2024-01:2024-03", "--out",
         str(tmp_path / "cambs")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "street: 3 files" in proc.stdout and "outcomes: 3 files" in proc.stdout
    assert len(list((tmp_path / "cambs" / "street").glob("*.csv.gz"))) == 3


def test_bad_archives_get_one_message_and_leave_nothing(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "police.zip")
    out = tmp_path / "out"
    with pytest.raises(DataValidationError) as err:
        pa.import_archive(archive, "Cambridgeshire", ["2023-12", "2024-01"], out)
    assert "no street file for 2023-12" in str(err.value)
    assert "2024-01 to 2024-03" in str(err.value)
    with pytest.raises(DataValidationError) as err:
        pa.import_archive(archive, "Norfolk", ["2024-01"], out)
    assert "no files for Norfolk" in str(err.value) and "Cambridgeshire" in str(err.value)
    with pytest.raises(ValueError, match="Did you mean 'Cambridgeshire'"):
        pa.import_archive(archive, "Cambridgshire", ["2024-01"], out)
    not_zip = tmp_path / "download.zip"
    not_zip.write_text("<html>rate limited</html>")
    with pytest.raises(DataValidationError, match="not a readable zip archive"):
        pa.import_archive(not_zip, "Cambridgeshire", ["2024-01"], out)
    assert not out.exists()


def test_the_pre_2013_layout_and_another_forces_rows_are_refused(tmp_path: Path) -> None:
    old = _archive(tmp_path / "old.zip", months=(), extra={
        "2012-10/2012-10-cambridgeshire-street.csv":
            "Crime ID,Month,Reported by,Falls within,Easting,Northing,Location,Crime type,"
            "Context\n,2012-10,Cambridgeshire Constabulary,Cambridgeshire Constabulary,"
            "545000,258000,On or near High Street,Burglary,\n"})
    with pytest.raises(DataValidationError) as err:
        pa.import_archive(old, "Cambridgeshire", ["2012-10"], tmp_path / "out")
    assert "pre-2013 layout (Easting, Northing" in str(err.value)
    assert "2012-10/2012-10-cambridgeshire-street.csv" in str(err.value)
    # a file named for the force that holds another force's rows is not imported
    norfolk = gzip.decompress((REAL / "street" / "2024-01-cambridgeshire-street.csv.gz")
                              .read_bytes())
    swapped = _archive(tmp_path / "swapped.zip", months=(), extra={
        "2024-01/2024-01-norfolk-street.csv": norfolk})
    with pytest.raises(DataValidationError, match="not Norfolk"):
        pa.import_archive(swapped, "Norfolk", ["2024-01"], tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_months_and_slugs() -> None:
    assert pa.month_range("2018-10:2019-03") == ["2018-10", "2018-11", "2018-12", "2019-01",
                                                 "2019-02", "2019-03"]
    assert pa.month_range("2019-01") == ["2019-01"]
    with pytest.raises(EvaluationError, match="not YYYY-MM"):
        pa.month_range("2019-03:2018-10")
    assert pa.slug("Devon & Cornwall") == "devon-and-cornwall"
    assert pa.slug("City of London") == "city-of-london"
    assert pa.slug("Metropolitan Police") == "metropolitan"
