"""Large CSV files read and checked in chunks, so memory follows the chunk and not the file:
every check runs on each chunk, and repeated keys are found across chunks from a 64-bit hash
of each record's key (see docs/performance.md)."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluation.data import checks, read_log
from evaluation.data.parsing import is_blank
from evaluation.data.reading import (
    _binary_file,
    _finish,
    _frame_from_rows,
    _looks_binary,
    _not_utf8,
    _pick_header,
    _Raw,
    _schema_for,
    _validate,
)
from evaluation.data.schemas import kind_of
from evaluation.errors import Problem

logger = logging.getLogger("evaluation.data.loaders")  # one logger for every reader


STREAM_BYTES = 32 * 1024 * 1024
"""CSV files larger than this (on disk) are read and checked in chunks of :data:`STREAM_ROWS`
rows, so peak memory follows the chunk (plus the key columns kept for the duplicate-key check
across chunks), not the file. Smaller files are read whole (the same checks, the same
messages)."""


STREAM_ROWS = 200_000


def _open_binary(path: Path, gz: bool) -> io.BufferedIOBase:
    return gzip.open(path, "rb") if gz else open(path, "rb")  # noqa: SIM115


def _stream_encoding(path: Path, file: str, gz: bool) -> tuple[str, list[Problem]]:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1, found in one pass each."""
    bad: int | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with _open_binary(path, gz) as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    decoder.decode(block)
                    offset += len(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if bad is None:
                bad = offset + exc.start
            continue
        if encoding == "utf-8-sig":
            return encoding, []
        break
    else:
        encoding = "latin-1"
    name = "Windows-1252" if encoding == "cp1252" else "Latin-1"
    return encoding, [_not_utf8(file, bad, name)]


def _streamable(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith((".parquet", ".pq", ".xlsx", ".xlsm")):
        return False
    try:
        if path.stat().st_size <= STREAM_BYTES:
            return False
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError:
        return False
    return magic != b"PAR1" and magic[:2] != b"PK"


@dataclass
class _Chunk:
    raw: _Raw
    validated: pd.DataFrame | None
    typed: pd.DataFrame | None
    problems: list[Problem]


def _chunks(path: Path, dataset: str, schema: pa.DataFrameSchema, encoding: str, gz: bool,
            **validate: Any) -> Iterator[_Chunk | list[Problem]]:
    """Each chunk of a large CSV file, checked (keys apart); a list of problems instead when
    the file cannot be read at all."""
    file = str(path)
    expected = list(schema.columns)
    with (gzip.open(path, "rt", encoding=encoding, newline="") if gz else
          open(path, encoding=encoding, newline="")) as fh:
        reader = csv.reader(fh)
        rows: list[list[object]] = list(itertools.islice(reader, STREAM_ROWS))
        h = _pick_header(rows, expected)
        if h is None or not any(not is_blank(c) for r in rows for c in r):
            yield [Problem(file, "file is empty", expected="a header row and records")]
            return
        header, offset = rows[h], 0
        raw, _ = _frame_from_rows(rows, file, expected, True)
        while True:
            assert raw is not None
            raw.problems = [p for p in raw.problems if "no records" not in p.message]
            if len(raw.frame):
                validated, typed, found = _validate(raw, dataset, schema, check_keys=False,
                                                    **validate)
            else:
                validated, typed, found = None, None, list(raw.problems)
            yield _Chunk(raw, validated, typed, found)
            offset += len(rows)
            rows = list(itertools.islice(reader, STREAM_ROWS))
            if not rows:
                return
            raw, _ = _frame_from_rows([header, *rows], file, expected, True, header_at=0,
                                      row_offset=offset - 1, header_row=h + 1)


def _repeated_rows(hashes: list[np.ndarray], rows: list[np.ndarray]) -> set[int]:
    """Rows whose 64-bit key hash occurs more than once (candidates for the exact check)."""
    if not hashes:
        return set()
    h, r = np.concatenate(hashes), np.concatenate(rows)
    order = np.argsort(h, kind="stable")
    hs = h[order]
    same = np.zeros(len(hs), dtype=bool)
    same[1:] |= hs[1:] == hs[:-1]
    same[:-1] |= hs[:-1] == hs[1:]
    return set(r[order[same]].tolist())


def _stream_table(
    path: Path, dataset: str, *, period_start: date | None, period_end: date | None,
    today: date, lenient: bool = False, keep: bool = True,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """:func:`_load_table` for a large CSV file, chunk by chunk (see :data:`STREAM_BYTES`).

    Every check runs on each chunk; repeated keys are found across chunks from a 64-bit hash
    of each record's key (8 bytes a record), and only when some repeat is the file read a
    second time for the rows concerned, so the messages are those of a whole-file read."""
    read_log.record(path)
    schema = _schema_for(dataset)
    file = str(path)
    opened = _open_stream(path, file)
    if isinstance(opened, list):
        return None, opened
    gz, encoding, problems = opened
    validate = {"period_start": period_start, "period_end": period_end, "today": today,
                "lenient": lenient}
    key = [k for k in schema.metadata.get("key", ()) if k in schema.columns]
    months = [n for n, c in schema.columns.items() if kind_of(c) == "month"]
    tally = _Tally(problems)
    try:
        for chunk in _chunks(path, dataset, schema, encoding, gz, **validate):
            if isinstance(chunk, list):
                return None, problems + chunk
            tally.add(chunk, key, keep, list(schema.columns))
        repeated = _repeated_rows(tally.hashes, tally.numbers)
        if repeated:
            parts = [c.typed.loc[c.typed.index.isin(repeated), key]
                     for c in _chunks(path, dataset, schema, encoding, gz, **validate)
                     if isinstance(c, _Chunk) and c.typed is not None]
            problems += checks.duplicate_keys(pd.concat(parts), key, file, months=months)
    except csv.Error as exc:
        return None, [*problems, Problem(file, f"not a readable CSV file ({exc})")]
    if tally.records == 0:
        problems.append(Problem(file, "file has a header row but no records",
                                row=tally.header_row + 1,
                                expected="at least one record below the header"))
    problems.sort(key=lambda p: p.row or 0)
    if tally.failed or not keep or any(p.severity == "error" for p in problems):
        return None, problems
    return _finish(pd.concat(tally.kept), schema.columns), problems


def _open_stream(path: Path, file: str) -> tuple[bool, str, list[Problem]] | list[Problem]:
    """(gzipped?, encoding, the encoding warning) of a large CSV file, or the one problem
    that stops it being read: binary data, or a corrupt gzip file."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    try:
        with _open_binary(path, gz) as fh:  # a corrupt gzip fails here: one message, below
            head = fh.read(8192)
        if _looks_binary(head):
            return [_binary_file(file)]
        encoding, problems = _stream_encoding(path, file, gz)
    except (OSError, EOFError, zlib.error) as exc:
        return [Problem(file, f"could not decompress the gzip file ({exc})")]
    return gz, encoding, problems


@dataclass
class _Tally:
    """What the chunks of one file add up to so far; ``problems`` is the file's list."""

    problems: list[Problem]
    kept: list[pd.DataFrame] = field(default_factory=list)
    hashes: list[np.ndarray] = field(default_factory=list)
    numbers: list[np.ndarray] = field(default_factory=list)
    failed: bool = False
    records: int = 0
    header_row: int = 1
    seen: set[str] = field(default_factory=set)

    def add(self, chunk: _Chunk, key: list[str], keep: bool, columns: list[str]) -> None:
        """Count a chunk: its problems (file-level remarks once), its key hashes, its rows."""
        self.header_row = chunk.raw.header_row
        self.records += len(chunk.raw.frame)
        for p in chunk.problems:  # file-level remarks (extra columns ...) once
            if p.row is None or p.row == self.header_row:
                text = p.format()
                if text in self.seen:
                    continue
                self.seen.add(text)
            self.problems.append(p)
        if chunk.typed is not None and key:
            self.hashes.append(pd.util.hash_pandas_object(chunk.typed[key], index=False)
                               .to_numpy())
            self.numbers.append(chunk.typed.index.to_numpy())
        if chunk.validated is None and len(chunk.raw.frame):
            self.failed = True
        elif keep and chunk.validated is not None and not self.failed:
            self.kept.append(chunk.validated[columns])
