"""Read a dataset file (CSV, CSV.GZ, XLSX or Parquet), check it against its contract, type it.

Every problem in a file is collected, not only the first: each names the file, the row as a
spreadsheet user counts it (header = row 1, first record = row 2; for an XLSX with title rows
above the header, the real sheet row), the column, the value and what was expected. Errors
raise ``DataValidationError``; warnings are logged and kept in ``df.attrs["problems"]``.
Input files are only ever opened for reading.

Months are returned as first-of-month ``datetime64[ns]`` timestamps (see ``schemas``).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import gzip
import hashlib
import io
import itertools
import logging
import re
import warnings as _warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluation.data import checks, read_log
from evaluation.data.schemas import DISTRICTS, FUNDS, SCHEMAS, kind_of
from evaluation.errors import DataValidationError, EvaluationError, Problem, ProblemReport
from evaluation.methods.periods import financial_year

__all__ = [
    "DATASETS",
    "SUPPORTING_DATASETS",
    "file_sha256",
    "load",
    "load_360giving",
    "load_policeuk",
    "validate_command",
    "validate_files",
]

logger = logging.getLogger(__name__)

DATASETS: tuple[str, ...] = (
    "public_contact",
    "call_logs",
    "call_handling_monthly",
    "victim_satisfaction",
    "call_handler_rota",
    "satisfaction_comparators",
    "public_confidence",
    "victims_hub",
    "grants",
    "correspondence",
    "engagement_activities",
    "communications",
    "volunteers",
    "policeuk_street",
    "policeuk_outcomes",
    "grants_360giving",
)
SUPPORTING_DATASETS: tuple[str, ...] = ("percentage_mix",)
"""Accepted by ``load`` and ``validate_files`` but not part of the shared contract."""

FORCE_DISTRICTS: dict[str, tuple[str, ...]] = {"cambridgeshire": DISTRICTS}
"""Local authority districts per force (lower-case force name fragment) for LSOA checks."""

_HEADER_SCAN_ROWS = 30
_EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false (also 1/0, yes/no)",
    "month": "a month as YYYY-MM",
    "date": "a date as YYYY-MM-DD",
    "datetime": "a date and time as YYYY-MM-DD HH:MM:SS (local time, no zone)",
}
_MESSAGE = {
    "int": "not a whole number",
    "float": "not a number",
    "bool": "not true or false",
    "month": "unparseable month",
    "date": "unparseable date",
    "datetime": "unparseable date-time",
}
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}
_INT_RE = r"^[+-]?(?:\d{1,15}|\d{1,3}(?:,\d{3}){1,4})(?:\.0*)?$"
_FLOAT_RE = r"^[+-]?(?:\d+(?:\.\d*)?|\d{1,3}(?:,\d{3})+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$"
_MONTH_RE = r"^\d{4}-\d{2}(?:-01(?:[ T]00:00(?::00)?)?)?$"
_DATE_RE = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_DATETIME_RE = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$"


# --------------------------------------------------------------------------- files


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex), read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Raw:
    """Cells as read, indexed by spreadsheet row number, columns renamed to the contract."""

    file: str
    frame: pd.DataFrame
    header_row: int = 1
    problems: list[Problem] = field(default_factory=list)


def _norm(name: object) -> str:
    text = str(name).replace("\ufeff", "").strip().lower().replace(":0:", ":")
    return re.sub(r"[\s\-]+", "_", text)


def _is_blank(cell: object) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and np.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip() == ""


def _decode(data: bytes, file: str) -> tuple[str, list[Problem]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        text = data.decode("cp1252")
        enc = "Windows-1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        enc = "Latin-1"
    return text, [
        Problem(
            file,
            f"file is not UTF-8 (first non-UTF-8 byte at offset {bad}); read as {enc} - check "
            "that characters such as £ and accented letters look right",
            expected="UTF-8 text",
            severity="warning",
        )
    ]


def _csv_rows(path: Path, file: str) -> tuple[list[list[object]] | None, list[Problem]]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return None, [Problem(file, f"could not decompress the gzip file ({exc})")]
    if not data.strip():
        return None, [Problem(file, "file is empty", expected="a header row and records")]
    text, problems = _decode(data, file)
    try:
        rows: list[list[object]] = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        return None, [*problems, Problem(file, f"not a readable CSV file ({exc})")]
    return rows, problems


def _xlsx_cell(value: object) -> object:
    if isinstance(value, datetime):
        return pd.Timestamp(value)
    if isinstance(value, date):
        return pd.Timestamp(value)
    if isinstance(value, time):
        return value.isoformat()
    return value


def _xlsx_rows(path: Path, file: str, dataset: str) -> tuple[list[list[object]] | None,
                                                              list[Problem]]:
    import openpyxl

    try:
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a data problem here
        return None, [Problem(file, f"not a readable Excel workbook ({type(exc).__name__}: {exc})")]
    try:
        sheets = {s.title.lower(): s for s in book.worksheets}
        sheet = sheets.get(dataset.lower()) or book.worksheets[0]
        rows = [[_xlsx_cell(v) for v in r] for r in sheet.iter_rows(min_row=1, values_only=True)]
    except Exception as exc:  # noqa: BLE001
        return None, [Problem(file, f"could not read the worksheet ({type(exc).__name__}: {exc})")]
    finally:
        book.close()
    if not any(not _is_blank(c) for r in rows for c in r):
        return None, [Problem(file, "file is empty", expected="a header row and records")]
    return rows, []


def _pick_header(rows: list[list[object]], expected: Sequence[str]) -> int | None:
    """Index of the header row: the early row naming most expected columns."""
    wanted = {_norm(c) for c in expected}
    best, best_score = None, 0
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        score = sum(1 for c in row if not _is_blank(c) and _norm(c) in wanted)
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    return next((i for i, r in enumerate(rows) if any(not _is_blank(c) for c in r)), None)


def _frame_from_rows(
    rows: list[list[object]], file: str, expected: Sequence[str], text_cells: bool,
    header_at: int | None = None, row_offset: int = 0, header_row: int | None = None,
) -> tuple[_Raw | None, list[Problem]]:
    """The records below the header as a frame indexed by spreadsheet row. A chunk of a large
    file passes its header (``header_at=0``), the rows before the chunk (``row_offset``) and
    the header's own row number."""
    problems: list[Problem] = []
    h = _pick_header(rows, expected) if header_at is None else header_at
    if h is None:
        return None, [Problem(file, "file is empty", expected="a header row and records")]
    header = rows[h]
    header_row = h + 1 if header_row is None else header_row
    skipped = [i + 1 for i in range(h) if any(not _is_blank(c) for c in rows[i])]
    if skipped:
        problems.append(
            Problem(file, f"skipped {len(skipped)} line(s) above the header (a title?); the "
                    f"header is row {header_row}", row=header_row, severity="warning")
        )
    names = ["" if _is_blank(c) else str(c).replace("\ufeff", "").strip() for c in header]
    width = len(names)
    while width and names[width - 1] == "":
        width -= 1
    records: list[list[object]] = []
    index: list[int] = []
    for i in range(h + 1, len(rows)):
        row = list(rows[i])
        if all(_is_blank(c) for c in row):
            continue
        extra = row[width:]
        if len(row) < width or any(not _is_blank(c) for c in extra):
            problems.append(
                Problem(file, f"row has {len(row)} cells but the header has {width}",
                        row=i + 1 + row_offset, expected=f"{width} cells per row")
            )
            continue
        records.append(row[:width])
        index.append(i + 1 + row_offset)
    frame = pd.DataFrame(records, index=pd.Index(index, dtype="int64"),
                         columns=range(width), dtype="string" if text_cells else object)
    if not records and not any(p.severity == "error" for p in problems):
        problems.append(
            Problem(file, "file has a header row but no records", row=header_row + 1,
                    expected="at least one record below the header")
        )
    frame.columns = pd.Index(names[:width])
    return _Raw(file, frame, header_row, problems), []


def _read_raw(path: Path, dataset: str, expected: Sequence[str]) -> _Raw:
    """The file's cells, or a ``_Raw`` with an empty frame and the reason it could not be read."""
    read_log.record(path)
    file = str(path)
    empty = pd.DataFrame()
    if not path.exists():
        return _Raw(file, empty, problems=[Problem(file, "file not found")])
    if path.is_dir():
        return _Raw(file, empty, problems=[Problem(file, "is a folder, not a file")])
    try:
        with open(path, "rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        return _Raw(file, empty, problems=[Problem(file, f"cannot be opened ({exc.strerror})")])
    name = path.name.lower()
    try:
        if magic == b"PAR1" or name.endswith((".parquet", ".pq")):
            return _read_parquet(path, file)
        if magic[:2] == b"PK" or name.endswith((".xlsx", ".xlsm")):
            rows, problems = _xlsx_rows(path, file, dataset)
            text_cells = False
        else:
            rows, problems = _csv_rows(path, file)
            text_cells = True
    except OSError as exc:
        return _Raw(file, empty, problems=[Problem(file, f"cannot be read ({exc})")])
    if rows is None:
        return _Raw(file, empty, problems=problems)
    raw, empty_problems = _frame_from_rows(rows, file, expected, text_cells)
    if raw is None:
        return _Raw(file, empty, problems=problems + empty_problems)
    raw.problems = problems + raw.problems
    return raw


def _read_parquet(path: Path, file: str) -> _Raw:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a data problem here
        return _Raw(file, pd.DataFrame(),
                    problems=[Problem(file, f"not a readable Parquet file ({type(exc).__name__})")])
    frame = frame.reset_index(drop=True)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    problems = []
    if frame.empty:
        problems.append(Problem(file, "file has columns but no records", row=2,
                                expected="at least one record"))
    return _Raw(file, frame, 1, problems)


# ------------------------------------------------------------------ large CSV files, in chunks

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
    return encoding, [Problem(
        file, f"file is not UTF-8 (first non-UTF-8 byte at offset {bad}); read as {name} - "
        "check that characters such as £ and accented letters look right",
        expected="UTF-8 text", severity="warning")]


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
        if h is None or not any(not _is_blank(c) for r in rows for c in r):
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
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    try:
        encoding, problems = _stream_encoding(path, file, gz)
    except (OSError, EOFError, zlib.error) as exc:
        return None, [Problem(file, f"could not decompress the gzip file ({exc})")]
    validate = {"period_start": period_start, "period_end": period_end, "today": today,
                "lenient": lenient}
    key = [k for k in schema.metadata.get("key", ()) if k in schema.columns]
    months = [n for n, c in schema.columns.items() if kind_of(c) == "month"]
    kept: list[pd.DataFrame] = []
    hashes: list[np.ndarray] = []
    numbers: list[np.ndarray] = []
    failed, records, header_row = False, 0, 1
    seen: set[str] = set()
    try:
        for chunk in _chunks(path, dataset, schema, encoding, gz, **validate):
            if isinstance(chunk, list):
                return None, problems + chunk
            header_row = chunk.raw.header_row
            records += len(chunk.raw.frame)
            for p in chunk.problems:  # file-level remarks (extra columns ...) once
                if p.row is None or p.row == header_row:
                    text = p.format()
                    if text in seen:
                        continue
                    seen.add(text)
                problems.append(p)
            if chunk.typed is not None and key:
                hashes.append(pd.util.hash_pandas_object(chunk.typed[key], index=False)
                              .to_numpy())
                numbers.append(chunk.typed.index.to_numpy())
            if chunk.validated is None and len(chunk.raw.frame):
                failed = True
            elif keep and chunk.validated is not None and not failed:
                kept.append(chunk.validated[list(schema.columns)])
        repeated = _repeated_rows(hashes, numbers)
        if repeated:
            parts = [c.typed.loc[c.typed.index.isin(repeated), key]
                     for c in _chunks(path, dataset, schema, encoding, gz, **validate)
                     if isinstance(c, _Chunk) and c.typed is not None]
            problems += checks.duplicate_keys(pd.concat(parts), key, file, months=months)
    except csv.Error as exc:
        return None, [*problems, Problem(file, f"not a readable CSV file ({exc})")]
    if records == 0:
        problems.append(Problem(file, "file has a header row but no records",
                                row=header_row + 1,
                                expected="at least one record below the header"))
    problems.sort(key=lambda p: p.row or 0)
    if failed or not keep or any(p.severity == "error" for p in problems):
        return None, problems
    return _finish(pd.concat(kept), schema.columns), problems


# ------------------------------------------------------------------------ columns


def _match_columns(raw: _Raw, schema: pa.DataFrameSchema, *, warn_extra: bool) -> list[Problem]:
    """Rename header cells to contract names; report missing, duplicated and extra columns."""
    file, problems = raw.file, []
    canon = {_norm(c): c for c in schema.columns}
    optional = set(schema.metadata.get("optional_columns", ()))
    seen: dict[str, int] = {}
    rename: dict[int, str] = {}
    extra: list[str] = []
    for pos, name in enumerate(raw.frame.columns):
        target = canon.get(_norm(name))
        if target is None:
            if name == "":
                if any(not _is_blank(c) for c in raw.frame.iloc[:, pos].tolist()):
                    problems.append(Problem(file, f"column {pos + 1} has values but no name; "
                                            "ignored", row=raw.header_row, severity="warning"))
            else:
                extra.append(name)
            continue
        if target in seen:
            problems.append(Problem(file, f"column appears twice (columns {seen[target] + 1} and "
                                    f"{pos + 1})", row=raw.header_row, column=target))
            continue
        if name != target:
            problems.append(Problem(file, f"column '{name}' read as '{target}'",
                                    row=raw.header_row, column=target, severity="warning"))
        seen[target] = pos
        rename[pos] = target
    for col in schema.columns:
        if col not in seen and col not in optional:
            hint = difflib.get_close_matches(col, extra, n=1)
            found = ", ".join(repr(c) for c in raw.frame.columns if c) or "none"
            expected = f"a column named '{col}'" + (
                f" (is '{hint[0]}' meant?)" if hint else f" (columns found: {found})"
            )
            problems.append(Problem(file, "missing column", row=raw.header_row, column=col,
                                    expected=expected))
    if extra and warn_extra:
        for name in extra:
            problems.append(Problem(file, "unknown column; ignored", row=raw.header_row,
                                    column=name, expected="only the contract's columns",
                                    severity="warning"))
    keep = sorted(rename)
    frame = raw.frame.iloc[:, keep]
    frame.columns = pd.Index([rename[p] for p in keep])
    raw.frame = frame
    return problems


def _cell_text(value: object) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return str(value)
        return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(
            float(value))
    if isinstance(value, pd.Timestamp):
        if pd.isna(value):
            return ""
        if value == value.normalize():
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value).strip()


def _as_text(values: pd.Series) -> pd.Series:
    """Cells as stripped text; blank cells become <NA>."""
    if isinstance(values.dtype, pd.StringDtype):
        text = values.astype("string").str.strip()
    else:
        text = values.map(_cell_text).astype("string")
    return text.mask(text == "")


def _to_ns(values: pd.Series) -> pd.Series:
    """datetime64[ns]; timestamps outside its range (years 1678-2261) become NaT."""
    years = values.dt.year
    return values.where((years > 1677) & (years < 2262)).astype("datetime64[ns]")


def _parse(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """(typed values, mask of cells that were filled in but could not be read)."""
    dtype = values.dtype
    if kind in ("month", "date", "datetime") and pd.api.types.is_datetime64_any_dtype(dtype):
        out = values
        bad = pd.Series(False, index=values.index)
        if getattr(dtype, "tz", None) is not None:
            return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), values.notna()
        out = _to_ns(out)
        bad = values.notna() & out.isna()
        if kind == "month":
            bad |= out.notna() & (out != out.dt.to_period("M").dt.to_timestamp())
            out = out.mask(bad)
        elif kind == "date":
            out = out.dt.normalize()
        return out, bad
    if kind in ("int", "float") and pd.api.types.is_numeric_dtype(dtype) and not (
        pd.api.types.is_bool_dtype(dtype)
    ):
        num = values.astype("Float64")
        bad = ~np.isfinite(num.fillna(0).astype(float))
        if kind == "int":
            bad |= (num.fillna(0) % 1 != 0) | (num.abs() >= 1e15).fillna(False)
            return num.mask(bad).round().astype("Int64"), bad.astype(bool)
        return num.mask(bad).astype("float64"), bad.astype(bool)
    if kind == "bool" and pd.api.types.is_bool_dtype(dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    text = _as_text(values)
    filled = text.notna()
    if kind == "text":
        return text, pd.Series(False, index=values.index)
    if kind == "bool":
        low = text.str.lower()
        out = pd.Series(pd.NA, index=values.index, dtype="boolean")
        out[low.isin(list(_TRUE)).fillna(False).astype(bool)] = True
        out[low.isin(list(_FALSE)).fillna(False).astype(bool)] = False
        return out, (filled & out.isna()).astype(bool)
    if kind == "int":
        ok = text.str.fullmatch(_INT_RE).fillna(False).astype(bool)
        digits = text.where(ok).str.replace(",", "", regex=False).str.replace(
            r"\.0*$", "", regex=True)
        out = pd.to_numeric(digits, errors="coerce").astype("Int64")
        return out, (filled & out.isna()).astype(bool)
    if kind == "float":
        ok = text.str.fullmatch(_FLOAT_RE).fillna(False).astype(bool)
        num = pd.to_numeric(text.where(ok).str.replace(",", "", regex=False), errors="coerce")
        num = pd.Series(num, index=values.index, dtype="float64")
        num = num.where(np.isfinite(num))
        return num, (filled & num.isna()).astype(bool)
    if kind == "month":
        ok = text.str.fullmatch(_MONTH_RE).fillna(False).astype(bool)
        out = pd.to_datetime(text.where(ok).str.slice(0, 7) + "-01", format="%Y-%m-%d",
                             errors="coerce")
    elif kind == "date":
        ok = text.str.fullmatch(_DATE_RE).fillna(False).astype(bool)
        out = pd.to_datetime(text.where(ok).str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    else:
        ok = text.str.fullmatch(_DATETIME_RE).fillna(False).astype(bool)
        out = pd.to_datetime(text.where(ok).str.replace("T", " ", regex=False), format="ISO8601",
                             errors="coerce")
    out = _to_ns(pd.Series(out, index=values.index))
    return out, (filled & out.isna()).astype(bool)


def _cell_problems(raw_values: pd.Series, bad: pd.Series, *, file: str, column: str,
                   message: str, expected: str) -> list[Problem]:
    frame = pd.DataFrame({"v": raw_values})
    return checks.flag_rows(frame, bad, file=file, column=column, message=message,
                            expected=expected, describe=lambda r: _cell_text(r["v"]))


_SKIPPED_CHECKS = ("not_nullable", "coerce_dtype", "dtype(", "field_uniqueness",
                   "multiple_fields_uniqueness", "column_in_dataframe")


def _pandera_problems(
    schema: pa.DataFrameSchema, df: pd.DataFrame, file: str, already: set[tuple[int, str]]
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Run the schema; translate its value-check failures (the loader reports the rest)."""
    try:
        return schema.validate(df, lazy=True), []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except (pa.errors.SchemaError, TypeError, ValueError) as exc:  # pragma: no cover - defensive
        return None, [Problem(file, f"could not be checked against the contract ({exc})")]
    problems: list[Problem] = []
    grouped: dict[tuple[str, str], list[Problem]] = {}
    for case in cases.itertuples(index=False):
        check = str(case.check)
        if any(check.startswith(s) for s in _SKIPPED_CHECKS) or pd.isna(case.index):
            continue
        row, column = int(case.index), str(case.column)
        if (row, column) in already:
            continue
        message, _, expected = check.partition("|")
        grouped.setdefault((column, message), []).append(
            Problem(file, message, row=row, column=column,
                    value=checks._fmt(case.failure_case), expected=expected or None)
        )
    for (column, message), items in grouped.items():
        items.sort(key=lambda p: p.row or 0)
        problems += items[: checks.MAX_LISTED]
        rest = items[checks.MAX_LISTED:]
        if rest:
            problems.append(Problem(file, f"{message}: {len(rest)} more row(s) like this (rows "
                                    f"{rest[0].row} to {rest[-1].row})", column=column))
    return None, problems


def _validate(
    raw: _Raw,
    dataset: str,
    schema: pa.DataFrameSchema,
    *,
    period_start: date | None,
    period_end: date | None,
    today: date,
    warn_extra: bool = True,
    lenient: bool = False,
    check_keys: bool = True,
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[Problem]]:
    """(validated frame or None, typed frame indexed by row, problems).

    ``lenient`` turns the cross-field value errors (e.g. a grant that ends before it starts)
    into warnings; unreadable cells, missing values and duplicate keys stay errors."""
    problems = list(raw.problems)
    if raw.frame.columns.empty and raw.frame.empty:
        return None, None, problems
    problems += _match_columns(raw, schema, warn_extra=warn_extra)
    if any(p.severity == "error" for p in problems):
        return None, None, problems
    file = raw.file
    typed: dict[str, pd.Series] = {}
    already: set[tuple[int, str]] = set()
    for name, col in schema.columns.items():
        kind = kind_of(col)
        if name not in raw.frame.columns:
            empty = pd.Series(pd.NA, index=raw.frame.index, dtype="object")
            typed[name] = _parse(empty.astype("string"), kind)[0]
            continue
        values, bad = _parse(raw.frame[name], kind)
        if bad.any():
            problems += _cell_problems(raw.frame[name], bad, file=file, column=name,
                                       message=_MESSAGE[kind],
                                       expected=f"{_EXPECTED[kind]}, e.g. "
                                       f"{col.metadata['example']}")
            already |= {(int(r), name) for r in raw.frame.index[bad.to_numpy()]}
        if not col.nullable:
            missing = values.isna() & ~bad
            if missing.any():
                problems += checks.flag_rows(
                    raw.frame, missing, file=file, column=name, message="missing value",
                    expected=f"{_EXPECTED.get(kind, 'a value')}, e.g. {col.metadata['example']}",
                )
                already |= {(int(r), name) for r in raw.frame.index[missing.to_numpy()]}
        typed[name] = values
    df = pd.DataFrame(typed, index=raw.frame.index)
    validated, value_problems = _pandera_problems(schema, df, file, already)
    problems += value_problems
    meta = schema.metadata
    months = [n for n, c in schema.columns.items() if kind_of(c) == "month"]
    if check_keys:  # a chunk of a large file: the keys are checked across chunks instead
        problems += checks.duplicate_keys(df, meta.get("key", ()), file, months=months)
    cross = checks.cross_field_checks(dataset, df, file)
    if lenient:
        cross = [dataclasses.replace(p, severity="warning") for p in cross]
    problems += cross
    dated = {
        n: kind_of(c) for n, c in schema.columns.items()
        if kind_of(c) in ("month", "date", "datetime") and not c.metadata.get("future_ok")
    }
    problems += checks.future_values(df, dated, today, file)
    pcol = meta.get("period_column")
    if pcol:
        problems += checks.outside_period(df, pcol, kind_of(schema.columns[pcol]), file,
                                          period_start, period_end)
    problems.sort(key=lambda p: p.row or 0)
    return validated, df, problems


class RowNumbers:
    """The spreadsheet row of each record, kept in ``df.attrs["row_numbers"]``.

    A numpy int32 array, because pandas deep-copies ``attrs`` on every operation (a Python
    list of 200,000 ints made every step on a call log ~7x slower), wrapped so that ``==``
    compares whole sequences (pandas compares attrs with ``==`` in ``concat``).
    """

    __slots__ = ("values",)

    def __init__(self, values: Iterable[int] | np.ndarray) -> None:
        self.values = np.asarray(values, dtype=np.int32)

    def __len__(self) -> int:
        return int(self.values.size)

    def __iter__(self) -> Iterator[int]:
        return iter(self.values.tolist())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RowNumbers) and np.array_equal(self.values, other.values)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RowNumbers({self.values.tolist()[:5]}{'...' if len(self) > 5 else ''})"


def _finish(validated: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The schema's columns with a 0-based index; ``attrs["row_numbers"]`` keeps each
    record's spreadsheet row (:class:`RowNumbers`)."""
    out = validated[list(columns)].copy()
    out.attrs["row_numbers"] = RowNumbers(out.index.to_numpy())
    return out.reset_index(drop=True)


def _schema_for(dataset: str) -> pa.DataFrameSchema:
    if dataset not in SCHEMAS or dataset not in DATASETS + SUPPORTING_DATASETS:
        close = difflib.get_close_matches(dataset, DATASETS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise EvaluationError(
            f"unknown dataset '{dataset}'{hint}; choose one of: {', '.join(DATASETS)}"
        )
    return SCHEMAS[dataset]


def _load_table(
    dataset: str, path: Path, *, period_start: date | None, period_end: date | None,
    today: date, lenient: bool = False, keep: bool = True,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    if _streamable(path):
        return _stream_table(path, dataset, period_start=period_start, period_end=period_end,
                             today=today, lenient=lenient, keep=keep)
    schema = _schema_for(dataset)
    raw = _read_raw(path, dataset, list(schema.columns))
    validated, _, problems = _validate(raw, dataset, schema, period_start=period_start,
                                       period_end=period_end, today=today, lenient=lenient)
    if validated is None or any(p.severity == "error" for p in problems):
        return None, problems
    return _finish(validated, schema.columns), problems


def _attach(df: pd.DataFrame, problems: list[Problem], paths: Sequence[Path]) -> pd.DataFrame:
    warnings = [p for p in problems if p.severity == "warning"]
    for w in warnings:
        logger.warning(w.format())
        read_log.note_warning(w.format().removeprefix("WARNING: "))
    df.attrs["problems"] = warnings
    df.attrs["source_files"] = [str(p) for p in paths]
    df.attrs["sha256"] = {str(p): file_sha256(p) for p in paths}
    return df


def _raise_if_errors(problems: list[Problem], what: str) -> None:
    report = ProblemReport(list(problems))
    if not report.ok:
        raise DataValidationError(report, context=what)


# ---------------------------------------------------------------------- public API

DATA_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".parquet")
"""The formats a dataset may be supplied in, found by :func:`dataset_path`."""


def dataset_path(folder: str | Path, dataset: str, file_name: str = "",
                 optional: bool = False) -> Path | None:
    """The file of ``dataset`` in ``folder``, whatever its format (``<dataset>.csv``,
    ``.csv.gz``, ``.xlsx`` or ``.parquet``), or the file ``file_name`` when one is given.

    Raises :class:`EvaluationError` naming the folder when there is none (``optional``: returns
    None instead), or more than one (two formats of the same dataset would leave it unclear
    which the paper used).
    """
    folder = Path(folder)
    if file_name:
        named = folder / file_name
        if named.is_file() or not optional:
            return named
        return None
    found = [p for p in (folder / f"{dataset}{s}" for s in DATA_SUFFIXES) if p.is_file()]
    if len(found) == 1:
        return found[0]
    if not found:
        if optional:
            return None
        raise EvaluationError(
            f"{dataset}: no file in {folder} (expected {dataset}.csv, .xlsx or .parquet; "
            "see docs/data.md)"
        )
    raise EvaluationError(
        f"{dataset}: {len(found)} files in {folder} ({', '.join(p.name for p in found)}); "
        "keep one, so it is clear which the paper used"
    )



def load(
    dataset: str,
    path: str | Path,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
    lenient: bool = False,
) -> pd.DataFrame:
    """Read, validate and type one file of ``dataset``.

    Raises ``DataValidationError`` listing every error; warnings are logged and kept in
    ``df.attrs["problems"]``. ``today`` (default: the real date) bounds "dates in the future".
    ``lenient`` reads past cross-field value errors (kept as warnings, for the section's
    data-quality notes); a file that cannot be typed or repeats a key still fails.
    """
    if dataset in ("policeuk_street", "policeuk_outcomes"):
        return load_policeuk([path], dataset.removeprefix("policeuk_"),  # type: ignore[arg-type]
                             period_start=period_start, period_end=period_end, today=today)
    if dataset == "grants_360giving":
        return load_360giving(path, period_start=period_start, period_end=period_end, today=today)
    path = Path(path)
    df, problems = _load_table(dataset, path, period_start=period_start, period_end=period_end,
                               today=today or date.today(), lenient=lenient)
    _raise_if_errors(problems, f"{path.name} does not meet the {dataset} contract")
    assert df is not None
    return _attach(df, problems, [path])


def validate_files(
    dataset: str,
    paths: Iterable[str | Path],
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
) -> ProblemReport:
    """Every problem in every file; never raises for bad data."""
    report = ProblemReport()
    kwargs = {"period_start": period_start, "period_end": period_end,
              "today": today or date.today()}
    for p in paths:
        path = Path(p)
        if dataset in ("policeuk_street", "policeuk_outcomes"):
            _, problems = _policeuk([path], dataset.removeprefix("policeuk_"), None, None,
                                    **kwargs)
        elif dataset == "grants_360giving":
            _, problems = _grants_360(path, **kwargs)
        else:
            _, problems = _load_table(dataset, path, keep=False, **kwargs)
        report.extend(problems)
    return report


def validate_command(dataset: str, paths: list[str]) -> tuple[int, str]:
    """(exit code, report text) for ``evaluation validate DATASET PATH...``: 1 if any error."""
    if not paths:
        return 1, "No files given: evaluation validate DATASET PATH..."
    try:
        report = validate_files(dataset, paths)
    except EvaluationError as exc:
        return 1, f"ERROR: {exc}"
    lines = [p.format() for p in report.problems]
    if lines:
        lines.append("")
    lines.append(f"Checked {len(paths)} file(s) against the '{dataset}' contract:")
    for p in paths:
        errs = sum(1 for q in report.errors if q.file == str(Path(p)))
        warns = sum(1 for q in report.warnings if q.file == str(Path(p)))
        status = "FAILED" if errs else "OK"
        lines.append(f"  {status}: {p}: {errs} error(s), {warns} warning(s)")
    n_err, n_warn = len(report.errors), len(report.warnings)
    lines.append(f"{n_err} error(s), {n_warn} warning(s) in total.")
    return (1 if n_err else 0), "\n".join(lines)


# ------------------------------------------------------------------------ police.uk

_LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")


def _expand(paths: str | Path | Iterable[str | Path], kind: str) -> list[Path]:
    """Files as given; a folder gives its ``*-<kind>.csv[.gz]`` files (e.g. not MANIFEST.csv)."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            out += sorted(
                q for q in p.iterdir()
                if q.name.lower().endswith((f"-{kind}.csv", f"-{kind}.csv.gz"))
            )
        else:
            out.append(p)
    return out


def _summarise(df: pd.DataFrame, mask: pd.Series, file: str, column: str, message: str,
               ) -> list[Problem]:
    """One warning counting the flagged rows, with the first few row numbers."""
    mask = mask.fillna(False).astype(bool)
    if not mask.any():
        return []
    rows = df.index[mask.to_numpy()]
    listed = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
    return [Problem(file, f"{len(rows)} row(s) {message} (rows {listed})", row=int(rows[0]),
                    column=column, severity="warning")]


def _policeuk_quirks(df: pd.DataFrame, file: str, kind: str, force: str,
                     districts: Sequence[str] | None, allow_other_forces: bool = False,
                     ) -> list[Problem]:
    out: list[Problem] = []
    other = df["Falls within"].notna() & (df["Falls within"].str.lower() != force.lower())
    own = df["Falls within"].dropna()
    if not allow_other_forces and not own.empty and other.sum() * 2 > len(own):
        mainly = str(own.mode().iloc[0])
        out.append(Problem(
            file, f"this file is police.uk data of {mainly}, not {force} ({int(other.sum())} "
            f"of {len(own)} rows fall within another force area); it would be counted as "
            f"{force}'s crime", column="Falls within", value=mainly,
            expected=f"rows of {force} (remove the file, or pass allow_other_forces)"))
        return out
    if other.any():
        names = ", ".join(sorted(set(df.loc[other, "Falls within"].dropna())))
        out += _summarise(df, other, file, "Falls within",
                          f"fall within another force area ({names}), not {force}")
    no_loc = df["Longitude"].isna() | (df["Location"].fillna("") == "No location")
    out += _summarise(df, no_loc, file, "Location",
                      "have no location ('No location', blank coordinates); they cannot be mapped")
    out += _summarise(df, df["LSOA code"].isna(), file, "LSOA code",
                      "have no LSOA; they drop out of any LSOA or district breakdown")
    if districts:
        lad = df["LSOA name"].str.replace(_LSOA_SUFFIX, "", regex=True)
        outside = lad.notna() & ~lad.isin(list(districts))
        if outside.any():
            top = lad[outside].value_counts().head(3)
            eg = ", ".join(f"{k} x{v}" for k, v in top.items())
            out += _summarise(df, outside, file, "LSOA name",
                              f"have an LSOA outside the force's districts (e.g. {eg}): "
                              "crimes snapped to a neighbouring area")
    if kind == "street":
        no_id = df["Crime ID"].isna()
        asb = df["Crime type"] == "Anti-social behaviour"
        out += _summarise(df, no_id & asb, file, "Crime ID",
                          "are anti-social behaviour with no Crime ID (published that way); they "
                          "cannot be joined to outcomes")
        out += _summarise(df, no_id & ~asb, file, "Crime ID",
                          "are crimes with no Crime ID; they cannot be joined to outcomes")
        dup = df["Crime ID"].notna() & df["Crime ID"].duplicated(keep="first")
        out += _summarise(df, dup, file, "Crime ID", "repeat a Crime ID already seen in the file")
    m = re.match(r"(\d{4}-\d{2})", Path(file).name)
    if m:
        wrong = df["Month"].notna() & (df["Month"].dt.strftime("%Y-%m") != m.group(1))
        out += _summarise(df, wrong, file, "Month",
                          f"have a Month other than {m.group(1)} named in the file name")
    return out


def _policeuk(
    paths: Sequence[Path], kind: str, force: str | None, districts: Sequence[str] | None, *,
    period_start: date | None, period_end: date | None, today: date,
    allow_other_forces: bool = False,
) -> tuple[pd.DataFrame | None, list[Problem]]:
    if kind not in ("street", "outcomes"):
        raise EvaluationError(f"police.uk kind must be 'street' or 'outcomes', not '{kind}'")
    dataset = f"policeuk_{kind}"
    schema = SCHEMAS[dataset]
    problems: list[Problem] = []
    typed_parts: list[tuple[str, pd.DataFrame, pd.DataFrame | None]] = []
    if not paths:
        return None, [Problem("", "no police.uk files given")]
    for path in paths:
        raw = _read_raw(path, dataset, list(schema.columns))
        validated, typed, found = _validate(raw, dataset, schema, period_start=period_start,
                                            period_end=period_end, today=today)
        problems += found
        if typed is not None:
            typed_parts.append((str(path), typed, validated))
    if not typed_parts:
        return None, problems
    # pandas compares attrs when concatenating; per-file row numbers differ, so drop them
    pooled = pd.concat([_bare(t["Falls within"]) for _, t, _ in typed_parts]).dropna()
    if force is None:
        force = str(pooled.mode().iloc[0]) if not pooled.empty else ""
    else:
        exact = [v for v in pooled.unique() if force.lower() in str(v).lower()]
        force = str(exact[0]) if exact else force
    if districts is None:
        districts = next((d for k, d in FORCE_DISTRICTS.items() if k in force.lower()), None)
    for file, typed, _ in typed_parts:
        problems += _policeuk_quirks(typed, file, kind, force, districts, allow_other_forces)
    if any(p.severity == "error" for p in problems):
        return None, problems
    frames = [_bare(_finish(v, schema.columns)) for _, _, v in typed_parts if v is not None]
    df = pd.concat(frames, ignore_index=True)
    if kind == "street" and len(typed_parts) > 1:
        ids = df["Crime ID"].dropna()
        n = int(ids.duplicated().sum())
        if n:
            problems.append(Problem("", f"{n} Crime ID(s) appear in more than one file",
                                    column="Crime ID", severity="warning"))
    return df, problems


def _bare(obj: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """A shallow copy without ``attrs`` (row numbers of one file mean nothing after a concat)."""
    out = obj.copy(deep=False)
    out.attrs = {}
    return out


def load_policeuk(
    paths: str | Path | Iterable[str | Path],
    kind: str,
    force: str | None = None,
    *,
    districts: Sequence[str] | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
    allow_other_forces: bool = False,
) -> pd.DataFrame:
    """Concatenate data.police.uk monthly files (``.csv`` or ``.csv.gz``; folders are expanded).

    Columns and values are kept exactly as published (Month typed as a first-of-month
    timestamp, coordinates as floats). Rows are never dropped; quirks become warnings: rows of
    another force area (``force``: a name or fragment, default the commonest "Falls within"),
    missing locations and LSOAs, LSOAs outside the force's ``districts`` (known for
    Cambridgeshire), records with no Crime ID. A file most of whose rows fall within another
    force (e.g. another force's month dropped into the folder) is an error unless
    ``allow_other_forces``: its crimes would be counted as this force's.
    """
    files = _expand(paths, kind)
    df, problems = _policeuk(files, kind, force, districts, period_start=period_start,
                             period_end=period_end, today=today or date.today(),
                             allow_other_forces=allow_other_forces)
    _raise_if_errors(problems, f"police.uk {kind} files failed validation")
    assert df is not None
    return _attach(df, problems, files)


# ------------------------------------------------------------------------ 360Giving

_FY_RE = re.compile(r"^(\d{4})/(\d{2})$")


def _fund(programme: str) -> tuple[str, bool]:
    """(contract fund, exact?) for a 360Giving Grant Programme title."""
    low = programme.strip().lower()
    for fund in FUNDS:
        if low == fund.lower():
            return fund, True
    if "youth" in low:
        return "Youth Fund", False
    if "community safety" in low or re.search(r"\bcsp\b", low):
        return "Community Safety Partnership", False
    if "commission" in low:
        return "Commissioned service", False
    return "Other", False


def _award_year_warnings(df: pd.DataFrame, file: str) -> list[Problem]:
    out: list[Problem] = []
    mismatch: dict[tuple[str, str], list[int]] = {}
    for row, label, award in zip(df.index, df["Award Year"], df["Award Date"], strict=True):
        if pd.isna(label):
            continue
        m = _FY_RE.match(str(label))
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            out.append(Problem(file, "Award Year is not a financial year", row=int(row),
                               column="Award Year", value=label,
                               expected="YYYY/YY for consecutive years, e.g. 2017/18",
                               severity="warning"))
            continue
        if pd.notna(award) and financial_year(award) != label:
            mismatch.setdefault((str(label), financial_year(award)), []).append(int(row))
    for (label, fy), rows in mismatch.items():
        listed = ", ".join(str(r) for r in rows[:5]) + (" ..." if len(rows) > 5 else "")
        out.append(Problem(file, f"{len(rows)} grant(s) filed under Award Year {label} were "
                           f"awarded in financial year {fy} (rows {listed})", row=rows[0],
                           column="Award Date", severity="warning"))
    return out


def _grants_360(
    path: Path, *, period_start: date | None, period_end: date | None, today: date
) -> tuple[pd.DataFrame | None, list[Problem]]:
    schema = SCHEMAS["grants_360giving"]
    raw = _read_raw(path, "grants_360giving", list(schema.columns))
    validated, typed, problems = _validate(raw, "grants_360giving", schema,
                                           period_start=period_start, period_end=period_end,
                                           today=today, warn_extra=False)
    if typed is None:
        return None, problems
    file = str(path)
    present = set(raw.frame.columns)
    if "Award Year" in present:
        problems += _award_year_warnings(typed, file)
    if "Grant reference" in present:
        dup = typed["Grant reference"].notna() & typed["Grant reference"].duplicated(keep=False)
        problems += _summarise(typed, dup, file, "Grant reference",
                               "share a Grant reference with another row (Identifier is used "
                               "as grant_id)")
    if "Planned Dates:Start Date" not in present or "Planned Dates:End Date" not in present:
        problems.append(Problem(file, "no Planned Dates columns: start_date and end_date left "
                                "blank", column="Planned Dates:Start Date", severity="warning"))
    if "Beneficiary Location:Name" not in present:
        problems.append(Problem(file, "no Beneficiary Location:Name column: district left blank",
                                column="Beneficiary Location:Name", severity="warning"))
    if "Grant Programme:Title" in present:
        funds = typed["Grant Programme:Title"].map(
            lambda t: ("Other", False) if pd.isna(t) else _fund(str(t)))
        fund = funds.map(lambda f: f[0])
        inexact = typed["Grant Programme:Title"].notna() & ~funds.map(lambda f: f[1])
        for title in sorted(set(typed.loc[inexact, "Grant Programme:Title"])):
            mapped = _fund(title)[0]
            problems.append(Problem(file, f"Grant Programme '{title}' mapped to fund '{mapped}'",
                                    column="Grant Programme:Title", severity="warning"))
    else:
        fund = pd.Series("Other", index=typed.index)
        problems.append(Problem(file, "no Grant Programme:Title column: fund set to 'Other'",
                                column="Grant Programme:Title", severity="warning"))
    na = pd.Series(pd.NA, index=typed.index)
    grants = pd.DataFrame({
        "grant_id": typed["Identifier"],
        "fund": fund.astype("string"),
        "recipient": typed["Recipient Org:Name"],
        "district": typed["Beneficiary Location:Name"],
        "amount_gbp": typed["Amount Awarded"],
        "award_date": typed["Award Date"],
        "start_date": typed["Planned Dates:Start Date"],
        "end_date": typed["Planned Dates:End Date"],
        "participants": na.astype("Int64"),
        "completers": na.astype("Int64"),
        "outcome_measure": na.astype("string"),
        "outcome_target": pd.Series(np.nan, index=typed.index, dtype="float64"),
        "outcome_achieved": pd.Series(np.nan, index=typed.index, dtype="float64"),
    }, index=typed.index)
    relaxed = SCHEMAS["grants"].update_columns(
        {c: {"nullable": True} for c in ("district", "start_date", "end_date")})
    problems += checks.cross_field_checks("grants", grants, file)
    if validated is None or any(p.severity == "error" for p in problems):
        return None, problems
    out, more = _pandera_problems(relaxed, grants, file, set())
    problems += more
    if out is None:
        return None, problems
    return _finish(out, relaxed.columns), problems


def load_360giving(
    path: str | Path,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """A 360Giving grants file (CSV or XLSX) in the ``grants`` contract shape.

    grant_id = Identifier, recipient = Recipient Org:Name, district = Beneficiary
    Location:Name, amount_gbp = Amount Awarded (Currency must be GBP), award/start/end dates =
    Award Date and Planned Dates; fund from Grant Programme:Title (else "Other"). Quirks such as
    an Award Year that is not a financial year ("2017/19") are warnings.
    """
    path = Path(path)
    df, problems = _grants_360(path, period_start=period_start, period_end=period_end,
                               today=today or date.today())
    _raise_if_errors(problems, f"{path.name} failed 360Giving validation")
    assert df is not None
    return _attach(df, problems, [path])

