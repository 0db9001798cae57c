"""A pack's ``manifest.json``: the one reader, and what a run writes into it.

Every reader of a manifest (:mod:`evaluation.run.outdir` deciding whether a folder is a pack,
``evaluation verify``, ``--previous``) reads it with :func:`read_manifest` and words its own
error from the :class:`ManifestError` it raises.
"""

from __future__ import annotations

import json
import platform
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from evaluation import __version__
from evaluation.data.reading import file_sha256
from evaluation.errors import EvaluationError, ParameterError

MANIFEST = "manifest.json"
TOOL = "opcc-evaluation"
"""Written into every manifest: how a later run knows a folder is a pack of this tool."""

sha256_file = file_sha256
"""SHA-256 of a file's bytes, read in blocks (the loaders' own, so inputs hash one way)."""


class ManifestError(EvaluationError):
    """A folder's manifest that is missing, cannot be read as JSON, or is not a mapping.

    ``problem`` is ``"missing"``, ``"unreadable"`` (``reason`` then says why) or
    ``"not a mapping"``; each reader turns it into its own message.
    """

    def __init__(self, path: Path, problem: str, reason: str = "") -> None:
        self.path, self.problem, self.reason = path, problem, reason
        super().__init__(f"{path}: {problem}" + (f" ({reason})" if reason else ""))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The ``manifest.json`` in ``folder``, parsed; :class:`ManifestError` when it is missing,
    unreadable (not a file, not UTF-8, not JSON) or not a JSON object."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ManifestError(path, "missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError covers UnicodeDecodeError and bad JSON
        raise ManifestError(path, "unreadable", str(exc)) from None
    if not isinstance(data, dict):
        raise ManifestError(path, "not a mapping")
    return data


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest`` as ``folder/manifest.json`` (an ``OSError`` is the caller's)."""
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def read_previous(previous: str | Path | None) -> Path | None:
    """The ``--previous`` run folder, checked now (not after the whole run)."""
    if previous is None:
        return None
    folder = Path(previous).resolve()
    try:
        data: Any = read_manifest(folder)
    except ManifestError as exc:
        if exc.problem == "missing":
            raise ParameterError(f"--previous {previous}: no manifest.json there; give the "
                                 "folder of an earlier run, e.g. reports/2019-q3.") from None
        if exc.problem == "unreadable":
            raise ParameterError(f"--previous {previous}: manifest.json cannot be read "
                                 f"({exc.reason}); give the folder of a complete earlier "
                                 "run.") from None
        data = None
    if not isinstance(data, dict) or data.get("status") != "complete":
        status = data.get("status") if isinstance(data, dict) else "unknown"
        raise ParameterError(f"--previous {previous}: not a complete run (status {status}); "
                             "compare with the last complete paper.")
    from evaluation.report.previous import check_previous

    problem = check_previous(folder, data)
    if problem:
        raise ParameterError(f"--previous {previous}: {problem}; give the folder of a complete "
                             "earlier run of this tool.")
    return folder


def hash_inputs(files: list[Path]) -> dict[str, str]:
    return {str(p): sha256_file(p) for p in files}


def git_commit() -> dict[str, Any]:
    """The package's git commit and whether its folder has uncommitted changes (both None
    outside a git checkout)."""
    src = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}
    return {"commit": head, "dirty": bool(dirty)}


def base_manifest(params_json: str, params_files: list[Path], previous_dir: Path | None,
                  started: datetime, inputs: dict[str, str], warnings: list[str],
                  code_hash: str) -> dict[str, Any]:
    """The manifest's record of the run before the paper exists."""
    return {
        "tool": TOOL,
        "status": "complete",
        "started": started.isoformat(timespec="seconds"),
        "finished": None,
        "code": {"version": __version__, **git_commit(), "python": platform.python_version(),
                 "fingerprint": code_hash},
        "params": json.loads(params_json),
        "params_files": [str(p.resolve()) for p in params_files],
        "previous": str(previous_dir) if previous_dir else None,
        "inputs": inputs,
        "input_warnings": list(warnings),
        "sections": [],
    }


def provenance_lines(manifest: dict[str, Any]) -> list[str]:
    """The manifest in plain words, for the paper's provenance appendix."""
    code = manifest["code"]
    commit = code.get("commit") or "unknown (not a git checkout)"
    dirty = " with uncommitted changes" if code.get("dirty") else ""
    params = manifest["params"]
    lines = [
        f"Produced by the evaluation package version {code['version']} (git commit "
        f"{commit}{dirty}) on {manifest['started'][:10]}, with Python {code['python']}.",
        f"Run '{params['run_name']}' for the period {params['period_start']} to "
        f"{params['period_end']}; parameters from "
        + " and ".join(f"`{Path(p).name}`" for p in manifest["params_files"]) + ".",
    ]
    folders: dict[str, list[str]] = {}
    for path in manifest["inputs"]:
        p = Path(path)
        key = next((str(Path(*p.parts[i:-1])) for i in range(len(p.parts))
                    if p.parts[i] in ("data", "params", "notebooks")), str(p.parent))
        folders.setdefault(key, []).append(p.name)
    for folder, names in sorted(folders.items()):
        shown = ", ".join(f"`{n}`" for n in sorted(names)[:6])
        more = f" and {len(names) - 6} more" if len(names) > 6 else ""
        lines.append(f"`{folder}/`: {len(names)} file(s): {shown}{more}.")
    lines.append(
        f"All {len(manifest['inputs'])} input files are listed with their SHA-256 hashes in "
        "manifest.json beside this paper; `evaluation verify <run folder>` recomputes them and "
        "says whether this paper still matches its inputs and code."
    )
    return lines
