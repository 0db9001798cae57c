"""Large CSV files are read in chunks (bounded memory) with the same results as a whole read:
every scenario file of the bad-input corpus, and the sample, give the same frame and the same
problems when read five rows at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.data import large_csv, loaders
from evaluation.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[3]
CASES = [
    (d.name, f)
    for d in sorted((ROOT / "tests" / "data").iterdir())
    if d.name in loaders.DATASETS and not d.name.startswith(("policeuk", "grants_360"))
    for f in sorted(d.glob("*.csv"))
]
CASES += [(n, ROOT / "data" / "sample" / f"{n}.csv") for n in
          ("victims_hub", "grants", "volunteers", "public_contact")]


def _read(dataset: str, path: Path) -> tuple[list[str], object]:
    problems = [p.format() for p in loaders.validate_files(dataset, [path]).problems]
    try:
        frame = loaders.load(dataset, path)
    except DataValidationError:
        return problems, None
    return problems, (frame, frame.attrs["row_numbers"])


def test_there_are_cases() -> None:
    assert len(CASES) > 40


@pytest.mark.parametrize(("dataset", "path"), CASES,
                         ids=[f"{d}/{p.name}" for d, p in CASES])
def test_chunked_read_equals_whole_read(dataset: str, path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    whole_problems, whole = _read(dataset, path)
    monkeypatch.setattr(large_csv, "STREAM_BYTES", 0)
    monkeypatch.setattr(large_csv, "STREAM_ROWS", 5)
    streamed = []
    real = large_csv._stream_table
    monkeypatch.setattr(loaders, "_stream_table",
                        lambda *a, **k: streamed.append(a[0]) or real(*a, **k))
    chunk_problems, chunked = _read(dataset, path)
    assert streamed or path.stat().st_size == 0, "the chunked reader was not used"
    assert sorted(chunk_problems) == sorted(whole_problems)
    if whole is None:
        assert chunked is None
    else:
        assert chunked is not None
        assert chunked[0].equals(whole[0])
        assert chunked[1] == whole[1]


def test_a_key_repeated_in_another_chunk_is_found(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    lines = (ROOT / "data" / "sample" / "correspondence.csv").read_text().splitlines()
    lines.append(lines[1])  # the first record again, thousands of rows later
    path = tmp_path / "correspondence.csv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(large_csv, "STREAM_BYTES", 0)
    monkeypatch.setattr(large_csv, "STREAM_ROWS", 1000)
    report = loaders.validate_files("correspondence", [path])
    assert [p.format() for p in report.errors] == [
        f"ERROR: correspondence.csv, row {len(lines)}, column 'item_id': duplicate key "
        f"item_id: same as row 2 (found '{lines[1].split(',')[0]}'; expected each key once)"]
