"""preflight.SECTION_DATASETS is kept by hand: check it against what each notebook reads.

A notebook reads a data-folder dataset by naming it to ``loaders.load`` or
``loaders.dataset_path`` (the name as a string literal), either in its own cells or through a
measures helper it calls (``scorecard.Sources``, ``grants.load_register``), whose module is then
read the same way. A read with ``lenient=True`` must be checked leniently too.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from evaluation.data.reading import DATASETS
from evaluation.run.preflight import SECTION_DATASETS

ROOT = Path(__file__).resolve().parents[3]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MEASURES = ROOT / "src" / "evaluation" / "measures"

#: helpers that read datasets for the notebook that calls them → the module they read in
HELPERS = {"Sources": "scorecard", "load_register": "grants"}

#: known differences, kept as they are because fixing one changes what preflight checks
KNOWN: dict[str, str] = {}


def _reads(tree: ast.AST) -> tuple[dict[str, bool], set[str]]:
    """(dataset → read leniently, names of the functions called) in a parsed source."""
    reads: dict[str, bool] = {}
    called: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(
            node.func, "id", "")
        called.add(name)
        position = {"load": 0, "dataset_path": 1}.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        if isinstance(arg, ast.Constant) and arg.value in DATASETS:
            lenient = any(k.arg == "lenient" and isinstance(k.value, ast.Constant)
                          and k.value.value is True for k in node.keywords)
            reads[arg.value] = reads.get(arg.value, False) or lenient
    return reads, called


def _notebook_tree(path: Path) -> ast.Module:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    lines = [line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _section_reads(path: Path) -> dict[str, bool]:
    reads, called = _reads(_notebook_tree(path))
    for helper, module in HELPERS.items():
        if helper in called:
            more, _ = _reads(ast.parse((MEASURES / f"{module}.py").read_text(encoding="utf-8")))
            for dataset, lenient in more.items():
                reads[dataset] = reads.get(dataset, False) or lenient
    return reads


def test_every_section_notebook_is_listed() -> None:
    assert NOTEBOOKS
    assert sorted(SECTION_DATASETS) == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("path", [
    pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN[p.stem], strict=True))
    if p.stem in KNOWN else p for p in NOTEBOOKS], ids=[p.stem for p in NOTEBOOKS])
def test_section_datasets_are_those_the_notebook_reads(path: Path) -> None:
    listed = {u.dataset: u.lenient for u in SECTION_DATASETS[path.stem]}
    assert listed == _section_reads(path)
