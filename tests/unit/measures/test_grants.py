"""Grants: financial years, spend, participation and cost, reach, outcomes, data quality,
reconciliation with the 2016 paper, and both register sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluation.errors import DataValidationError, EvaluationError
from evaluation.measures import calibration, grants
from evaluation.methods import periods
from evaluation.report.chapters import grants as grants_chapter
from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[3]
PROXY = ROOT / "data" / "real" / grants.REAL_360GIVING


def _register(rows: list[tuple]) -> pd.DataFrame:
    cols = ["grant_id", "fund", "district", "amount_gbp", "award_date", "participants",
            "completers", "outcome_target", "outcome_achieved"]
    df = pd.DataFrame(rows, columns=cols)
    df["recipient"] = [f"Org {i}" for i in range(len(df))]
    df["award_date"] = pd.to_datetime(df["award_date"])
    df["start_date"] = df["award_date"]
    df["end_date"] = df["award_date"] + pd.Timedelta(days=90)
    df["participants"] = df["participants"].astype("Int64")
    df["completers"] = df["completers"].astype("Int64")
    df["outcome_measure"] = ["completion" if pd.notna(t) else None for t in df["outcome_target"]]
    return df[list(grants_chapter.COLUMNS)]


@pytest.fixture
def register() -> pd.DataFrame:
    return _register([
        ("Y1", "Youth Fund", "Fenland", 1000.0, "2015-05-01", 50, 40, 0.8, 0.8),
        ("Y2", "Youth Fund", "Fenland", 2000.0, "2015-09-01", 40, 20, 0.8, 0.5),
        ("Y3", "Youth Fund", "Cambridge", 3000.0, "2016-03-31", 20, 10, 0.8, 0.9),
        ("C1", "Community Safety Partnership", "Cambridge", 40000.0, "2016-04-01", None, None,
         None, None),
    ])


def test_financial_year_runs_april_to_march() -> None:
    dates = pd.Series(pd.to_datetime(["2015-03-31", "2015-04-01", "2016-01-15", "1999-12-31"]))
    assert periods.financial_years(dates).tolist() == ["2014/15", "2015/16", "2015/16", "1999/00"]


def test_financial_year_keeps_a_missing_date_missing() -> None:
    out = periods.financial_years(pd.Series([pd.NaT, pd.Timestamp("2018-06-01")]))
    assert pd.isna(out.iloc[0]) and out.iloc[1] == "2018/19"


def test_period_label_names_a_whole_financial_year() -> None:
    assert periods.date_range_label("2018-04-01", "2019-03-31") == "2018/19"
    assert periods.date_range_label("2018-01-01", "2018-12-31") == (
        "1 January 2018 to 31 December 2018")


def test_spend_by_financial_year_puts_31_march_in_the_year_before(register) -> None:
    table = grants.spend_table(register, "financial_year")
    expected = pd.DataFrame({
        "Financial year": ["2015/16", "2016/17", "Total"],
        "Grants": [3, 1, 4],
        "Amount (£)": [6000.0, 40000.0, 46000.0],
        "Share of spend": [6000 / 46000, 40000 / 46000, 1.0],
    })
    pd.testing.assert_frame_equal(table, expected)


def test_spend_by_fund_orders_funds_as_the_contract_and_totals(register) -> None:
    table = grants.spend_table(register, "fund")
    assert table["Fund"].tolist() == ["Youth Fund", "Community Safety Partnership", "Total"]
    assert table["Amount (£)"].tolist() == [6000.0, 40000.0, 46000.0]
    text = grants_chapter.spend_sentence(table, "2015/16")
    assert "4 grants totalling £46,000" in text and "total, 1 grant)" in text
    assert untraceable(text, [table]) == []


def test_in_period_selects_awards_between_the_dates_inclusive(register) -> None:
    assert grants.in_period(register, "2015-09-01", "2016-03-31")["grant_id"].tolist() == [
        "Y2", "Y3"]


def test_participation_pools_completers_over_participants(register) -> None:
    table = grants.participation_table(register)
    total = table.iloc[-1]
    assert total["Fund"] == "Total"
    assert (total["Participants"], total["Completers"]) == (110, 70)
    assert total["Completion rate"] == pytest.approx(70 / 110)
    assert total["Lower"] < 70 / 110 < total["Upper"]
    csp = table.set_index("Fund").loc["Community Safety Partnership"]
    assert csp["Projects recording participants"] == 0 and pd.isna(csp["Completion rate"])


def test_cost_table_separates_total_based_from_median_project_cost(register) -> None:
    costs = grants.cost_table(register).set_index("Fund")
    youth = costs.loc["Youth Fund"]
    # per project: 1000/50 = 20, 2000/40 = 50, 3000/20 = 150 per participant
    assert youth["Cost per participant, total-based (£)"] == pytest.approx(6000 / 110)
    assert youth["Cost per participant, median project (£)"] == pytest.approx(50.0)
    assert youth["Cost per participant, lower quartile (£)"] == pytest.approx(35.0)
    assert youth["Cost per participant, upper quartile (£)"] == pytest.approx(100.0)
    # per completer: 1000/40 = 25, 2000/20 = 100, 3000/10 = 300
    assert youth["Cost per completer, total-based (£)"] == pytest.approx(6000 / 70)
    assert youth["Cost per completer, median project (£)"] == pytest.approx(100.0)
    assert "Community Safety Partnership" not in costs.index


def test_cost_sentence_and_finding_say_which_figure_is_which(register) -> None:
    costs = grants.cost_table(register)
    text = grants_chapter.cost_sentence(costs, "2015/16")
    assert "£55 per participant in total" in text and "median project spent £50" in text
    finding = grants_chapter.cost_finding(costs, "2015/16")
    assert untraceable(finding, [costs]) == []


def test_cost_table_is_empty_and_sentence_explains_when_no_participants(register) -> None:
    costs = grants.cost_table(register.iloc[[3]])
    assert costs.empty
    assert "cannot be calculated" in grants_chapter.cost_sentence(costs, "2016/17")


def test_reach_counts_recipients_and_participants_by_district(register) -> None:
    reach = grants.reach_table(register).set_index("District")
    assert reach.loc["Cambridge", "Amount (£)"] == 43000.0
    assert reach.loc["Fenland", "Participants"] == 90
    assert reach.loc["Total", "Recipients"] == 4
    assert "4 recipients in 2 districts" in grants_chapter.reach_sentence(
        reach.reset_index(), "2015/16")


def test_outcomes_count_projects_meeting_or_beating_their_target(register) -> None:
    table = grants.outcomes_table(register)
    total = table.iloc[-1]
    assert (total["Projects with a target and a result"], total["Met target"]) == (3, 2)
    assert total["Share meeting target"] == pytest.approx(2 / 3)
    assert "1 grant without an outcome target or result is left out" in \
        grants_chapter.outcomes_sentence(table, "2015/16")


def test_data_quality_notes_name_each_problem_in_plain_sentences(register) -> None:
    bad = register.copy()
    bad.loc[1, "grant_id"] = "Y1"
    bad.loc[2, "amount_gbp"] = 0.0
    bad.loc[2, "end_date"] = pd.Timestamp("2015-01-01")
    bad.loc[0, "completers"] = 60
    notes = " ".join(grants_chapter.data_quality_notes(bad))
    assert "2 grants share a grant id" in notes
    assert "1 grant has an amount of £0" in notes
    assert "1 grant ends before it starts" in notes
    assert "1 grant of 4 records no participants (Community Safety Partnership 1)" in notes
    assert "1 grant records more completers than participants" in notes


def test_data_quality_notes_never_raise_on_a_register_missing_columns() -> None:
    notes = grants_chapter.data_quality_notes(
        pd.DataFrame({"grant_id": ["A", "A"], "amount_gbp": [0, 5]}))
    assert any("no fund" in n or "has no" in n for n in notes)
    assert any("share a grant id" in n for n in notes)


def test_reconciliation_checks_over_and_exact_qualifiers(register) -> None:
    figures = pd.DataFrame({
        "measure": ["Youth Fund total", "Youth Fund projects", "Young people"],
        "value": [5000.0, 3.0, 110.0], "unit": ["GBP", "projects", "young people"],
        "qualifier": ["over", "exact", "over"], "period_start": ["", "", ""],
        "period_end": ["2016-03-31"] * 3, "document": ["BCB-2016"] * 3,
        "paragraph": ["10.2"] * 3,
    }, index=pd.Index(["youth_fund_total", "youth_fund_projects", "youth_fund_young_people"]))
    table = calibration.grant_checks(register, figures)
    assert table["In the data"].tolist() == [6000.0, 3.0, 110.0]
    # 110 is not over 110
    assert table["Verdict"].tolist() == ["consistent", "consistent", "not consistent"]
    assert table["As published"].tolist() == ["over £5,000", "3", "over 110"]


def test_sample_register_reproduces_the_2016_paper(sample_dir, seed_dir) -> None:
    from evaluation.data import published

    reg = grants.load_register("sample", sample_dir)
    table = calibration.grant_checks(reg, published.seed_figures(seed_dir))
    assert table["In the data"].tolist() == [56400.0, 37.0, 1860.0, 771000.0]
    assert (table["Verdict"] == "consistent").all()


def test_360giving_source_reads_the_bundled_proxy_register(tmp_path: Path) -> None:
    reg = grants.load_register("360giving", real_dir=ROOT / "data" / "real")
    assert len(reg) == 105 and reg["amount_gbp"].sum() == 1255243
    assert grants.is_proxy(reg) and "PROXY" in grants_chapter.source_note(reg)
    by_year = grants.spend_table(reg, "financial_year")
    assert by_year["Financial year"].iloc[0] == "2013/14"  # awarded February 2014
    notes = grants_chapter.data_quality_notes(reg)
    assert any("no planned start or end date" in n for n in notes)
    assert any("Award Year" in n for n in notes)
    assert grants.cost_table(reg).empty


def test_360giving_source_accepts_an_explicit_path(tmp_path: Path) -> None:
    copy = tmp_path / "register.csv"
    shutil.copy(PROXY, copy)
    assert len(grants.load_register("360giving", giving360_path=copy)) == 105


def test_unknown_source_is_a_clear_error() -> None:
    with pytest.raises(EvaluationError, match="grants_source must be one of sample, 360giving"):
        grants.load_register("excel")


def test_register_with_duplicate_ids_stops_the_run_naming_the_rows(tmp_path: Path) -> None:
    # a repeated grant id is a key error: read leniently, a register duplicated ten times
    # gave "190 grants totalling £2,817,500" (reliability issue); it now stops the run
    text = (ROOT / "tests" / "data" / "grants" / "07_duplicate_grant_id.csv").read_text()
    (tmp_path / "grants.csv").write_text(text)
    with pytest.raises(DataValidationError, match=r"grants.csv, row \d+, column 'grant_id': "
                                                  "duplicate key grant_id"):
        grants.load_register("sample", tmp_path)


def test_register_with_cross_field_errors_is_read_leniently_with_notes(tmp_path: Path) -> None:
    reg = pd.read_csv(ROOT / "data" / "sample" / "grants.csv", dtype=str,
                      keep_default_na=False)
    row = reg.index[(reg["participants"] != "") & (reg["completers"] != "")][0]
    reg.loc[row, "completers"] = str(int(reg.loc[row, "participants"]) + 5)
    reg.to_csv(tmp_path / "grants.csv", index=False)
    loaded = grants.load_register("sample", tmp_path)
    assert len(loaded) == len(reg)
    notes = " ".join(grants_chapter.data_quality_notes(loaded))
    assert "more completers than" in notes


def test_spend_by_year_chart_alt_text_gives_range_and_latest(register) -> None:
    chart = grants_chapter.spend_by_year_chart(register)
    assert "from 2015/16 to 2016/17" in chart.alt_text
    assert "£40,000 in 2016/17" in chart.alt_text
    assert "PROXY" in grants_chapter.spend_by_year_chart(register, proxy=True).title


def test_cost_chart_alt_text_gives_each_funds_range(register) -> None:
    chart = grants_chapter.cost_chart(register, "2015/16")
    assert "Youth Fund: 3 projects from £20 to £150 per participant, median £50" in chart.alt_text
