"""Content-addressed cache of executed sections and rendered papers.

A section is not run again when its notebook, its parameters, the package's own code and the
files it read are all unchanged. The cache key is a SHA-256 over the first three; each cached
section also keeps the SHA-256 of every input file it read (noted in the kernel by
:mod:`evaluation.data.read_log`), and is reused only when all of those still match. So a change to
one
dataset re-runs only the sections that read it, and a stale result can never be reused. The
cache lives in ``.opcc-evaluation-cache/`` beside the runs (see
:func:`evaluation.run.outdir.cache_dir`); ``evaluation report --no-cache`` ignores it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SECTION_GLOBS = ("tables/{s}__*", "figures/{s}__*", "sections/{s}.json",
                 "executed/{s}.ipynb", "html/{s}.html")


def digest(*parts: object) -> str:
    """SHA-256 of the JSON form of ``parts`` (sorted keys, so dict order never matters)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_fingerprint() -> str:
    """SHA-256 over the package's source files and templates (what produced the numbers)."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".typ", ".lua", ".css"):
            h.update(str(path.relative_to(package)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


class RunCache:
    """Sections and papers stored under ``root`` by key."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # -- notebook parameters (so a fully cached run never imports papermill) -------------
    def declared(self, notebook: Path, notebook_hash: str) -> dict[str, Any]:
        path = self.root / "notebook-parameters" / f"{notebook_hash}.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
        import papermill

        declared = papermill.inspect_notebook(str(notebook))
        self._write_json(path, declared)
        return declared

    # -- sections ------------------------------------------------------------------------
    def _section_dir(self, section: str, key: str) -> Path:
        return self.root / "sections" / section / key

    def restore_section(self, section: str, key: str, staging: Path,
                        current: dict[str, str]) -> bool:
        """Copy a cached section's outputs into ``staging`` when every input file it read
        still has the hash it had (``current``: path → SHA-256 now); False otherwise."""
        src = self._section_dir(section, key)
        if not (src / "complete").is_file() or not (src / "inputs.json").is_file():
            return False
        used = json.loads((src / "inputs.json").read_text(encoding="utf-8"))
        stale = [p for p, h in used.items() if current.get(p) != h]
        if stale:
            log.info("section %s: input changed (%s), running again", section,
                     ", ".join(Path(p).name for p in stale[:3]))
            return False
        for path in src.rglob("*"):
            if path.is_file() and path.name not in ("complete", "inputs.json"):
                dest = staging / path.relative_to(src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
        log.info("section %s: unchanged, reused from cache", section)
        return True

    def store_section(self, section: str, key: str, staging: Path, inputs: dict[str, str]
                      ) -> None:
        """Keep a section's outputs with the hashes of the input files it read."""
        files = [p for pattern in SECTION_GLOBS for p in staging.glob(pattern.format(s=section))]
        self._store(self._section_dir(section, key), staging, files,
                    extra={"inputs.json": json.dumps(inputs, sort_keys=True)})

    # -- timings (longest sections start first) ------------------------------------------
    def expected_seconds(self) -> dict[str, float]:
        path = self.root / "timings.json"
        if not path.is_file():
            return {}
        try:
            return {k: float(v) for k, v in json.loads(path.read_text("utf-8")).items()}
        except (ValueError, AttributeError):
            return {}

    def note_seconds(self, section: str, seconds: float) -> None:
        timings = self.expected_seconds()
        timings[section] = round(seconds, 2)
        self._write_json(self.root / "timings.json", timings)

    # -- papers --------------------------------------------------------------------------
    def restore_paper(self, key: str, staging: Path) -> list[Path] | None:
        src = self.root / "papers" / key
        if not (src / "complete").is_file():
            return None
        restored = []
        for path in src.rglob("*"):
            if path.is_file() and path.name != "complete":
                dest = staging / path.relative_to(src)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)
                restored.append(dest)
        log.info("paper unchanged, reused from cache")
        return restored

    def store_paper(self, key: str, staging: Path, files: Iterable[Path]) -> None:
        self._store(self.root / "papers" / key, staging, list(files))

    # -- helpers -------------------------------------------------------------------------
    def _store(self, dest: Path, base: Path, files: list[Path],
               extra: dict[str, str] | None = None) -> None:
        tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}"
        tmp.mkdir(parents=True)
        for path in files:
            target = tmp / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        for name, text in (extra or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / "complete").write_text("ok", encoding="utf-8")
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)

    def _write_json(self, path: Path, data: Any) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
