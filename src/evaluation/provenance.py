"""Prove later which data and code produced a pack: ``evaluation verify reports/<run>``."""

from __future__ import annotations

import json
from pathlib import Path

from evaluation import __version__
from evaluation.errors import EvaluationError


def verify_run(run_dir: Path) -> tuple[bool, str]:
    """Recompute every input hash and the code version recorded in ``manifest.json``.

    Returns (ok, plain-English report). ``ok`` is False when any input changed or is missing,
    when the package version differs, or when the run itself was not complete.
    """
    from evaluation.pipeline import _git_commit, sha256_file

    manifest_path = run_dir / "manifest.json"
    if not manifest_path.is_file():
        raise EvaluationError(f"No manifest.json in {run_dir}: is this a run folder?")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    lines: list[str] = []
    problems = 0
    if manifest.get("status") != "complete":
        problems += 1
        lines.append(f"The run was not complete (status: {manifest.get('status')}).")
    changed, missing = [], []
    for path, digest in manifest["inputs"].items():
        p = Path(path)
        if not p.is_file():
            missing.append(path)
        elif sha256_file(p) != digest:
            changed.append(path)
    for path in changed:
        lines.append(f"CHANGED since the paper was made: {path}")
    for path in missing:
        lines.append(f"MISSING: {path}")
    problems += len(changed) + len(missing)
    code = manifest["code"]
    if code["version"] != __version__:
        problems += 1
        lines.append(f"Package version differs: paper made with {code['version']}, "
                     f"installed {__version__}.")
    now = _git_commit()
    if code.get("commit") and now.get("commit") and now["commit"] != code["commit"]:
        problems += 1
        lines.append(f"Code commit differs: paper made at {code['commit'][:12]}, "
                     f"now {now['commit'][:12]}.")
    n = len(manifest["inputs"])
    if problems == 0:
        lines.insert(0, f"OK: all {n} input files and the code version match the paper in "
                        f"{run_dir}.")
        return True, "\n".join(lines)
    lines.insert(0, f"MISMATCH: the paper in {run_dir} no longer matches its inputs "
                    f"({problems} problem(s)).")
    return False, "\n".join(lines)
