"""Execution test: the crime and confidence notebook runs under papermill on the bundled REAL
data and records its section, tables and figures."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.report.chapters.crime import OGL_ATTRIBUTION
from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
SECTION = "07_crime_and_confidence"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, run_section) -> Path:
    return run_section("07_crime_and_confidence", tmp_path_factory.mktemp("section07"),
                       period_start="2024-01-01", period_end="2024-12-31")


def _section(run: Path) -> dict:
    return json.loads((run / "sections" / f"{SECTION}.json").read_text(encoding="utf-8"))


def _table(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "tables" / f"{SECTION}__{name}.csv")


def test_section_records_the_key_tables_and_figures(run: Path):
    blocks = _section(run)["blocks"]
    tables = {b["name"] for b in blocks if b["type"] == "table"}
    figures = {b["name"] for b in blocks if b["type"] == "figure"}
    assert {"crime_monthly", "charge_rate", "outcome_mix", "confidence_by_region",
            "peer_rates"} <= tables
    assert {"crimes_xmr", "asb_xmr", "charge_rate_xmr", "confidence_chart"} <= figures
    for name in figures:
        assert (run / "figures" / f"{SECTION}__{name}.png").stat().st_size > 0
    assert all(b["alt"] for b in blocks if b["type"] == "figure")


def test_monthly_table_matches_the_published_police_uk_totals_for_2024(run: Path):
    monthly = _table(run, "crime_monthly").set_index("Month")
    assert len(monthly) == 13  # 12 months and the total
    # 83,021 street records in the 12 files (PROVENANCE.md), of which ASB has no Crime ID
    assert monthly.loc["Total", "All records"] == 83021
    assert monthly.loc["Total", "Crimes recorded"] + monthly.loc[
        "Total", "Anti-social behaviour incidents"] == 83021


def test_outcome_mix_counts_every_outcome_record(run: Path):
    mix = _table(run, "outcome_mix").set_index("Outcome group")
    assert mix.loc["Total", "Outcome records"] == 68619  # rows in the 12 outcomes files
    assert mix.drop("Total")["Share of outcomes (proportion)"].sum() == pytest.approx(1.0)


def test_findings_are_traceable_to_the_tables_they_cite(run: Path):
    findings = [b for b in _section(run)["blocks"] if b["type"] == "finding"]
    assert 1 <= len(findings) <= 3
    for f in findings:
        assert f["table"], f["text"]
        assert untraceable(f["text"], [_table(run, f["table"])]) == [], f["text"]


def test_section_labels_data_real_and_attributes_the_licence(run: Path):
    notes = " ".join(b["text"] for b in _section(run)["blocks"] if b["type"] == "note")
    assert "REAL" in notes and OGL_ATTRIBUTION in notes
    assert "SYNTHETIC" not in notes
    assert "whole reporting period" in notes  # 2024 is covered by the bundled files


def test_east_of_england_confidence_is_the_published_estimate(run: Path):
    table = _table(run, "confidence_by_region").set_index("Area")
    confident = table.loc["East of England", "Confident in local police (proportion)"]
    assert confident == pytest.approx(0.745397, abs=1e-6)
    assert table.loc["East of England", "Respondents"] == 3911
    assert table.loc["East of England", "Evidence of a difference (Holm)"] == "no"


def test_another_force_gets_its_own_real_data_and_never_cambridgeshires(
        tmp_path: Path, run_section) -> None:
    out = run_section(SECTION, tmp_path, period_start="2018-04-01", period_end="2019-03-31",
                      force_name="Kent")
    blocks = _section(out)["blocks"]
    text = " ".join(b.get("text", "") for b in blocks)
    assert "In the year ending March 2019, Kent recorded 199,963 crimes" in text
    assert "of the 6 forces" not in text or "South East region" in text
    assert "adults in the South East had confidence" in text
    # the bundled police.uk files are Cambridgeshire's: said, not shown as Kent's
    assert "Street-level police.uk records for Kent are not in the data folder" in text
    assert "Cambridgeshire Constabulary recorded" not in text
    names = {b["name"] for b in blocks if b["type"] in ("table", "figure")}
    assert "crime_monthly" not in names and {"peer_ranks", "crime_rate_funnel"} <= names
    summary = _table(out, "recorded_crime_summary")
    finding = next(b for b in blocks if b["type"] == "finding" and "Kent recorded" in b["text"])
    assert untraceable(finding["text"], [summary]) == []
