"""Execute 04_victims_hub through papermill and check what the section records."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, run_section) -> Path:
    return run_section("04_victims_hub", tmp_path_factory.mktemp("run04"))


def test_section_json_has_findings_tables_and_figures(run: Path) -> None:
    section = json.loads((run / "sections" / "04_victims_hub.json").read_text())
    kinds = [b["type"] for b in section["blocks"]]
    assert 1 <= kinds.count("finding") <= 3
    names = {b["name"] for b in section["blocks"] if b["type"] in ("table", "figure")}
    assert {"hub_funnel", "hub_conversion", "hub_reconciliation", "hub_funnel_period",
            "hub_contact_rate_xmr"} <= names
    assert all(b["alt"] for b in section["blocks"] if b["type"] == "figure")


def test_every_finding_is_traceable_to_its_table(run: Path) -> None:
    section = json.loads((run / "sections" / "04_victims_hub.json").read_text())
    for block in section["blocks"]:
        if block["type"] == "finding":
            table = pd.read_csv(run / "tables" / f"04_victims_hub__{block['table']}.csv")
            assert untraceable(block["text"], [table]) == [], block["text"]


def test_reconciliation_table_supports_over_10000_referrals(run: Path) -> None:
    table = pd.read_csv(run / "tables" / "04_victims_hub__hub_reconciliation.csv")
    referrals = table.iloc[0]
    assert referrals["As published"] == "over 10,000"
    assert referrals["In the data"] == 11012 and referrals["Verdict"] == "consistent"
    assert referrals["Which data"] == "October 2014 to January 2016"


def test_reporting_period_contact_rate_lies_within_its_interval(run: Path) -> None:
    table = pd.read_csv(run / "tables" / "04_victims_hub__hub_conversion.csv")
    row = table.loc[(table["Period"] == "Reporting period")
                    & (table["Conversion"] == "Contacted, of those referred")].iloc[0]
    assert row["Months"] == "April 2018 to March 2019"
    assert row["Lower (proportion)"] < row["Rate (proportion)"] < row["Upper (proportion)"]
    assert row["Rate (proportion)"] == pytest.approx(row["Victims"] / row["Base"])
