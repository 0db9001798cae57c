"""Home Office outcomes and workforce by force, against the published figures: the 43 forces'
officers sum to England and Wales's published 123,171 FTE at 31 March 2019 (122,404 in 2018),
and Cambridgeshire's 2017/18 charges are 6,614 of the 66,194 crimes it recorded (the same
66,194 as the ONS table for the year ending March 2018)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import homeoffice
from evaluation.errors import DataValidationError
from evaluation.measures import crime

ROOT = Path(__file__).resolve().parents[3]
REAL = ROOT / "data" / "real"
OUTCOMES = REAL / "homeoffice-outcomes-pfa-2017-18" / "prc-outcomes-open-data-2017-18-tidy.csv.gz"
WORKFORCE = REAL / "police-workforce-fte-2015-2019" / "police-workforce-fte-by-year.csv"


def test_charge_rates_by_force() -> None:
    rates = homeoffice.charge_rates(OUTCOMES).set_index("force")
    assert len(rates) == 44  # 43 forces and England and Wales
    cambs = rates.loc["Cambridgeshire"]
    assert (cambs["charged"], cambs["offences"]) == (6614, 66194)
    assert rates.loc["Cumbria", "rate"] == pytest.approx(0.1792, abs=1e-4)  # the highest
    assert rates["rate"].drop("England and Wales").idxmax() == "Cumbria"
    ew = rates.loc["England and Wales"]
    assert ew["offences"] == rates["offences"].drop("England and Wales").sum()


def test_officers_at_31_march_by_force() -> None:
    for year, total in ((2018, 122_404), (2019, 123_171)):
        staff = homeoffice.officers(WORKFORCE, year).set_index("force")
        assert len(staff) == 44
        assert staff.loc["England and Wales", "officers"] == pytest.approx(total, abs=1)
    staff = homeoffice.officers(WORKFORCE, 2019).set_index("force")
    assert staff.loc["Cambridgeshire", "officers"] == pytest.approx(1446.72)
    assert staff.loc["West Midlands", "officers"] == pytest.approx(6494.70)  # not the region
    assert staff.loc["Devon and Cornwall", "officers"] == pytest.approx(2999.74)  # '&' named
    with pytest.raises(DataValidationError, match="no officers for 31 March 2014"):
        homeoffice.officers(WORKFORCE, 2014)


def test_ranks_of_forces_highest_first() -> None:
    rates = homeoffice.charge_rates(OUTCOMES)
    ranked = crime.rank_within(rates, "rate", "Cambridgeshire",
                               ["Cambridgeshire", "Norfolk", "Suffolk"])
    higher = int((rates.loc[rates["force"] != "England and Wales", "rate"]
                  > rates.set_index("force").loc["Cambridgeshire", "rate"]).sum())
    cambs = ranked.loc[ranked["is_force"]].iloc[0]
    assert cambs["rank"] == higher + 1
    assert ranked.attrs["forces"] == 43 and ranked.attrs["peer_count"] == 3


def test_bad_files_name_the_column_and_row(tmp_path: Path) -> None:
    bad = tmp_path / "outcomes.csv"
    bad.write_text("financial_year,force_name,offences\n2017/18,Cambridgeshire,1\n")
    with pytest.raises(DataValidationError, match="missing column"):
        homeoffice.charge_rates(bad)
    wrong = tmp_path / "workforce.csv"
    wrong.write_text("Police force,FTE Count,Year\nGotham City,100,2019\n")
    with pytest.raises(DataValidationError) as err:
        homeoffice.officers(wrong, 2019)
    assert "Gotham City" in str(err.value) and "row 2" in str(err.value).lower()
