"""data.police.uk monthly street and outcome files: read as published, checked, with their
quirks (rows of another force, no location, no Crime ID) reported as warnings, and a file of
another force refused."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from evaluation.data.reading import (
    _attach,
    _finish,
    _raise_if_errors,
    _read_raw,
    _summarise,
    _validate,
)
from evaluation.data.schemas import DISTRICTS, SCHEMAS
from evaluation.errors import EvaluationError, Problem

logger = logging.getLogger("evaluation.data.loaders")  # one logger for every reader


FORCE_DISTRICTS: dict[str, tuple[str, ...]] = {"cambridgeshire": DISTRICTS}
"""Local authority districts per force (lower-case force name fragment) for LSOA checks."""


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
