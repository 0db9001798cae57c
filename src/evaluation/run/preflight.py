"""Everything about a run's inputs that can be checked before a kernel starts.

For each section of the run, :data:`SECTION_DATASETS` names the datasets it reads. Before any
notebook runs, :func:`check_inputs` makes sure that every one of them

- exists in the data folder, found by dataset name whatever its format (``.csv``, ``.xlsx``,
  ``.parquet``; see :func:`evaluation.data.loaders.dataset_path`);
- meets its data contract (the same strict loader the sections use: no lenient path drops a
  key error);
- covers the reporting period and the comparison period the run needs (the same months a
  year earlier), e.g. "engagement_activities.csv covers 2011-04 to 2019-03; the run needs
  2017-10 to 2019-09".

A dataset the run declares optional (``optional_datasets``) that does not cover the period is
reported as a warning instead, and its section says which months it shows. Every other problem
stops the run with one message per problem. Results are cached by file hash, so an unchanged
file is not read twice.

:func:`check_section_types` checks ``section_params`` against the types their notebooks
declare (``papermill.inspect_notebook``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.data import loaders
from evaluation.errors import DataValidationError, EvaluationError, ParameterError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DatasetUse:
    """One dataset a section reads from the data folder, and the column that dates it."""

    dataset: str
    time_column: str | None
    every_months: int = 1  # 3 for quarterly data: coverage is checked to the quarter
    lenient: bool = False  # read as its section reads it (loaders.load(..., lenient=True))


_D = DatasetUse
PUBLIC_CONTACT = _D("public_contact", "month")
CALL_MONTHLY = _D("call_handling_monthly", "month")
CALL_LOGS = _D("call_logs", "received_at")
ROTA = _D("call_handler_rota", None)
SATISFACTION = _D("victim_satisfaction", "interview_month")
COMPARATORS = _D("satisfaction_comparators", "period_end")
CONFIDENCE = _D("public_confidence", "period_end", every_months=3)
HUB = _D("victims_hub", "month")
# awards are irregular: a register need not have one each month
GRANTS = _D("grants", None, lenient=True)
ACTIVITIES = _D("engagement_activities", "date")
CORRESPONDENCE = _D("correspondence", "received_date")
COMMUNICATIONS = _D("communications", "month")
VOLUNTEERS = _D("volunteers", "month")

SECTION_DATASETS: dict[str, tuple[DatasetUse, ...]] = {
    "00_summary": (CALL_MONTHLY, PUBLIC_CONTACT, SATISFACTION, COMPARATORS, HUB,
                   CORRESPONDENCE, ACTIVITIES, COMMUNICATIONS, VOLUNTEERS, CONFIDENCE),
    "01_public_contact": (PUBLIC_CONTACT,),
    "02_call_handling": (CALL_MONTHLY, CALL_LOGS, ROTA),
    "03_victim_satisfaction": (SATISFACTION, COMPARATORS),
    "04_victims_hub": (HUB,),
    "05_grants": (GRANTS,),
    "06_engagement_and_communications": (ACTIVITIES, CORRESPONDENCE, COMMUNICATIONS,
                                         VOLUNTEERS),
    "07_crime_and_confidence": (),  # real public data only, checked by its loaders
}
"""The data-folder datasets each section reads (real public data is checked by its loader)."""

OPTIONAL_BY_DESIGN = {"call_handler_rota"}
"""Datasets a section can do without (it says what it leaves out when one is absent)."""

_COMPARISON_MONTHS = 12


@dataclass(frozen=True)
class Coverage:
    """What one file holds: its first and last month, or the errors that stop its use."""

    file: str
    first: str | None
    last: str | None
    errors: tuple[str, ...] = ()


def months_needed(period_start: str | pd.Timestamp, period_end: str | pd.Timestamp,
                  ) -> tuple[pd.Period, pd.Period]:
    """First and last month a run needs: the same months a year earlier to the period's end."""
    start = pd.Period(pd.Timestamp(period_start), "M") - _COMPARISON_MONTHS
    return start, pd.Period(pd.Timestamp(period_end), "M")


def _coverage(use: DatasetUse, path: Path) -> Coverage:
    try:
        df = loaders.load(use.dataset, path, lenient=use.lenient)
    except DataValidationError as exc:
        return Coverage(str(path), None, None, tuple(p.format() for p in exc.report.errors))
    except EvaluationError as exc:
        return Coverage(str(path), None, None, (f"ERROR: {path.name}: {exc}",))
    if use.time_column is None:
        return Coverage(str(path), None, None)
    stamps = pd.to_datetime(df[use.time_column]).dropna()
    if stamps.empty:
        return Coverage(str(path), None, None,
                        (f"ERROR: {path.name}: no dated records in column "
                         f"'{use.time_column}'",))
    return Coverage(str(path), f"{stamps.min():%Y-%m}", f"{stamps.max():%Y-%m}")


def check_inputs(
    sections: list[str],
    data_dir: Path,
    period_start: str,
    period_end: str,
    optional: set[str],
    cache_dir: Path | None = None,
    file_hashes: dict[str, str] | None = None,
    overrides: dict[str, Path] | None = None,
) -> list[str]:
    """Check every dataset the run's sections read; returns warnings, raises on any error.

    ``overrides`` names a file to use for a dataset instead of looking it up by name (e.g. a
    call-log file named by a section parameter). Raises :class:`DataValidationError`-like
    :class:`InputCheckError` with one line per problem.
    """
    need_first, need_last = months_needed(period_start, period_end)
    uses: dict[str, DatasetUse] = {}
    for section in sections:
        for use in SECTION_DATASETS.get(section, ()):
            uses.setdefault(use.dataset, use)
    problems: list[str] = []
    warnings: list[str] = []
    for name, use in uses.items():
        try:
            path = (overrides or {}).get(name) or loaders.dataset_path(data_dir, name)
        except EvaluationError as exc:
            if name in optional or name in OPTIONAL_BY_DESIGN:
                warnings.append(f"{exc} (optional: its section says what it leaves out)")
            else:
                problems.append(f"ERROR: {exc}")
            continue
        cov = _cached_coverage(use, path, cache_dir, (file_hashes or {}).get(str(path.resolve())))
        if cov.errors:
            problems += list(cov.errors)
            continue
        if cov.first is None or use.time_column is None:
            continue
        slack = use.every_months - 1
        first, last = pd.Period(cov.first, "M"), pd.Period(cov.last, "M")
        if first - slack > need_first or last + slack < need_last:
            text = (f"{path.name} covers {cov.first} to {cov.last}; the run needs "
                    f"{need_first} to {need_last} (the reporting period {period_start[:7]} to "
                    f"{period_end[:7]} and the same months a year earlier)")
            if name in optional:
                warnings.append(text + "; optional for this run, so its section shows the "
                                "months it has and says so.")
            else:
                problems.append(
                    f"ERROR: {text}. Supply data for those months, choose a period the data "
                    f"cover, or list '{name}' under optional_datasets."
                )
    if problems:
        raise InputCheckError(problems)
    return warnings


class InputCheckError(EvaluationError):
    """The run's inputs failed the checks made before any kernel starts."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            f"the run's input data failed {len(problems)} check(s) before any section ran:\n  "
            + "\n  ".join(problems) + "\nNothing was run and no file was changed."
        )


def _cached_coverage(use: DatasetUse, path: Path, cache_dir: Path | None,
                     file_hash: str | None) -> Coverage:
    record = (cache_dir / "preflight" / f"{use.dataset}-{file_hash}.json"
              if cache_dir is not None and file_hash else None)
    if record is not None and record.is_file():
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            return Coverage(str(path), data["first"], data["last"], tuple(data["errors"]))
        except (OSError, ValueError, KeyError):
            pass
    cov = _coverage(use, path)
    if record is not None:
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            record.write_text(json.dumps({"first": cov.first, "last": cov.last,
                                          "errors": list(cov.errors)}), encoding="utf-8")
        except OSError:
            log.debug("could not cache the input check of %s", path)
    return cov


_PY_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,), "float": (int, float), "bool": (bool,), "str": (str,),
}


def check_section_types(section: str, notebook: Path, overrides: dict[str, Any],
                        declared: dict[str, dict[str, Any]]) -> None:
    """A section parameter whose value is not of the type its notebook declares is an error
    here, before the kernel starts (not a failure inside it)."""
    for key, value in overrides.items():
        kind = str(declared.get(key, {}).get("inferred_type_name", "None"))
        allowed = _PY_TYPES.get(kind)
        if allowed is None:
            continue
        ok = isinstance(value, allowed) and not (kind != "bool" and isinstance(value, bool))
        if not ok:
            example = declared[key].get("default")
            raise ParameterError(
                f"section_params.{section}.{key}: expected {_TYPE_WORDS[kind]} as "
                f"{notebook.name} declares (e.g. {example}), found {value!r}."
            )


_TYPE_WORDS = {"int": "a whole number", "float": "a number", "bool": "true or false",
               "str": "text"}
