"""Readers of the real public data the crime and confidence chapter uses: the Crime Survey for
England and Wales (national series and regional open data), the derived police.uk counts by
force and month, and Census 2011 population by police force area.

Each reader checks that its file is there and has the columns it needs, and names the file
and the column when it does not; the police.uk street and outcome files themselves go through
:func:`evaluation.data.loaders.load_policeuk`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.errors import EvaluationError

__all__ = [
    "CONFIDENCE_MEASURE",
    "CSEW_NATIONAL_FILE",
    "CSEW_REGIONAL_FILE",
    "FORCE_COUNTS_FILE",
    "NATIONAL_LABEL",
    "POLICEUK_FOLDER",
    "POPULATION_FILE",
    "csew_regions",
    "load_csew_national",
    "load_csew_regional",
    "load_force_counts",
    "load_population",
    "policeuk_path",
]

POLICEUK_FOLDER = "policeuk-cambs-2024"
CSEW_REGIONAL_FILE = "csew-perceptions-cjs-2018q4/perceptions-cjs-ew-2018q4-tidy.csv.gz"
CSEW_NATIONAL_FILE = "csew-perceptions-national-series/perceptions.json"
FORCE_COUNTS_FILE = (
    "policeuk-forces-monthly-counts-2018-10-to-2019-02/street-crime-counts-by-force-month-type.csv"
)
POPULATION_FILE = "census2011-population-by-pfa/force-demographics.csv"
CONFIDENCE_MEASURE = "patt7"  # CSEW: overall confidence in the local police
NATIONAL_LABEL = "England and Wales"

FORCE_COUNT_COLUMNS = ("month", "force_file_slug", "falls_within", "crime_type", "count")
CSEW_COLUMNS = ("measurement_var", "sex", "age", "characteristic_var", "characteristic",
                "estimate", "standard_error", "unweighted_count")


def _read_csv(path: str | Path, what: str, columns: Sequence[str]) -> pd.DataFrame:
    """A CSV file with the columns a reader needs, or one clear error naming file and column."""
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"{what} not found at {p}")
    try:
        raw = pd.read_csv(p)
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise EvaluationError(f"{p.name}: not a readable CSV file of the {what} ({exc})") from None
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise EvaluationError(f"{p.name}: missing column '{missing[0]}' of the {what} (columns "
                              f"needed: {', '.join(columns)})")
    return raw


def policeuk_path(real_dir: str | Path, kind: str, folder: str = POLICEUK_FOLDER) -> Path:
    """The folder of police.uk ``kind`` files ('street' or 'outcomes') under ``real_dir``."""
    path = Path(real_dir) / folder / kind
    if not path.is_dir():
        raise EvaluationError(
            f"no police.uk {kind} folder at {path}: real_dir must point at the repository's "
            "data/real folder"
        )
    return path


def load_csew_national(path: str | Path, series: str = "confidence") -> pd.DataFrame:
    """The CSEW national series (perceptions.json) as year_ending (int) and value (0–1).

    Years with no survey (2021, 2022: face-to-face fieldwork suspended) are simply absent.
    """
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"CSEW national series not found at {p}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{p.name}: not readable JSON ({exc})") from None
    if series not in data:
        raise EvaluationError(f"CSEW national series '{series}' not in {p.name}")
    values = data[series]["values"]
    out = pd.DataFrame({"year_ending": [int(y) for y in values],
                        "confidence": [float(v) / 100 for v in values.values()]})
    return out.sort_values("year_ending", ignore_index=True)


def csew_regions(raw: pd.DataFrame, measure: str = CONFIDENCE_MEASURE) -> pd.DataFrame:
    """Rows of ``measure`` for all adults 16+: each region (``gor``) and England and Wales.

    Returns area, confidence, standard_error (both 0–1) and respondents (unweighted base).
    """
    rows = raw.loc[(raw["measurement_var"] == measure) & (raw["sex"] == "All adults")
                   & (raw["age"] == "16+")
                   & raw["characteristic_var"].isin(["gor", "Total"])]
    if rows.empty:
        raise EvaluationError(f"no CSEW rows for measure '{measure}' (all adults, 16+)")
    area = np.where(rows["characteristic_var"] == "Total", NATIONAL_LABEL, rows["characteristic"])
    out = pd.DataFrame({"area": area.astype(str),
                        "confidence": rows["estimate"].astype(float).to_numpy(),
                        "standard_error": rows["standard_error"].astype(float).to_numpy(),
                        "respondents": rows["unweighted_count"].astype(int).to_numpy()})
    return out.reset_index(drop=True)


def load_csew_regional(path: str | Path, measure: str = CONFIDENCE_MEASURE) -> pd.DataFrame:
    """The ONS CSEW perceptions open data, rows of ``measure`` for all adults aged 16+ by
    region (``gor``) plus the England and Wales total. Estimates and SEs are proportions."""
    return csew_regions(_read_csv(path, "CSEW perceptions open data", CSEW_COLUMNS), measure)


def load_force_counts(path: str | Path) -> pd.DataFrame:
    """The derived police.uk counts by force × month × crime type (all columns as read)."""
    return _read_csv(path, "police.uk counts by force", FORCE_COUNT_COLUMNS)


def load_population(path: str | Path) -> pd.DataFrame:
    """Census 2011 usual residents by police force area: columns force, population."""
    raw = _read_csv(path, "Census 2011 population by police force area", ("PFA16NM",))
    total = next((c for c in raw.columns if "All categories" in c), None)
    if total is None:
        raise EvaluationError(f"{Path(path).name}: no 'All categories' column (the total "
                              "usual residents of each police force area)")
    return pd.DataFrame({"force": raw["PFA16NM"].astype(str),
                         "population": raw[total].astype(int)})
