"""Which files a section read, so the cache re-runs only the sections whose inputs changed.

The loaders also note the data-quality warnings they raise, so each section's record (and the
paper's data-quality appendix) carries them without the notebook having to.

Inside a notebook kernel run by the batch (which sets ``EVALUATION_TRACK_READS=1``), importing
the package calls :func:`start`, which installs a Python audit hook that notes every file
opened for reading; the loaders also :func:`record` the files they hand to pyarrow or DuckDB
(which open files outside Python). :class:`evaluation.report.publish.SectionWriter` writes the list
into the section's record, and the pipeline keeps, per cached section, the hashes of exactly
those files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_READS: set[str] = set()
_WARNINGS: list[str] = []
_ACTIVE = False
_IGNORED_ROOTS = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})


def _hook(event: str, args: tuple) -> None:
    if event != "open" or not _ACTIVE or not args:
        return
    path, mode = args[0], (args[1] if len(args) > 1 else "r")
    if isinstance(path, int) or (isinstance(mode, str) and any(m in mode for m in "wax+")):
        return
    try:
        record(os.fsdecode(path))
    except (TypeError, ValueError):
        return


ENV_FLAG = "EVALUATION_TRACK_READS"


def start() -> None:
    """Begin noting the files this process reads (idempotent: nothing already noted is
    forgotten; audit hooks stay installed for the life of the process)."""
    global _ACTIVE
    if not _ACTIVE:
        sys.addaudithook(_hook)
        _ACTIVE = True


def reset() -> None:
    """Forget what was noted (a reused kernel starting its next section)."""
    _READS.clear()
    _WARNINGS.clear()


def note_warning(text: str) -> None:
    """Note a data-quality warning raised while reading (only while active), for the
    section's data-quality record."""
    if _ACTIVE and text not in _WARNINGS:
        _WARNINGS.append(text)


def warnings_noted() -> list[str]:
    """Data-quality warnings noted since reading was first noted, in order."""
    return list(_WARNINGS)


def start_if_requested() -> None:
    """Start when the batch run asked for it (it sets ``EVALUATION_TRACK_READS`` for the
    kernel), so reads are noted from the notebook's first ``import evaluation``."""
    if os.environ.get(ENV_FLAG) == "1":
        start()


def record(path: str | Path) -> None:
    """Note that ``path`` was read (only while active; files under the Python installation
    are ignored)."""
    if not _ACTIVE:
        return
    text = os.path.abspath(os.fspath(path))
    if not text.startswith(_IGNORED_ROOTS):
        _READS.add(text)


def files_read() -> list[str]:
    """Regular files noted since :func:`start`, resolved and sorted."""
    out = set()
    for p in list(_READS):
        path = Path(p)
        if path.is_file():
            out.add(str(path.resolve()))
    return sorted(out)
