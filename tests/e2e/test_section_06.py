"""Section 06 runs through papermill on the sample and records its findings and tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
SECTION = "06_engagement_and_communications"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, run_section) -> Path:
    return run_section("06_engagement_and_communications", tmp_path_factory.mktemp("s06"))


def _table(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "tables" / f"{SECTION}__{name}.csv")


def test_section_json_has_findings_figures_and_key_tables(run: Path) -> None:
    blocks = json.loads((run / "sections" / f"{SECTION}.json").read_text())["blocks"]
    tables = {b["name"] for b in blocks if b["type"] == "table"}
    assert {"activities_by_mode", "contact_points", "correspondence_response_times",
            "communications", "media_tone", "volunteers", "published_figures"} <= tables
    figures = [b for b in blocks if b["type"] == "figure"]
    assert len(figures) >= 6 and all(b["alt"] for b in figures)
    assert all((run / b["png"]).is_file() for b in figures)
    findings = [b for b in blocks if b["type"] == "finding"]
    assert 1 <= len(findings) <= 3


def test_every_finding_is_traceable_to_its_table(run: Path) -> None:
    blocks = json.loads((run / "sections" / f"{SECTION}.json").read_text())["blocks"]
    for b in blocks:
        if b["type"] == "finding":
            assert untraceable(b["text"], [_table(run, b["table"])]) == [], b["text"]


def test_sample_bears_out_over_120_items_a_month_before_the_2016_paper(run: Path) -> None:
    checks = _table(run, "published_figures").set_index("Published figure")
    row = checks.loc["Correspondence received by the OPCC per month"]
    assert row["In the data"] > 120 and row["Verdict"] == "consistent"
    assert "February 2015 to January 2016" in row["Which data"]


def test_specials_against_the_target_of_300(run: Path) -> None:
    vol = _table(run, "volunteers").iloc[0]
    assert vol["Target"] == 300
    assert vol["Short of target"] == 300 - vol["Special Constables at the end"]


def test_mode_table_lists_all_five_modes_and_a_total(run: Path) -> None:
    modes = _table(run, "activities_by_mode")
    assert modes["Mode"].tolist() == ["Listen", "Respond", "Consult", "Collaborate", "Empower",
                                      "All activities"]
    assert modes["Activities"].iloc[:-1].sum() == modes["Activities"].iloc[-1]
