"""Import one force's months from a data.police.uk archive (the zip the site's download gives).

The archive holds one folder per month, ``YYYY-MM/``, with a file per force and kind:
``YYYY-MM-<force>-street.csv``, ``YYYY-MM-<force>-outcomes.csv`` and
``YYYY-MM-<force>-stop-and-search.csv``. :func:`import_archive` reads the members for one
force and a run of months straight from the zip, a member at a time (never the whole
archive in memory), checks each against the police.uk contract as it is written, and writes
``street/``, ``outcomes/`` and ``stop-and-search/`` folders of gzip-compressed files, the
layout the pack reads from ``real_dir``. The archive is only read. Nothing is left in the
destination unless every file passed: the files are written to a staging folder beside it
and moved into place at the end.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluation.data.ons_pfa import TERRITORIAL_FORCES, territorial_force
from evaluation.errors import DataValidationError, EvaluationError, Problem, ProblemReport

KINDS = ("street", "outcomes", "stop-and-search")
CHECKED = ("street", "outcomes")  # the kinds the pack's contracts describe
_MEMBER = re.compile(r"(?:^|/)(\d{4}-\d{2})/\1-(?P<force>[a-z0-9-]+?)-"
                     r"(?P<kind>street|outcomes|stop-and-search)\.csv$")
_OLD_LAYOUT = ("Easting", "Northing")  # street files before 2013 gave grid references

#: data.police.uk's file names for the forces whose slug is not their ONS name in lower case.
SLUGS: dict[str, str] = {
    "London, City of": "city-of-london",
    "Metropolitan Police": "metropolitan",
    "Devon and Cornwall": "devon-and-cornwall",
    "Avon and Somerset": "avon-and-somerset",
    "Dyfed-Powys": "dyfed-powys",
}


def slug(force: str) -> str:
    """The file-name form of a force: 'Devon and Cornwall' -> 'devon-and-cornwall'."""
    name = territorial_force(force)
    return SLUGS.get(name, name.lower().replace(" ", "-"))


def month_range(text: str) -> list[str]:
    """'2018-10:2019-03' -> the six months; '2019-01' -> one month."""
    parts = text.split(":")
    try:
        first = pd.Period(parts[0], "M")
        last = pd.Period(parts[-1], "M")
    except ValueError as exc:
        raise EvaluationError(f"--months '{text}' is not YYYY-MM or YYYY-MM:YYYY-MM") from exc
    if len(parts) > 2 or last < first or not all(re.fullmatch(r"\d{4}-\d{2}", p)
                                                  for p in parts):
        raise EvaluationError(f"--months '{text}' is not YYYY-MM or YYYY-MM:YYYY-MM with the "
                              "first month not after the last")
    return [str(p) for p in pd.period_range(first, last, freq="M")]


@dataclass(frozen=True)
class Imported:
    """What an import wrote: each kind's files, and the rows read per kind."""

    files: dict[str, list[Path]]
    rows: dict[str, int]


def _members(book: zipfile.ZipFile) -> dict[tuple[str, str, str], zipfile.ZipInfo]:
    out = {}
    for info in book.infolist():
        m = _MEMBER.search(info.filename)
        if m:
            out[(m.group(1), m.group("force"), m.group("kind"))] = info
    return out


def _problem(archive: Path, message: str, member: str = "", expected: str | None = None
             ) -> DataValidationError:
    where = f"member {member}: " if member else ""
    return DataValidationError(ProblemReport([Problem(str(archive), where + message,
                                                      expected=expected)]))


def import_archive(archive: str | Path, force: str, months: list[str], out: str | Path,
                   ) -> Imported:
    """Copy ``force``'s files for ``months`` from the police.uk ``archive`` into ``out``.

    Raises :class:`DataValidationError` (archive, member, what was expected) for a file that
    is not a zip, a force with no files in it (naming the forces it has), a month missing for
    the force (street files are required; outcomes and stop and search are taken when
    present), a file in the pre-2013 layout (Easting/Northing), or a file that fails the
    police.uk contract (e.g. another force's rows). The archive is never changed, and
    ``out`` gets nothing unless every file passed.
    """
    archive, out = Path(archive), Path(out)
    name = territorial_force(force)
    wanted = slug(name)
    try:
        book = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _problem(archive, f"not a readable zip archive ({exc})",
                       expected="a data.police.uk download (.zip)") from exc
    with book:
        members = _members(book)
        forces = sorted({f for (_, f, _) in members})
        if wanted not in forces:
            known = {slug(f): f for f in TERRITORIAL_FORCES}
            has = ", ".join(known.get(f, f) for f in forces) or "none"
            raise _problem(archive, f"no files for {name} ('{wanted}')",
                           expected=f"files named YYYY-MM/YYYY-MM-{wanted}-street.csv; the "
                                    f"archive has files for: {has}")
        missing = [m for m in months if (m, wanted, "street") not in members]
        if missing:
            have = sorted(m for (m, f, k) in members if f == wanted and k == "street")
            raise _problem(archive, f"{name} has no street file for {', '.join(missing)}",
                           expected=f"every month asked for; the archive has {have[0]} to "
                                    f"{have[-1]}" if have else "street files")
        staging = out.parent / f".{out.name}.import-{uuid.uuid4().hex[:8]}"
        try:
            files, rows = _copy(book, archive, members, name, wanted, months, staging)
            _check(files, name)
            out.mkdir(parents=True, exist_ok=True)
            placed: dict[str, list[Path]] = {}
            for kind, paths in files.items():
                (out / kind).mkdir(exist_ok=True)
                placed[kind] = []
                for p in paths:
                    target = out / kind / p.name
                    shutil.move(str(p), target)
                    placed[kind].append(target)
            return Imported(placed, rows)
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _copy(book: zipfile.ZipFile, archive: Path, members: dict, name: str, wanted: str,
          months: list[str], staging: Path) -> tuple[dict[str, list[Path]], dict[str, int]]:
    """Stream each member into a gzip file in ``staging``, checking its header."""
    files: dict[str, list[Path]] = {k: [] for k in KINDS}
    rows = dict.fromkeys(KINDS, 0)
    for month in months:
        for kind in KINDS:
            info = members.get((month, wanted, kind))
            if info is None:
                continue
            target = staging / kind / f"{month}-{wanted}-{kind}.csv.gz"
            target.parent.mkdir(parents=True, exist_ok=True)
            with book.open(info) as raw, gzip.open(target, "wb", compresslevel=6) as dest:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                header = text.readline()
                columns = next(csv.reader([header]), [])
                old = [c for c in _OLD_LAYOUT if c in columns]
                if old:
                    raise _problem(archive, f"the pre-2013 layout ({', '.join(old)} grid "
                                   "references)", member=info.filename,
                                   expected="Longitude and Latitude columns (files from 2013 on)")
                dest.write(header.encode("utf-8"))
                for line in text:
                    dest.write(line.encode("utf-8"))
                    rows[kind] += 1
            files[kind].append(target)
    return {k: v for k, v in files.items() if v}, rows


def _check(files: dict[str, list[Path]], force: str) -> None:
    """The street and outcomes files against the police.uk contract (another force's rows,
    a bad month, missing columns ... are errors; quirks are warnings)."""
    from evaluation.data.loaders import load_policeuk

    fragment = {"London, City of": "City of London",
                "Metropolitan Police": "Metropolitan"}.get(force, force)
    for kind in CHECKED:
        if kind in files:
            load_policeuk(files[kind], kind, fragment)
