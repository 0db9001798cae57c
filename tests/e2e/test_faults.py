"""The fault corpus (tests/data/faults): every case gives one clear message and its exit code,
never a traceback, and changes no input file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from evaluation.run.pipeline import sha256_file

ROOT = Path(__file__).resolve().parents[2]
FAULTS = ROOT / "tests" / "data" / "faults"
CASES = sorted(FAULTS.glob("*.yaml"))
pytestmark = pytest.mark.e2e


def _data_hashes() -> dict[str, str]:
    return {str(p): sha256_file(p) for p in sorted((ROOT / "data").rglob("*")) if p.is_file()}


def _fill(text: str, tmp: Path) -> str:
    return text.replace("{tmp}", str(tmp)).replace("{root}", str(ROOT))


def _prepare(case: dict[str, Any], tmp: Path, write_defaults) -> None:
    (tmp / "params").mkdir()
    write_defaults(tmp / "params")
    if case.get("copy_sample"):
        shutil.copytree(ROOT / "data" / "sample", tmp / "data")
    for name, content in (case.get("files") or {}).items():
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if content.startswith("cp1252:"):
            path.write_bytes(_fill(content.removeprefix("cp1252:"), tmp).encode("cp1252"))
        else:
            path.write_text(_fill(content, tmp), encoding="utf-8")
    for name, (encoding, old, new) in (case.get("recode") or {}).items():
        path = tmp / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{name} has no {old!r} to replace"
        path.write_bytes(text.replace(old, new, 1).encode(encoding))


def test_the_corpus_covers_the_reported_faults() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_fault_gives_one_clear_message_and_no_traceback(case_file: Path, tmp_path: Path,
                                                         write_defaults) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    _prepare(case, tmp_path, write_defaults)
    before = _data_hashes()
    args = [_fill(str(a), tmp_path) for a in case["args"]]
    proc = subprocess.run([sys.executable, "-m", "evaluation.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-3000:]
    assert proc.returncode == case["exit"], output[-3000:]
    assert case["expect"] in " ".join(output.split()), output[-3000:]
    assert _data_hashes() == before, "an input file under data/ changed"
    for name in case.get("files") or {}:  # the user's own files are never touched
        if not name.startswith("params/") and case["exit"] != 0:
            assert (tmp_path / name).is_file()
