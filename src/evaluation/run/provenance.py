"""Prove later which data and code produced a pack: ``evaluation verify reports/<run>``.

The manifest records the SHA-256 of every input the run read, of every file of the pack it
wrote (paper HTML and PDF, tables, figures, executed notebooks, section HTML) and a
fingerprint of the package's code. ``verify`` recomputes all three and names every file that
changed, went missing or appeared since the paper was made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation import __version__
from evaluation.errors import EvaluationError
from evaluation.run.manifest import MANIFEST, ManifestError, git_commit, read_manifest, sha256_file


def _read_manifest(run_dir: Path) -> dict[str, Any]:
    try:
        manifest: Any = read_manifest(run_dir)
    except ManifestError as exc:
        if exc.problem == "missing":
            raise EvaluationError(f"No manifest.json in {run_dir}: is this a run "
                                  "folder?") from None
        if exc.problem == "unreadable":
            raise EvaluationError(f"{exc.path} cannot be read as a manifest ({exc.reason}); "
                                  "the pack cannot be verified. Run the report again.") from None
        manifest = None
    needed = {"inputs": dict, "code": dict, "status": str}
    if not isinstance(manifest, dict) or any(
            not isinstance(manifest.get(k), t) for k, t in needed.items()) or not isinstance(
            manifest.get("output_files", {}), dict | type(None)):
        raise EvaluationError(f"{run_dir / MANIFEST} is not a manifest of this tool (it needs "
                              "inputs and code as mappings and a status); the pack cannot be "
                              "verified.")
    return manifest


def _input_problems(manifest: dict[str, Any]) -> list[str]:
    lines = []
    for path, digest in manifest["inputs"].items():
        p = Path(path)
        if not p.is_file():
            lines.append(f"MISSING: {path}")
        elif sha256_file(p) != digest:
            lines.append(f"CHANGED since the paper was made: {path}")
    return lines


def _output_problems(run_dir: Path, manifest: dict[str, Any]) -> list[str]:
    from evaluation.run.pipeline import hash_outputs

    recorded = manifest.get("output_files")
    if recorded is None:
        return ["The manifest records no hashes of the pack's own files (made by an older "
                "version): the paper itself cannot be verified. Run the report again."]
    now = hash_outputs(run_dir)
    lines = [f"CHANGED output: {run_dir / p}" for p, h in sorted(recorded.items())
             if p in now and now[p] != h]
    lines += [f"MISSING output: {run_dir / p}" for p in sorted(recorded) if p not in now]
    lines += [f"EXTRA file not written by the run: {run_dir / p}" for p in sorted(now)
              if p not in recorded]
    lines += [f"EXTRA link not written by the run: {p}" for p in sorted(run_dir.rglob("*"))
              if p.is_symlink() and str(p.relative_to(run_dir)) not in now]
    return lines


def _code_problems(manifest: dict[str, Any], allow_dirty: bool) -> list[str]:
    from evaluation.run.cache import code_fingerprint

    code = manifest["code"]
    lines = []
    if code.get("version") != __version__:
        lines.append(f"Package version differs: paper made with {code.get('version')}, "
                     f"installed {__version__}.")
    fingerprint = code.get("fingerprint")
    if not fingerprint:
        lines.append("The manifest records no fingerprint of the code (made by an older "
                     "version): the code cannot be verified.")
    elif fingerprint != code_fingerprint():
        lines.append("CHANGED code: the package's source files differ from those that made "
                     "the paper (committed or not).")
    now = git_commit()
    if code.get("commit") and now.get("commit") and now["commit"] != code["commit"]:
        lines.append(f"Code commit differs: paper made at {code['commit'][:12]}, "
                     f"now {now['commit'][:12]}.")
    if code.get("dirty") and not allow_dirty:
        lines.append("The paper was made from a working tree with uncommitted changes, so no "
                     "commit can reproduce it (pass --allow-dirty to accept that).")
    return lines


def _version_lines(run_dir: Path, manifest: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, fine) for each version of the paper the manifest records: its files are
    there, and the public version prints no count below its threshold (recomputed from the
    sections' records in the pack)."""
    from evaluation.report.paper import SectionRecord, disclosure_problems

    problems, fine = [], []
    for name, version in (manifest.get("versions") or {}).items():
        noun = ("public version for the " if name == "public" else "paper for the ") \
            + str(version.get("audience", name))
        what = "The " + noun
        missing = [version[k] for k in ("markdown", "html", "pdf")
                   if k in version and not (run_dir / version[k]).is_file()]
        if missing:
            problems.append(f"MISSING: the {noun}: {', '.join(missing)}")
            continue
        if name == "public":
            records = [SectionRecord.read(p) for p in sorted((run_dir / "sections").glob(
                "*.json"))]
            small = disclosure_problems(records, int(version["disclosure_threshold"]))
            if small:
                problems.append(f"DISCLOSURE: the {noun} would print counts below "
                                f"{version['disclosure_threshold']}: " + "; ".join(small[:3]))
                continue
        fine.append(f"{what}: {version['html']} and {version['pdf']}, disclosure threshold "
                    f"{version['disclosure_threshold']}" + (
                        " (no count below it in any table it prints)" if name == "public"
                        else "") + ".")
    return problems, fine


def verify_run(run_dir: Path, allow_dirty: bool = False) -> tuple[bool, str]:
    """Recompute every input hash, every output hash and the code fingerprint.

    Returns (ok, plain-English report naming each changed, missing or extra file). ``ok`` is
    False on any difference, when the run was not complete, or when the paper was made from
    uncommitted code (unless ``allow_dirty``).
    """
    manifest = _read_manifest(run_dir)
    lines: list[str] = []
    if manifest.get("status") != "complete":
        lines.append(f"The run was not complete (status: {manifest.get('status')}).")
    lines += _input_problems(manifest)
    lines += _output_problems(run_dir, manifest)
    lines += _code_problems(manifest, allow_dirty)
    version_problems, versions = _version_lines(run_dir, manifest)
    lines += version_problems
    n_in, n_out = len(manifest["inputs"]), len(manifest.get("output_files") or {})
    if not lines:
        lines.insert(0, f"OK: all {n_in} input files, all {n_out} files of the pack and the "
                        f"code match the paper in {run_dir}.")
        lines += versions
        return True, "\n".join(lines)
    lines.insert(0, f"MISMATCH: the paper in {run_dir} no longer matches what made it "
                    f"({len(lines)} problem(s)):")
    return False, "\n".join(lines)
