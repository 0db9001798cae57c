"""Rendering: the Pandoc + Typst route for real, and the Quarto command line via a stand-in."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from evaluation.report.render import render_paper

MD = """**To:** Business Coordination Board

# 1. Purpose

1.1\u2003Online reports and web chats totalled 20,797 in 2018.

| Quarter | Contacts |
|:---|---:|
| Q1 | 4,853 |

Table: Table 1: Contacts
"""


def test_pandoc_typst_route_writes_self_contained_html_and_a4_pdf(tmp_path: Path) -> None:
    md = tmp_path / "paper.md"
    md.write_text(MD, encoding="utf-8")
    result = render_paper(md, tmp_path / "p.html", tmp_path / "p.pdf", title="Test paper",
                          use_quarto=False)
    assert result.engine == "pandoc+typst"
    html = result.html.read_text(encoding="utf-8")
    assert "20,797" in html and "<th" in html
    assert "http://" not in html.replace("http://www.w3.org", "")
    reader = PdfReader(str(result.pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "20,797" in text and "Page 1 of" in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)


def test_draft_pdf_is_marked_on_every_page(tmp_path: Path) -> None:
    md = tmp_path / "paper.md"
    md.write_text(MD + "\n\\newpage\n\nMore text.\n", encoding="utf-8")
    result = render_paper(md, tmp_path / "p.html", tmp_path / "p.pdf", title="T",
                          use_quarto=False, draft=True)
    for page in PdfReader(str(result.pdf)).pages:
        assert "DRAFT — INCOMPLETE" in page.extract_text()
    assert "DRAFT — INCOMPLETE" in result.html.read_text(encoding="utf-8")


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in 'quarto' on PATH that logs its arguments and writes the requested output."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    log = tmp_path / "quarto-calls.txt"
    script = bindir / "quarto"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{log}"\n'
        'out=""; prev=""\n'
        'for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done\n'
        'echo "rendered by fake quarto" > "$out"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_quarto_is_used_when_on_path_with_the_expected_command_line(
    tmp_path: Path, fake_quarto: Path
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    md = run / "paper.md"
    md.write_text(MD, encoding="utf-8")
    result = render_paper(md, run / "html" / "p.html", run / "pdf" / "p.pdf", title="T")
    assert result.engine == "quarto"
    calls = fake_quarto.read_text().splitlines()
    assert calls == [
        f"render {run / 'paper.qmd'} --to html --output p.html",
        f"render {run / 'paper.qmd'} --to typst --output p.pdf",
    ]
    qmd = (run / "paper.qmd").read_text()
    assert "embed-resources: true" in qmd and "papersize: a4" in qmd and "20,797" in qmd
    assert result.html.read_text().startswith("rendered by fake quarto")
    assert result.pdf.is_file()
