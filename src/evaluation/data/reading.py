"""Reading one file and checking it against its data contract: the cells of a CSV, CSV.GZ,
XLSX or Parquet file, typed column by column (:mod:`evaluation.data.parsing`), with every
problem collected (file, spreadsheet row, column, value, what was expected).
:mod:`evaluation.data.loaders` is the public API."""

from __future__ import annotations

import csv
import dataclasses
import difflib
import gzip
import hashlib
import io
import logging
import re
import warnings as _warnings
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from evaluation.data import checks, read_log
from evaluation.data.parsing import EXPECTED, MESSAGE, cell_text, is_blank, parse_column
from evaluation.data.schemas import SCHEMAS, kind_of
from evaluation.errors import DataValidationError, EvaluationError, Problem, ProblemReport

logger = logging.getLogger("evaluation.data.loaders")  # one logger for every reader


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


_HEADER_SCAN_ROWS = 30


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
    return text, [_not_utf8(file, bad, enc)]


def _not_utf8(file: str, offset: int | None, encoding: str) -> Problem:
    """The warning for a file read in another encoding than UTF-8 (whole or in chunks)."""
    return Problem(
        file,
        f"file is not UTF-8 (first non-UTF-8 byte at offset {offset}); read as {encoding} - "
        "check that characters such as £ and accented letters look right",
        expected="UTF-8 text",
        severity="warning",
    )


def _binary_file(file: str) -> Problem:
    """The error for a binary file given as CSV (whole or in chunks)."""
    return Problem(file, "not a text CSV file: it holds binary data (an image, a spreadsheet "
                   "or a compressed file saved as .csv?)",
                   expected="comma-separated text, or .xlsx / .parquet by name")


def _looks_binary(data: bytes) -> bool:
    """A NUL byte, or more than 5% control characters, in the first 8 KB: not text."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > 0.05 * len(sample)


def _csv_rows(path: Path, file: str) -> tuple[list[list[object]] | None, list[Problem]]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return None, [Problem(file, f"could not decompress the gzip file ({exc})")]
    if not data.strip():
        return None, [Problem(file, "file is empty", expected="a header row and records")]
    if _looks_binary(data):
        return None, [_binary_file(file)]
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
    if not any(not is_blank(c) for r in rows for c in r):
        return None, [Problem(file, "file is empty", expected="a header row and records")]
    return rows, []


def _pick_header(rows: list[list[object]], expected: Sequence[str]) -> int | None:
    """Index of the header row: the early row naming most expected columns."""
    wanted = {_norm(c) for c in expected}
    best, best_score = None, 0
    for i, row in enumerate(rows[:_HEADER_SCAN_ROWS]):
        score = sum(1 for c in row if not is_blank(c) and _norm(c) in wanted)
        if score > best_score:
            best, best_score = i, score
    if best is not None:
        return best
    return next((i for i, r in enumerate(rows) if any(not is_blank(c) for c in r)), None)


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
    skipped = [i + 1 for i in range(h) if any(not is_blank(c) for c in rows[i])]
    if skipped:
        problems.append(
            Problem(file, f"skipped {len(skipped)} line(s) above the header (a title?); the "
                    f"header is row {header_row}", row=header_row, severity="warning")
        )
    names = ["" if is_blank(c) else str(c).replace("\ufeff", "").strip() for c in header]
    width = len(names)
    while width and names[width - 1] == "":
        width -= 1
    records: list[list[object]] = []
    index: list[int] = []
    for i in range(h + 1, len(rows)):
        row = list(rows[i])
        if all(is_blank(c) for c in row):
            continue
        extra = row[width:]
        if len(row) < width or any(not is_blank(c) for c in extra):
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
                if any(not is_blank(c) for c in raw.frame.iloc[:, pos].tolist()):
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


def _cell_problems(raw_values: pd.Series, bad: pd.Series, *, file: str, column: str,
                   message: str, expected: str) -> list[Problem]:
    frame = pd.DataFrame({"v": raw_values})
    return checks.flag_rows(frame, bad, file=file, column=column, message=message,
                            expected=expected, describe=lambda r: cell_text(r["v"]))


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
    df, cell_problems, already = _typed_frame(raw, schema)
    problems += cell_problems
    validated, value_problems = _pandera_problems(schema, df, raw.file, already)
    problems += value_problems
    problems += _table_problems(df, dataset, schema, raw.file, period_start=period_start,
                                period_end=period_end, today=today, lenient=lenient,
                                check_keys=check_keys)
    problems.sort(key=lambda p: p.row or 0)
    return validated, df, problems


def _typed_frame(raw: _Raw, schema: pa.DataFrameSchema
                 ) -> tuple[pd.DataFrame, list[Problem], set[tuple[int, str]]]:
    """Every contract column typed (absent optional ones all <NA>), the unreadable and missing
    cells as problems, and the (row, column) of each, which the value checks then skip."""
    file = raw.file
    problems: list[Problem] = []
    typed: dict[str, pd.Series] = {}
    already: set[tuple[int, str]] = set()
    for name, col in schema.columns.items():
        kind = kind_of(col)
        if name not in raw.frame.columns:
            empty = pd.Series(pd.NA, index=raw.frame.index, dtype="object")
            typed[name] = parse_column(empty.astype("string"), kind)[0]
            continue
        values, bad = parse_column(raw.frame[name], kind)
        if bad.any():
            problems += _cell_problems(raw.frame[name], bad, file=file, column=name,
                                       message=MESSAGE[kind],
                                       expected=f"{EXPECTED[kind]}, e.g. "
                                       f"{col.metadata['example']}")
            already |= {(int(r), name) for r in raw.frame.index[bad.to_numpy()]}
        if not col.nullable:
            missing = values.isna() & ~bad
            if missing.any():
                problems += checks.flag_rows(
                    raw.frame, missing, file=file, column=name, message="missing value",
                    expected=f"{EXPECTED.get(kind, 'a value')}, e.g. {col.metadata['example']}",
                )
                already |= {(int(r), name) for r in raw.frame.index[missing.to_numpy()]}
        typed[name] = values
    return pd.DataFrame(typed, index=raw.frame.index), problems, already


def _table_problems(df: pd.DataFrame, dataset: str, schema: pa.DataFrameSchema, file: str, *,
                    period_start: date | None, period_end: date | None, today: date,
                    lenient: bool, check_keys: bool) -> list[Problem]:
    """The checks across rows and fields: duplicate keys, the dataset's cross-field rules
    (warnings when ``lenient``), dates in the future and records outside the period."""
    problems: list[Problem] = []
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
    return problems


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
