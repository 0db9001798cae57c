"""End to end: `evaluation report` on the sample params, a failing section, bad parameters."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from evaluation.run.pipeline import sha256_file

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evaluation.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=900)


def _pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def _data_hashes() -> dict[str, str]:
    return {str(p): sha256_file(p) for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sample_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str], dict[str, str]]:
    out = tmp_path_factory.mktemp("runs") / "sample"
    before = _data_hashes()
    proc = _cli("report", "--params", "params/sample.yaml", "--out", str(out))
    return out, proc, before


def test_sample_report_writes_html_and_pdf(sample_run) -> None:
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    assert (out / "html" / "sample-board-paper.html").is_file()
    assert (out / "pdf" / "sample-board-paper.pdf").is_file()
    assert (out / "html" / "01_public_contact.html").is_file()
    assert (out / "executed" / "01_public_contact.ipynb").is_file()
    assert any((out / "tables").glob("*.csv"))
    assert not (out.parent / ".sample.partial").exists()


def test_pdf_reports_the_2018_total_and_the_appendix1_discrepancy(sample_run) -> None:
    out, _, _ = sample_run
    text = " ".join(_pdf_text(out / "pdf" / "sample-board-paper.pdf").split())
    assert "20,797" in text
    assert ("Appendix 1 as published gives the October to December 2018 change as -167, "
            "but 5,555 − 5,388 = +167") in text.replace("−167", "-167")


def test_manifest_hashes_match_the_inputs(sample_run) -> None:
    out, _, _ = sample_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["params"]["run_name"] == "sample"
    assert manifest["code"]["version"]
    assert all(s["status"] == "ok" for s in manifest["sections"])
    assert manifest["inputs"], "no inputs recorded"
    for path, digest in manifest["inputs"].items():
        assert sha256_file(Path(path)) == digest, path
    recorded = set(manifest["inputs"])
    assert str((ROOT / "data" / "seed" / "appendix1_public_contact_2018.csv").resolve()) in recorded


def test_run_leaves_data_unchanged(sample_run) -> None:
    _, _, before = sample_run
    assert _data_hashes() == before


def test_section_html_hides_code_and_parameters(sample_run) -> None:
    out, _, _ = sample_run
    html = (out / "html" / "01_public_contact.html").read_text()
    assert "section = SectionWriter" not in html
    assert "seed_dir" not in html
    assert "20,797" in html


def test_failing_section_gives_nonzero_exit_and_only_a_marked_draft(
    tmp_path: Path, write_defaults, notebooks_with
) -> None:
    nbdir = notebooks_with(tmp_path, "02_broken", "raise ValueError('grant register is empty')")
    (tmp_path / "params").mkdir()
    write_defaults(tmp_path / "params")
    run = tmp_path / "params" / "broken.yaml"
    run.write_text(f"run_name: broken\npaper_date: 2019-04-30\nperiod_start: 2018-04-01\n"
                   f"period_end: 2019-03-31\nnotebooks_dir: {nbdir}\n"
                   "sections: [01_public_contact, 02_broken]\n")
    out = tmp_path / "out"
    proc = _cli("report", "--params", str(run), "--out", str(out))
    assert proc.returncode != 0
    assert "02_broken" in proc.stderr and "grant register is empty" in proc.stderr
    assert "Traceback" not in proc.stderr
    # the draft goes beside the destination, never into it
    assert not out.exists()
    out = tmp_path / "out.draft"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed"
    status = {s["section"]: s for s in manifest["sections"]}
    assert status["01_public_contact"]["status"] == "ok"
    assert status["02_broken"]["status"] == "failed"
    assert "grant register is empty" in status["02_broken"]["error"]
    pdfs = list((out / "pdf").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["broken-board-paper-DRAFT-INCOMPLETE.pdf"]
    for page in PdfReader(str(pdfs[0])).pages:
        assert "DRAFT — INCOMPLETE" in page.extract_text()
    assert "Not available" in _pdf_text(pdfs[0])
    # page one names what is missing; a draft is never published, so it has no public version
    first = " ".join(PdfReader(str(pdfs[0])).pages[0].extract_text().split())
    assert "Sections missing: Broken (" in first
    assert "public" not in manifest["versions"] and not list(out.rglob("*public-paper*"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "Parameters file not found"),
        ("run_name: [oops\n", "not valid YAML at line"),
        ("run_name: x\npaper_date: 2019-01-01\nperiod_start: 2018-01-01\n"
         "period_end: 2018-12-31\nperiod_ned: 2018-12-31\n", "Did you mean 'period_end'"),
    ],
    ids=["missing", "malformed", "unknown-key"],
)
def test_bad_params_give_one_clear_message(tmp_path: Path, content: str | None,
                                           expected: str) -> None:
    run = tmp_path / "run.yaml"
    if content is not None:
        run.write_text(content)
    proc = _cli("report", "--params", str(run), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "o").exists()


def test_indicators_csv_holds_each_indicator_once_for_the_period(sample_run) -> None:
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "indicators.csv").set_index("id")
    assert table.index.is_unique
    assert set(table["period_start"].dropna()) == {"2018-04"}
    assert set(table["period_end"].dropna()) == {"2019-03"}
    # recomputed here from the raw monthly file, independently of the measures
    raw = pd.read_csv(ROOT / "data" / "sample" / "call_handling_monthly.csv", dtype={"line": str})
    year = raw.loc[(raw["line"] == "101") & raw["month"].between("2018-04", "2019-03")]
    assert table.loc["calls_101_within_30s", "value"] == pytest.approx(
        year["answered_within_target"].sum() / year["answered"].sum())
    assert table.loc["calls_101_abandoned", "value"] == pytest.approx(
        year["abandoned"].sum() / year["offered"].sum())
    # a figure from another period is never given as this period's
    charge = table.loc["charge_rate"]
    assert pd.isna(charge["value"]) and charge["not_available"].startswith(
        "not available for this period")
    assert charge["not_available"].endswith("after the period")  # 2024 data, a 2019 paper
    # the paper quotes each pooled rate exactly as the registry holds it
    paper = (out / "paper.md").read_text(encoding="utf-8")
    for ind, row in table.loc[table["how"] == "pooled"].iterrows():
        if row["unit"] == "percent" and not pd.isna(row["value"]):
            assert f"{100 * row['value']:.1f}%" in paper, ind
    # and each chapter opens with its indicators, quoted as the registry holds them: the
    # value formatted here by hand, found in that chapter's text
    chapters = dict(re.findall(r"^# \d+\. (.+?)\n(.*?)(?=^# )", paper, flags=re.M | re.S))
    where = {"calls_101_within_30s": "Call handling", "calls_101_abandoned": "Call handling",
             "victim_satisfaction": "Victim satisfaction", "hub_contact_rate": "Victims' Hub",
             "digital_share": "Public contact",
             "special_constables": "Engagement and communications"}
    for ind, chapter in where.items():
        row = table.loc[ind]
        shown = (f"{100 * row['value']:.1f}%" if row["unit"] == "percent"
                 else f"{row['value']:,.0f}")
        assert f"{row['name']}: {shown}" in chapters[chapter], (ind, chapter)
        # at the head of the chapter, before its own evidence
        first = re.findall(r"^\d+\.\d+\u2003(.*)$", chapters[chapter], re.M)
        opening = [p for p in first if p.startswith(row["name"] + ":")]
        assert opening and first.index(opening[0]) < 8, (ind, first[:3])


def test_the_2016_paper_run_is_about_2015_and_checks_the_papers_figures(tmp_path: Path) -> None:
    out = tmp_path / "bcb-2016"
    proc = _cli("report", "--params", "params/bcb-2016.yaml", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "indicators.csv")
    assert set(table["period_start"].dropna()) == {"2015-01"}
    assert set(table["period_end"].dropna()) == {"2015-12"}
    paper = (out / "paper.md").read_text(encoding="utf-8")
    summary = paper.split("# 3. Key messages")[1].split("\n# 4.")[0]
    for year in ("2016/17", "2017", "2018", "2019", "2024", "2026"):
        assert year not in summary, year
    checks = pd.read_csv(out / "tables" / "03_victim_satisfaction__published_figures.csv")
    assert (checks["Verdict"] == "consistent").all()
    assert len(checks) == 3
    # one appendix accounts for every figure of the source papers, each once
    from evaluation.data import published

    seed = published.seed_figures(ROOT / "data" / "seed")
    rows = pd.concat([pd.read_csv(p) for p in sorted((out / "tables").glob("*.csv"))
                      if "figure_id" in pd.read_csv(p, nrows=0).columns])
    assert sorted(rows["figure_id"]) == sorted(seed.index)
    appendix = paper.split("# Appendix D. Published figures against the data")[1]
    appendix = appendix.split("\n# Appendix E.")[0]
    assert appendix.startswith(": a calibration check of the synthetic sample")
    assert f"Of {len(seed)} figures, {len(seed) - 8} are consistent" in appendix
    assert "1 is not: Volunteer Police Cadet units started" in appendix
    # and no chapter prints them: they describe the papers' windows, not the period
    chapters = paper.split("# Appendix D.")[0]  # with the evidence by chapter (Appendix B)
    assert "over 10,000" not in chapters and "86.5%" not in chapters


def test_the_sample_paper_asks_for_reports_and_carries_the_labelled_commentary(
        sample_run) -> None:
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    paper = (out / "paper.md").read_text(encoding="utf-8")
    recommendation = paper.split("# 2. Recommendation")[1].split("\n# 3.")[0]
    assert "The Board is recommended to note this report." in recommendation
    assert ("The Board is recommended to ask the Constabulary to report to the next Board on "
            "each of the following: the reasons, the action planned and when it should show."
            "\n\n- 101 calls answered within 30 seconds (88.0% against 90.8% a year "
            "earlier)") in recommendation
    # the commentary's figures come from the registry, and it is labelled an example
    table = pd.read_csv(out / "indicators.csv").set_index("id")
    view = paper.split("# 4. The analyst's view (example commentary written for the SYNTHETIC "
                       "sample force")[1].split("\n# 5.")[0]
    assert f"{100 * table.loc['calls_101_within_30s', 'value']:.1f}% of the calls answered" in view
    assert "## You said, we did (example commentary" in paper
    assert "## Independent evidence (example commentary" in paper
    assert "commentary (" not in paper.split("# Appendix E. Data quality")[1]  # no hand figures


def test_the_main_body_is_at_most_twelve_pages_and_no_paragraph_repeats(sample_run) -> None:
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    pages = [p.extract_text() for p in PdfReader(str(out / "pdf" / "sample-board-paper.pdf")
                                                 ).pages]
    # the annexes start where Appendix A's heading is (the contents list names it first)
    starts = [i for i, t in enumerate(pages, start=1)
              if re.search(r"^Appendix A\. The objectives scorecard in full$", t, re.M)]
    assert starts and starts[0] - 1 <= 12, starts
    assert all("SYNTHETIC SAMPLE — NOT REAL DATA" in t for t in pages)
    # page one: the key messages, the icon table and the recommendations
    one = " ".join(pages[0].split())
    assert "2. Recommendation" in one and "3. Key messages" in one
    assert "Indicators at a glance" in one and "Partnership (collaborate) activities" in one
    assert "\u2714P meets target" in one and "\u2718F misses target" in one
    assert "All rows SYNTHETIC except Crimes resulting in a charge or summons (REAL" in one
    paper = (out / "paper.md").read_text(encoding="utf-8")
    paragraphs = [re.sub(r"^[0-9A-H]+\d*\.\d+\u2003", "", p) for p in paper.split("\n")
                  if re.match(r"^[0-9A-H]+\d*\.\d+\u2003", p)]
    repeated = {p for p in paragraphs if paragraphs.count(p) > 1}
    assert not repeated, repeated
    # police.uk files from after the period stay in the section's HTML, out of the paper
    assert "The police.uk street files bundled (January 2024 to December 2024) are from after " \
        "the period" in paper
    assert "07_crime_and_confidence__crimes_xmr.png" not in paper
    assert "year ending March 2026" not in paper  # the Crime Survey series ends by the paper
    key = paper.split("# 3. Key messages")[1].split("Table 1:")[0]
    messages = re.findall(r"^3\.\d+\u2003(.*)$", key, re.M)
    assert 1 <= len(messages) <= 6
    assert all(m.endswith(("*[SYNTHETIC]*", "*[REAL public data]*")) for m in messages)


def test_the_public_version_for_the_panel_has_no_count_below_its_threshold(sample_run) -> None:
    out, proc, _ = sample_run
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    public = manifest["versions"]["public"]
    assert public["audience"] == "Police and Crime Panel" and public["disclosure_threshold"] == 20
    assert manifest["versions"]["board"]["disclosure_threshold"] == 10
    pdf = out / public["pdf"]
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(str(pdf)).pages]
    assert pages[0].startswith("Office of the Police and Crime Commissioner")
    assert "To: Police and Crime Panel" in pages[0] and "PUBLIC VERSION" in pages[0]
    assert "3. Key messages" in pages[0] and "All rows SYNTHETIC" in pages[0]  # key on page one
    assert all("SYNTHETIC SAMPLE — NOT REAL DATA" in t for t in pages)
    # every count of people or cases the Board's paper prints from 1 to 19 is [c] in the public
    # rows of the same table (read from the sections' records, not from the check the run makes)
    checked = 0
    for record in sorted((out / "sections").glob("*.json")):
        for b in json.loads(record.read_text())["blocks"]:
            if b["type"] != "table" or not b.get("count_columns"):
                continue
            assert b.get("public_rows") is not None, b["name"]
            cols = [b["columns"].index(c) for c in b["count_columns"]]
            for board_row, public_row in zip(b["rows"], b["public_rows"], strict=True):
                for i in cols:
                    cell = board_row[i].replace(",", "")
                    if cell.isdigit() and 1 <= int(cell) < 20:
                        assert public_row[i] == "[c]", (b["name"], board_row, public_row)
                        checked += 1
                    text = public_row[i].replace(",", "")
                    assert not (text.isdigit() and 1 <= int(text) < 20), (b["name"], public_row)
    assert checked > 0  # the sample has counts of 10 to 19 that only the Board sees
    board_md = (out / "paper.md").read_text(encoding="utf-8")
    public_md = (out / public["markdown"]).read_text(encoding="utf-8")
    restricted = "the Constabulary's exit interviews"  # the commentary marks it restricted
    assert restricted in board_md and restricted not in public_md
    assert "satisfaction with the whole experience ranged across ethnic groups" in board_md
    assert "satisfaction with the whole experience ranged across ethnic groups" not in public_md
    verify = _cli("verify", str(out), "--allow-dirty")
    assert "The public version for the Police and Crime Panel: html/sample-public-paper.html " \
        "and pdf/sample-public-paper.pdf, disclosure threshold 20" in verify.stdout
