"""What the layers contract (import-linter) cannot see: measures modules open no files and
write no sentences; their words live in report/chapters and report/narrative."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

MEASURES = sorted((Path(__file__).resolve().parents[2] / "src" / "evaluation" / "measures")
                  .glob("[a-z]*.py"))
READS = {"open", "read_csv", "read_excel", "read_parquet", "read_json", "read_text",
         "read_bytes", "load_workbook"}
WORDS = re.compile(r"(_sentence|_finding|_note|_notes|_words|_phrase|_chart|_plot|_verdict)$")
#: labels that are data (a table's period or key column), not sentences
LABELS = {"_verdict", "_band_words"}


def _functions(path: Path) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.FunctionDef)]


def test_there_are_measures_modules() -> None:
    assert len(MEASURES) >= 11


@pytest.mark.parametrize("path", MEASURES, ids=[p.stem for p in MEASURES])
def test_a_measures_module_opens_no_file(path: Path) -> None:
    calls = [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]
    names = {c.func.attr if isinstance(c.func, ast.Attribute) else getattr(c.func, "id", "")
             for c in calls}
    assert not names & READS, f"{path.name} reads files itself: {sorted(names & READS)}"


@pytest.mark.parametrize("path", MEASURES, ids=[p.stem for p in MEASURES])
def test_a_measures_module_writes_no_sentence(path: Path) -> None:
    wordy = [f.name for f in _functions(path) if WORDS.search(f.name) and f.name not in LABELS]
    assert wordy == [], f"{path.name} writes sentences or charts: {wordy}"
