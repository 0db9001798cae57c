"""The board paper a reviewer reads: accessibility, traceable summary, disclosure, verify."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from evaluation.methods.disclosure import SUPPRESSED, is_small
from evaluation.report.trace import untraceable

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evaluation.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=1500)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("paper") / "sample"
    proc = _cli("report", "--params", "params/sample.yaml", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


def _sections(run_dir: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((run_dir / "sections").glob("*.json"))]


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.headings: list[int] = []
        self.tables = 0
        self.tables_with_th = 0
        self._in_table = False
        self._th = False
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
            self._in_table, self._th = True, False
        if tag == "th" and self._in_table and not self._th:
            self._th = True
            self.tables_with_th += 1
        for key in ("src", "href"):
            v = a.get(key) or ""
            if v.startswith(("http://", "https://", "//")):
                self.external.append(v)


def test_html_paper_is_accessible_and_self_contained(run_dir: Path) -> None:
    html = next((run_dir / "html").glob("*-board-paper.html")).read_text(encoding="utf-8")
    # the HTML has no pages: its SYNTHETIC label stays at the top of the window
    assert '<div class="label-banner" role="note">SYNTHETIC SAMPLE — NOT REAL DATA</div>' in html
    audit = _Audit()
    audit.feed(html)
    assert audit.images, "the paper has no figures"
    for img in audit.images:
        assert (img.get("src") or "").startswith("data:image/"), "image not embedded"
        assert len(img.get("alt") or "") > 30, f"missing or thin alt text: {img.get('alt')}"
    assert audit.external == []
    assert audit.tables and audit.tables_with_th == audit.tables
    levels = audit.headings
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert 'lang="en-GB"' in html


def test_every_number_in_the_summary_is_in_its_table(run_dir: Path) -> None:
    checked = 0
    for section in _sections(run_dir):
        for block in section["blocks"]:
            if block["type"] != "finding":
                continue
            assert block.get("table"), f"finding without a table: {block['text']}"
            csv = run_dir / "tables" / f"{section['section_id']}__{block['table']}.csv"
            assert csv.is_file(), csv
            assert untraceable(block["text"], [pd.read_csv(csv)]) == [], block["text"]
            checked += 1
    assert checked >= 2


def test_no_table_publishes_a_small_count(run_dir: Path) -> None:
    threshold = json.loads((run_dir / "manifest.json").read_text())["params"][
        "disclosure_threshold"]
    scanned = 0
    for section in _sections(run_dir):
        for block in section["blocks"]:
            if block["type"] != "table" or not block.get("count_columns"):
                continue
            table = pd.read_csv(run_dir / block["csv"], dtype=str, keep_default_na=False)
            for col in block["count_columns"]:
                for value in table[col]:
                    scanned += 1
                    if value in (SUPPRESSED, ""):
                        continue
                    assert not is_small(float(value), threshold), (block["csv"], col, value)
    assert scanned > 0, "no table declared counts of people or cases"


def test_text_never_quotes_a_small_number_of_people(run_dir: Path) -> None:
    people = r"(?:respondents?|victims?|people|persons?|young people|participants?|attendees)"
    pattern = re.compile(rf"(?<![\d.,])([1-9])\s+{people}\b")
    for section in _sections(run_dir):
        for block in section["blocks"]:
            if block["type"] in ("paragraph", "finding", "note"):
                assert not pattern.search(block["text"]), block["text"]


def test_verify_detects_an_input_changed_after_the_paper(tmp_path: Path, write_defaults
                                                          ) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", data / "sample")
    shutil.copytree(ROOT / "data" / "seed", data / "seed")
    params = tmp_path / "params"
    params.mkdir()
    write_defaults(params, keep_relative=("data",))
    (params / "run.yaml").write_text("run_name: verify\npaper_date: 2019-04-30\n"
                                     "period_start: 2018-04-01\nperiod_end: 2019-03-31\n"
                                     "sections: [01_public_contact]\n")
    out = tmp_path / "reports" / "verify"
    proc = _cli("report", "--params", str(params / "run.yaml"), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    # --allow-dirty: this test is about inputs; uncommitted code is tested in test_safety
    ok = _cli("verify", str(out), "--allow-dirty")
    assert ok.returncode == 0 and ok.stdout.startswith("OK"), ok.stdout
    target = data / "seed" / "appendix1_public_contact_2018.csv"
    target.write_text(target.read_text().replace("887", "888"))
    bad = _cli("verify", str(out), "--allow-dirty")
    assert bad.returncode == 1
    assert "MISMATCH" in bad.stdout and f"CHANGED since the paper was made: {target}" in bad.stdout


def _struct_elements(node, out: list) -> list:
    """Every structure element under ``node`` of a tagged PDF (pypdf objects)."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for child in node:
            _struct_elements(child, out)
    elif hasattr(node, "get") and node.get("/S") is not None:
        out.append(node)
        if "/K" in node:
            _struct_elements(node["/K"], out)
    elif hasattr(node, "get") and "/K" in node:
        _struct_elements(node["/K"], out)
    return out


def test_pdf_is_tagged_pdf_ua_with_alt_text_on_every_figure_and_clean_metadata(
        run_dir: Path) -> None:

    pdfs = sorted((run_dir / "pdf").glob("*.pdf"))
    assert [p.name.split("-", 1)[1] for p in pdfs] == ["board-paper.pdf", "public-paper.pdf"]
    for pdf in pdfs:
        _check_tagged(pdf, run_dir, public="public" in pdf.name)


def _check_tagged(pdf: Path, run_dir: Path, public: bool) -> None:
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    meta = reader.metadata
    assert meta["/Title"] == ("Evaluation of the Police and Crime Commissioner's public "
                              "engagement" + (" (public version)" if public else ""))
    assert meta["/Author"].startswith("Chief Executive") and "\\" not in meta["/Title"]
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8", "ignore")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    figures = [e for e in _struct_elements(root["/StructTreeRoot"], [])
               if e.get("/S") == "/Figure"]
    # every chart the sections recorded for the paper (a few are HTML-only; those kept out of
    # the paper, e.g. police.uk files from after the period, are not counted)
    images = sum(1 for record in (run_dir / "sections").glob("*.json")
                 for b in json.loads(record.read_text())["blocks"]
                 if b["type"] == "figure" and not b.get("outside"))
    assert figures and all(str(e.get("/Alt", "")).strip() for e in figures)
    assert len(figures) >= images - 2
    # and as many as the paper's Markdown places: each with its alt text
    markdown = (run_dir / ("paper-public.md" if public else "paper.md")).read_text("utf-8")
    assert len(figures) == markdown.count("![Figure ")
    # every page says the data are synthetic
    assert all("SYNTHETIC SAMPLE" in page.extract_text() for page in reader.pages)
