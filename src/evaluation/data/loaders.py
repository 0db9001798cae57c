"""Read a dataset file (CSV, CSV.GZ, XLSX or Parquet), check it against its contract, type it.

Every problem in a file is collected, not only the first: each names the file, the row as a
spreadsheet user counts it (header = row 1, first record = row 2; for an XLSX with title rows
above the header, the real sheet row), the column, the value and what was expected. Errors
raise ``DataValidationError``; warnings are logged and kept in ``df.attrs["problems"]``.
Input files are only ever opened for reading.

Months are returned as first-of-month ``datetime64[ns]`` timestamps (see ``schemas``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation.data.giving360 import _grants_360, load_360giving
from evaluation.data.large_csv import _stream_table, _streamable
from evaluation.data.policeuk import FORCE_DISTRICTS, _policeuk, load_policeuk
from evaluation.data.reading import (
    DATASETS,
    SUPPORTING_DATASETS,
    RowNumbers,
    _attach,
    _finish,
    _raise_if_errors,
    _read_raw,
    _schema_for,
    _validate,
    file_sha256,
)
from evaluation.errors import EvaluationError, Problem, ProblemReport

__all__ = [
    "DATASETS",
    "DATA_SUFFIXES",
    "FORCE_DISTRICTS",
    "RowNumbers",
    "SUPPORTING_DATASETS",
    "dataset_path",
    "file_sha256",
    "load",
    "load_360giving",
    "load_policeuk",
    "validate_command",
    "validate_files",
]

logger = logging.getLogger("evaluation.data.loaders")  # one logger for every reader


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
