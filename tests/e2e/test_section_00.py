"""Section 00 (objectives scorecard) runs through papermill on the sample and records its table."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.measures.scorecard import SCORECARD_COLUMNS, load_framework
from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
SECTION = "00_summary"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, run_section) -> Path:
    return run_section("00_summary", tmp_path_factory.mktemp("s00"))


def _blocks(run: Path) -> list[dict]:
    return json.loads((run / "sections" / f"{SECTION}.json").read_text())["blocks"]


def _table(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "tables" / f"{SECTION}__{name}.csv")


def test_section_records_scorecard_chart_findings_and_conclusion(run: Path) -> None:
    blocks = _blocks(run)
    assert {"scorecard", "scorecard_summary"} <= {b["name"] for b in blocks
                                                  if b["type"] == "table"}
    figures = [b for b in blocks if b["type"] == "figure"]
    assert len(figures) == 1 and figures[0]["alt"] and (run / figures[0]["png"]).is_file()
    # the findings are the page-one key messages, at most six, chosen from the registry
    findings = [b for b in blocks if b["type"] == "finding" and not b.get("chapter")]
    assert 1 <= len(findings) <= 6
    assert {b["table"] for b in findings} == {"indicators"}
    # and one opening sentence per indicator for the chapter that reports its evidence
    opening = [b for b in blocks if b["type"] == "finding" and b.get("chapter")]
    assert {b["table"] for b in opening} == {"indicators"}
    assert {b["chapter"] for b in opening} >= {"01_public_contact", "02_call_handling",
                                               "03_victim_satisfaction", "04_victims_hub"}
    assert sum(b["type"] == "conclusion" for b in blocks) == 1


def test_scorecard_csv_has_one_row_per_indicator_with_the_agreed_columns(run: Path) -> None:
    card = _table(run, "scorecard")
    assert tuple(card.columns[:len(SCORECARD_COLUMNS)]) == SCORECARD_COLUMNS
    framework = load_framework(ROOT / "params" / "framework.yaml")
    assert card["indicator"].tolist() == [i.name for i in framework.indicators]
    percent = card.loc[card["unit"] == "percent", "latest_value"]
    assert percent.dropna().between(-1, 1).all()


def test_specials_verdict_reports_missing_the_target_of_300(run: Path) -> None:
    card = _table(run, "scorecard").set_index("id")
    row = card.loc["special_constables"]
    assert row["target"] == 300 and row["latest_value"] < 300
    assert "consistently misses the target (300" in row["verdict"]


def test_charge_rate_from_after_the_period_is_not_shown_as_its_figure(run: Path) -> None:
    # the bundled police.uk files are for 2024: a 2018/19 scorecard says so, and shows no
    # 2024 value or verdict (it did before the one-period rule)
    row = _table(run, "scorecard").set_index("id").loc["charge_rate"]
    assert bool(row["context"]) and pd.isna(row["latest_period"])
    assert row["verdict"].startswith("Not available") and "after the period" in row["verdict"]


def test_every_finding_is_traceable_to_its_table(run: Path) -> None:
    for b in _blocks(run):
        if b["type"] == "finding":
            assert untraceable(b["text"], [_table(run, b["table"])]) == [], b["text"]


def test_summary_counts_add_up_to_the_indicators_on_the_card(run: Path) -> None:
    summary = _table(run, "scorecard_summary").set_index("Result")["Indicators"]
    kinds = ["Special-cause improvement", "Special-cause concern",
             "Special-cause variation (no better or worse direction)",
             "Common-cause variation only", "Not stable (most months special cause)",
             "Shown as a line (rolling or running total)"]
    assert summary[kinds].sum() == summary["Indicators assessed"]
    card = _table(run, "scorecard")
    assert summary["Indicators assessed"] + summary["Context only (not counted)"] \
        + summary["No data"] == len(card)


def test_printed_scorecard_shows_the_period_values_of_the_registry(run: Path) -> None:
    # issue 11: the scorecard reads the indicator table (computed once) for the period
    board = _table(run, "scorecard_board").set_index("Indicator")
    registry = _table(run, "indicators").set_index("name")
    assert "Reporting period" in board.columns
    row = registry.loc["101 calls answered within 30 seconds"]
    assert board.loc["101 calls answered within 30 seconds", "Reporting period"] == (
        f"{100 * row['value']:.1f}%")
    assert board.loc["Crimes resulting in a charge or summons", "Reporting period"] == (
        "not available")
    # a deterioration too unstable for an SPC verdict is still named in the conclusion
    blocks = json.loads((run / "sections" / "00_summary.json").read_text())["blocks"]
    conclusion = next(b["text"] for b in blocks if b["type"] == "conclusion")
    assert "101 calls abandoned before answer" in conclusion
    assert "significant deterioration on the year before" in conclusion
