"""The ONS Police Force Area data tables: editions, recorded crime, the Crime Survey's ASB.

Reference values are ONS's own, read off the published workbooks (and their PROVENANCE
notes): Cambridgeshire 64,752 crimes excluding fraud in the year ending March 2019, 76.4 per
1,000 against 89.5 for England and Wales; the year before 66,194 and 78.7 against 83.5; the
Crime Survey's anti-social behaviour measure 37.4% (626 adults) against 37.8%.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaluation.data import ons_pfa
from evaluation.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[3]
ONS = ROOT / "data" / "real" / "ons-pfa-tables-2018-2019"


def test_editions_are_read_from_the_notes_sheet_and_chosen_by_the_periods_end() -> None:
    found = ons_pfa.editions(ONS)
    assert [e.label for e in found] == [
        f"year ending {m}" for m in ("March 2018", "June 2018", "September 2018",
                                     "December 2018", "March 2019", "June 2019",
                                     "September 2019", "December 2019")]
    assert ons_pfa.edition_for(ONS, "2019-03-31").label == "year ending March 2019"
    # a period ending in February uses the latest edition before it, never a later one
    assert ons_pfa.edition_for(ONS, "2019-02-28").label == "year ending December 2018"
    # the Crime Survey's table is only in the March editions
    assert ons_pfa.edition_for(ONS, "2019-12-31", "Table P6").label == "year ending March 2019"
    before = ons_pfa.year_before(ONS, ons_pfa.edition_for(ONS, "2019-03-31"))
    assert before is not None and before.label == "year ending March 2018"
    with pytest.raises(DataValidationError, match="no edition of the ONS PFA tables"):
        ons_pfa.edition_for(ONS, "2017-12-31")
    # a paper for 2015 gets no figure from a later year, and says so
    assert ons_pfa.edition_for(ONS, "2015-12-31", missing_ok=True) is None
    from evaluation.report.chapters.crime import no_edition_note

    note = no_edition_note(found, "2015-12-31")
    assert note.startswith("Not available for this period: the bundled ONS police force area "
                           "tables begin with the year ending March 2018, after the period "
                           "ending December 2015")


def test_recorded_crime_matches_the_published_tables() -> None:
    now = ons_pfa.recorded_crime(ons_pfa.edition_for(ONS, "2019-03-31"))
    assert (now["level"] == "force").sum() == 43
    cambs = now.loc[now["name"] == "Cambridgeshire"].iloc[0]
    assert cambs["code"] == "E23000023" and cambs["region"] == "East"
    assert cambs["offences"] == 64752 and cambs["population"] == 847200
    assert cambs["rate_per_1000"] == pytest.approx(76.435, abs=0.001)
    ew = now.loc[now["level"] == "country"].iloc[0]
    assert ew["name"] == "ENGLAND AND WALES"  # the footnote digit glued to it is gone
    assert ew["offences"] == 5257081 and ew["rate_per_1000"] == pytest.approx(89.49, abs=0.01)
    # England and Wales is the 43 forces plus British Transport Police
    btp = now.loc[now["name"] == "British Transport Police", "offences"].iloc[0]
    assert now.loc[now["level"] == "force", "offences"].sum() + btp == ew["offences"]
    # the row in the workbook, for messages
    assert cambs["sheet_row"] == 37
    before = ons_pfa.recorded_crime(ons_pfa.edition_for(ONS, "2018-03-31"))
    cambs_before = before.loc[before["name"] == "Cambridgeshire"].iloc[0]
    assert cambs_before["offences"] == 66194
    assert cambs_before["rate_per_1000"] == pytest.approx(78.68, abs=0.01)


def test_the_crime_surveys_asb_measure_keeps_onss_flags() -> None:
    asb = ons_pfa.asb_survey(ons_pfa.edition_for(ONS, "2019-03-31", "Table P6"))
    assert (asb["level"] == "force").sum() == 42  # the Met and the City are one unit
    cambs = asb.loc[asb["name"] == "Cambridgeshire"].iloc[0]
    assert cambs["percent"] == pytest.approx(37.44, abs=0.01) and cambs["base"] == 626
    assert not cambs["different_from_ew"] and cambs["change_on_year"] == ""
    # 13 asterisks in the column, one of them London's region row (the same unit as the Met)
    assert asb["different_from_ew"].sum() == 13
    assert asb.loc[asb["level"] == "force", "different_from_ew"].sum() == 12
    ew = asb.loc[asb["level"] == "country"].iloc[0]
    assert ew["percent"] == pytest.approx(37.79, abs=0.01) and ew["change_on_year"] == "up"


def test_an_edition_without_the_survey_table_says_so() -> None:
    december = ons_pfa.edition_for(ONS, "2019-12-31")
    with pytest.raises(DataValidationError) as err:
        ons_pfa.asb_survey(december)
    text = str(err.value)
    assert "pfatablesdec19.xlsx" in text and "Table P6" in text and "Knife" in text
    assert "March editions" in text


def _workbook(path: Path, rows: list[list[object]], title: str = "Crime in England & Wales, "
              "year ending March 2019 - PFA tables") -> Path:
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Notes"
    notes["A1"] = title
    sheet = book.create_sheet("Table P1 ")
    for r in rows:
        sheet.append(r)
    book.create_sheet("Table P3")
    book.save(path)
    return path


def test_a_workbook_without_the_ons_heading_row_names_the_sheet(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "moved.xlsx", [["Title"], [], ["Code", "Name", "Total"],
                                               ["E23000023", "Cambridgeshire", 64752]])
    edition = ons_pfa.edition_of(path)
    assert edition.label == "year ending March 2019"
    before = path.read_bytes()
    with pytest.raises(DataValidationError) as err:
        ons_pfa.recorded_crime(edition)
    assert "moved.xlsx" in str(err.value) and "sheet 'Table P1'" in str(err.value)
    assert "'Area Code'" in str(err.value)
    assert path.read_bytes() == before  # the input is never changed


def test_bad_workbooks_get_one_message_each(tmp_path: Path) -> None:
    text = tmp_path / "not-a-workbook.xlsx"
    text.write_text("area,crimes\n")
    with pytest.raises(DataValidationError, match="not a readable Excel workbook"):
        ons_pfa.edition_of(text)
    untitled = _workbook(tmp_path / "untitled.xlsx", [], title="Some other table")
    with pytest.raises(DataValidationError, match="names no 'year ending"):
        ons_pfa.edition_of(untitled)
    # a count that is not a number, nor an ONS marker
    rows = [["t"], [], [], [], ["Area Code", "Area Name", "Total"], [],
            ["K04000001", "ENGLAND AND WALES6", "lots"]]
    bad = _workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(DataValidationError) as err:
        ons_pfa.recorded_crime(ons_pfa.edition_of(bad))
    assert "not a number" in str(err.value) and "lots" in str(err.value)


def test_two_workbooks_of_one_edition_are_refused(tmp_path: Path) -> None:
    src = ONS / "policeforceareatablesyeendingmarch2019.xlsx"
    for name in ("a.xlsx", "b.xlsx"):
        (tmp_path / name).write_bytes(src.read_bytes())
    with pytest.raises(DataValidationError, match="the same edition"):
        ons_pfa.editions(tmp_path)
    assert pd.Series([p.name for p in tmp_path.iterdir()]).size == 2


def test_the_list_of_forces_is_the_one_in_every_edition() -> None:
    for edition in ons_pfa.editions(ONS):
        table = ons_pfa.recorded_crime(edition)
        names = table.loc[table["level"] == "force", "name"]  # spelling varies by edition
        assert tuple(ons_pfa.territorial_force(n) for n in names) == \
            ons_pfa.TERRITORIAL_FORCES, edition.label
    assert ons_pfa.territorial_force("devon & cornwall police") == "Devon and Cornwall"
    assert ons_pfa.territorial_force("City of London") == "London, City of"
    with pytest.raises(ValueError, match="Did you mean 'South Wales'"):
        ons_pfa.territorial_force("South Wale")


def test_no_edition_published_after_the_papers_date_is_used() -> None:
    # a paper of 30 April 2019 could have the year ending December 2018 (published 25 April
    # 2019), not the year ending March 2019 (published 18 July 2019)
    assert ons_pfa.edition_for(ONS, "2019-03-31", published_by="2019-04-30").label == \
        "year ending December 2018"
    assert ons_pfa.edition_for(ONS, "2019-03-31", published_by="2019-07-31").label == \
        "year ending March 2019"
    assert ons_pfa.edition_for(ONS, "2019-03-31", "Table P6",
                               published_by="2019-04-30").label == "year ending March 2018"
    assert ons_pfa.edition_for(ONS, "2019-03-31", published_by="2018-05-31",
                               missing_ok=True) is None
