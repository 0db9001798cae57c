"""The one reader of a pack's manifest.json: each way it can fail is told apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluation.run.manifest import ManifestError, read_manifest


@pytest.mark.parametrize(("text", "problem"), [
    (None, "missing"), ('{"status": "compl', "unreadable"), (b"\xff\xfe", "unreadable"),
    ("[1, 2]", "not a mapping"),
])
def test_read_manifest_names_the_problem(tmp_path: Path, text: str | bytes | None,
                                         problem: str) -> None:
    path = tmp_path / "manifest.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text)
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path)
    assert info.value.problem == problem
    assert info.value.path == path


def test_read_manifest_returns_the_mapping(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"tool": "opcc-evaluation"}')
    assert read_manifest(tmp_path) == {"tool": "opcc-evaluation"}
