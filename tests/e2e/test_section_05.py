"""Execute 05_grants through papermill on the sample register and on the 360Giving proxy."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _execute(run_section, out: Path, **parameters: object) -> dict:
    run_section("05_grants", out, **parameters)
    return json.loads((out / "sections" / "05_grants.json").read_text())


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, run_section) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("run05")
    return out, _execute(run_section, out)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory, run_section) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("run05_360")
    return out, _execute(run_section, out, grants_source="360giving", period_start="2016-04-01",
                         period_end="2017-03-31", synthetic_data=False)


def _findings_traceable(out: Path, section: dict) -> None:
    findings = [b for b in section["blocks"] if b["type"] == "finding"]
    assert 1 <= len(findings) <= 3
    for block in findings:
        table = pd.read_csv(out / "tables" / f"05_grants__{block['table']}.csv")
        assert untraceable(block["text"], [table]) == [], block["text"]


def test_sample_section_writes_key_tables_and_charts(sample) -> None:
    out, section = sample
    for name in ("grants_by_fund", "grants_by_district", "grants_by_year", "grants_cost",
                 "grants_participation", "grants_reach", "grants_outcomes",
                 "grants_reconciliation"):
        assert (out / "tables" / f"05_grants__{name}.csv").is_file(), name
    figures = [b for b in section["blocks"] if b["type"] == "figure"]
    assert {f["name"] for f in figures} == {"grants_by_year_chart", "grants_cost_chart"}
    assert all(f["alt"] for f in figures)


def test_sample_findings_are_traceable(sample) -> None:
    _findings_traceable(*sample)


def test_sample_reconciles_with_the_2016_paper(sample) -> None:
    out, _ = sample
    table = pd.read_csv(out / "tables" / "05_grants__grants_reconciliation.csv")
    assert table["In the data"].tolist() == [56400, 37, 1860, 771000]
    assert (table["Verdict"] == "consistent").all()


def test_participant_tables_pass_through_disclosure_control(sample) -> None:
    _, section = sample
    tables = {b["name"]: b for b in section["blocks"] if b["type"] == "table"}
    for name in ("grants_participation", "grants_cost", "grants_reach"):
        assert "Participants" in tables[name]["count_columns"], name


def test_proxy_run_says_proxy_and_is_not_labelled_synthetic(proxy) -> None:
    out, section = proxy
    text = " ".join(b.get("text", "") for b in section["blocks"])
    assert "PROXY" in text and "Oxford City Council" in text
    assert "Open Government Licence" in text
    assert "SYNTHETIC" not in text
    by_fund = pd.read_csv(out / "tables" / "05_grants__grants_by_fund.csv")
    assert by_fund["Grants"].iloc[-1] == 42
    _findings_traceable(out, section)


def test_proxy_run_outside_its_years_reports_no_grants_without_failing(
        tmp_path: Path, run_section) -> None:
    section = _execute(run_section, tmp_path, grants_source="360giving", synthetic_data=False)
    text = " ".join(b.get("text", "") for b in section["blocks"])
    assert "holds no grants awarded in 2018/19" in text
