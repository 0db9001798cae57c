"""The real police.uk and 360Giving files load as published, with honest warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data.loaders import (
    file_sha256,
    load,
    load_360giving,
    load_policeuk,
    validate_command,
)

SHARED = Path(__file__).parents[3].parent / "shared"
REAL = SHARED / "data" / "real"
pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real data folder {REAL} is absent (shared data not mounted)"
)
STREET = REAL / "policeuk-cambs-street-2018-10-to-2019-02"
OUTCOMES_2019 = REAL / "policeuk-cambs-outcomes-2019-2020"
GRANTS = REAL / "oxford-cc-grants-360giving" / (
    "oxford-city-council-grants-awarded-2014-15-to-2017-18.csv"
)


def _messages(df) -> str:  # noqa: ANN001 - a DataFrame
    return "\n".join(p.format() for p in df.attrs["problems"])


def test_policeuk_street_files_load_with_every_row_and_honest_warnings() -> None:
    files = sorted(STREET.glob("*-street.csv.gz"))
    before = {f: file_sha256(f) for f in files}
    df = load_policeuk(STREET, "street", force="Cambridgeshire")
    assert len(df) == 32_665  # PROVENANCE.md: 6,930 + 6,520 + 6,123 + 6,579 + 6,513
    assert df["Month"].dt.strftime("%Y-%m").value_counts().sort_index().tolist() == [
        6930, 6520, 6123, 6579, 6513
    ]
    text = _messages(df)
    assert "have no location" in text
    assert "outside the force's districts" in text
    assert "anti-social behaviour with no Crime ID" in text
    assert all(p.severity == "warning" for p in df.attrs["problems"])
    assert {f: file_sha256(f) for f in files} == before


def test_policeuk_outcomes_files_load_with_several_outcomes_per_crime_allowed() -> None:
    df = load_policeuk(sorted(OUTCOMES_2019.glob("2019-*-outcomes.csv.gz")), "outcomes")
    assert df["Month"].dt.year.unique().tolist() == [2019]
    assert df["Crime ID"].duplicated().any()
    assert "have no LSOA" in _messages(df)


def test_single_policeuk_file_validates_through_the_command() -> None:
    code, text = validate_command("policeuk_street", [str(STREET /
                                                          "2018-10-cambridgeshire-street.csv.gz")])
    assert code == 0
    assert "0 error(s), 4 warning(s)" in text


def test_360giving_file_loads_in_grants_shape_with_award_year_quirks_warned() -> None:
    df = load_360giving(GRANTS)
    assert len(df) == 105
    assert df["amount_gbp"].sum() == pytest.approx(1_255_243)
    assert set(df["fund"]) == {"Other"}
    text = _messages(df)
    assert "found '2017/19'" in text
    assert "found '`2017/18'" in text
    assert "were awarded in financial year 2013/14" in text
    pd_equal = load("grants_360giving", GRANTS)
    assert pd_equal["grant_id"].tolist() == df["grant_id"].tolist()
