"""Output folders that can never destroy anything.

A run writes into a destination folder (``--out``, default ``reports/<run_name>``). Before any
kernel starts, :func:`check_destination` refuses every destination that could lose a file that
is not this tool's own:

- a folder holding anything other than an earlier pack of this tool (its ``manifest.json``
  says so) — a user's own files are never replaced;
- a folder inside, or containing, any input folder or input file (data, seed, real,
  notebooks, params) — a pack is never written into its own inputs;
- the folder named by ``--previous``.

:class:`RunLock` then takes an exclusive lock on the destination, so a second run into the same
folder is refused at once, naming the other run's pid and start time. The run stages in its
own uniquely named folder beside the destination; :func:`publish` moves a **complete** run into
place (replacing only an earlier pack) and a failed run into ``<out>.draft`` beside it, leaving
the good pack untouched. Staging folders left by a killed run are removed by the next run into
the same destination (they carry a marker file, so nothing else is ever removed).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluation.errors import EvaluationError, ParameterError
from evaluation.run.manifest import TOOL, ManifestError, read_manifest

log = logging.getLogger(__name__)

STAGING_MARKER = ".evaluation-staging"
DRAFT_SUFFIX = ".draft"


class OutputError(EvaluationError):
    """A destination that a run must not write to, or a folder it cannot write."""


def _manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest if it names this tool, else None (missing or unreadable too)."""
    try:
        data = read_manifest(folder)
    except ManifestError:
        return None
    return data if data.get("tool") == TOOL else None


def is_pack(folder: Path) -> bool:
    """True when ``folder`` holds a pack written by this tool (complete or draft): its
    manifest names the tool. (A manifest of the right shape alone is not enough: anyone can
    write one.)"""
    return _manifest(folder) is not None


def foreign_files(folder: Path) -> list[str]:
    """Files (and links) in a pack that its run did not write: a user's notes, a copied
    table. A pack holding any is never replaced, so they are never deleted."""
    manifest = _manifest(folder)
    recorded = set((manifest or {}).get("output_files") or {}) | {"manifest.json"}
    out = []
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink() or (path.is_file() and rel not in recorded):
            out.append(rel)
    return out


def draft_dir(final: Path) -> Path:
    """Where a failed run's draft goes: beside the destination, never over it."""
    return final.with_name(final.name + DRAFT_SUFFIX)


def _inside(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def _describe(names: list[str], limit: int = 4) -> str:
    """'a, b, c, d and 3 more'."""
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit
                                       else "")


def _check_one(folder: Path, what: str, protected: dict[Path, str]) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{what} {folder} is a file, not a folder. Choose a new or empty "
                          "folder for the board pack.")
    for path, role in protected.items():
        if _inside(folder, path):
            raise OutputError(
                f"{what} {folder} is inside the {role} {path}: a pack is never written into "
                "its inputs. Choose a folder outside it, e.g. reports/<run_name>."
            )
        if _inside(path, folder):
            raise OutputError(
                f"{what} {folder} contains the {role} {path}: replacing it would delete the "
                "run's inputs. Choose a new or empty folder, e.g. reports/<run_name>."
            )
    if folder.is_dir() and any(folder.iterdir()):
        if not is_pack(folder):
            names = sorted(p.name for p in folder.iterdir())
            raise OutputError(
                f"{what} {folder} already holds files that are not a board pack of this tool "
                f"({_describe(names)}). Nothing was changed. Choose a new or empty folder, or "
                "the folder of an earlier run."
            )
        extra = foreign_files(folder)
        if extra:
            raise OutputError(
                f"{what} {folder} holds an earlier pack with files its run did not write "
                f"({_describe(extra)}); replacing the pack would delete them. Nothing was "
                "changed. Move them out, or choose another --out."
            )


def check_destination(final: Path, protected: dict[Path, str],
                      previous: Path | None = None) -> None:
    """Refuse a destination that could lose a file that is not this tool's own.

    ``protected`` maps each input folder and input file to its role ("data folder",
    "notebooks folder", ...). Raises :class:`OutputError` (one message, nothing changed).
    """
    final = final.resolve()
    protected = {p.resolve(): role for p, role in protected.items()}
    if previous is not None:
        prev = previous.resolve()
        if prev == final or prev == draft_dir(final):
            raise ParameterError(
                f"--previous {previous} is the destination of this run: the new pack would "
                "replace the paper it is compared with. Give --out another folder."
            )
    _check_one(final, "--out", protected)
    _check_one(draft_dir(final), "The draft folder", protected)


class RunLock:
    """An exclusive lock on one destination, held for the whole run.

    The lock file ``.<name>.lock`` sits beside the destination and holds the pid and start
    time of its owner. The kernel releases the lock if the process dies, so a killed run never
    blocks the next one; the stale file is then reused.
    """

    def __init__(self, final: Path) -> None:
        self.final = final.resolve()
        self.path = self.final.parent / f".{self.final.name}.lock"
        self._fh: Any = None

    def acquire(self) -> RunLock:
        parent = self.path.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise unwritable(parent, exc) from None
        if self.path.is_symlink() or (self.path.exists() and not _is_lock_file(self.path)):
            raise OutputError(
                f"{self.path} is in the way: the run keeps its lock there, and that is not a "
                "lock file of this tool. Nothing was changed. Move it, or choose another --out."
            )
        while True:
            try:
                fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the run)
            except OSError as exc:
                raise unwritable(parent, exc) from None
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = _holder(fh.read())
                fh.close()
                raise OutputError(
                    f"Another run is writing to {self.final} ({holder}). Wait for it to "
                    "finish, or choose another --out."
                ) from None
            # the file may have been removed by its previous holder between open and lock
            try:
                same = os.fstat(fh.fileno()).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            fh.close()
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(),
                             "started": datetime.now(UTC).isoformat(timespec="seconds")}))
        fh.flush()
        self._fh = fh
        return self

    def release(self) -> None:
        if self._fh is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self._fh.close()
        self._fh = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _is_lock_file(path: Path) -> bool:
    """An empty file, or one holding this tool's lock record (pid and start time)."""
    try:
        if not path.is_file() or path.stat().st_size > 4096:
            return False
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    if not text:
        return True
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and set(data) == {"pid", "started"}


CACHE_NAME = ".opcc-evaluation-cache"
CACHE_MARKER = "opcc-evaluation-cache"


def cache_dir(final: Path) -> Path:
    """The content-hash cache beside the destination, created and marked as this tool's own;
    a folder of that name that is not refuses the run (it is never written into)."""
    folder = final.parent / CACHE_NAME
    marker = folder / CACHE_MARKER
    if folder.exists() and not marker.is_file():
        if folder.is_dir() and not any(folder.iterdir()):
            marker.write_text("cache of the opcc-evaluation board packs\n", encoding="utf-8")
            return folder
        raise OutputError(
            f"{folder} exists and is not the cache of this tool; nothing was changed. Move it, "
            "or choose another --out."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text("cache of the opcc-evaluation board packs\n", encoding="utf-8")
    except OSError as exc:
        raise unwritable(final.parent, exc) from None
    return folder


def _holder(text: str) -> str:
    try:
        data = json.loads(text)
        return f"pid {data['pid']}, started {data['started']}"
    except (ValueError, KeyError, TypeError):
        return "pid unknown"


def unwritable(folder: Path, exc: OSError) -> OutputError:
    """One message for a folder the run cannot write (read-only, full, no permission)."""
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EPERM: "permission denied"}.get(
        exc.errno or 0, exc.strerror or str(exc))
    return OutputError(f"Cannot write the board pack in {folder}: {reason}. Free space or "
                       "choose a writable --out; any earlier pack there is unchanged.")


def new_staging(final: Path) -> Path:
    """A uniquely named staging folder beside the destination, marked as this tool's own.

    Call with the destination's :class:`RunLock` held: staging folders of earlier runs into the
    same destination (left by a killed run) are removed first, and reported.
    """
    parent = final.parent
    for stale in parent.glob(f".{final.name}.staging-*"):
        if (stale / STAGING_MARKER).is_file():
            log.warning("removed the staging folder of an interrupted run: %s", stale)
            shutil.rmtree(stale, ignore_errors=True)
    staging = parent / f".{final.name}.staging-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir(parents=True)
        (staging / STAGING_MARKER).write_text(f"{os.getpid()}\n", encoding="utf-8")
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise unwritable(parent, exc) from None
    return staging


def discard_staging(staging: Path) -> None:
    """Remove a staging folder of this run (only one carrying the marker)."""
    if (staging / STAGING_MARKER).is_file():
        shutil.rmtree(staging, ignore_errors=True)


def publish(staging: Path, final: Path, complete: bool) -> Path:
    """Move a finished staging folder into place; returns where the pack now is.

    A complete run replaces an earlier pack at ``final`` (and removes an earlier draft
    beside it); a failed run goes to ``<final>.draft`` and leaves ``final`` untouched.
    """
    (staging / STAGING_MARKER).unlink(missing_ok=True)
    target = final if complete else draft_dir(final)
    old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
    try:
        if target.exists():
            if any(target.iterdir()) and (not is_pack(target) or foreign_files(target)):
                raise OutputError(f"{target} was changed during the run and now holds files "
                                  "that are not its pack's; the new pack is left in "
                                  f"{staging}.")
            target.rename(old)
        staging.rename(target)
    except OSError as exc:
        if old.exists() and not target.exists():
            old.rename(target)
        raise unwritable(target.parent, exc) from None
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)
    if complete:
        draft = draft_dir(final)
        if draft.is_dir() and is_pack(draft) and not foreign_files(draft):
            shutil.rmtree(draft, ignore_errors=True)
    return target
