"""Home Office police statistics by force: crime outcomes (the charge/summons rate) and the
police workforce (officers, full-time equivalent), read as published and named as ONS names
the 43 police force areas (so they join the ONS tables).

* Outcomes open data (``prc-outcomes-open-data-YYYY-YY-tidy.csv[.gz]``): one row per
  quarter, force, offence and outcome type, with the offences recorded in the year that have
  that outcome (type 0: none yet). The charge/summons rate is the offences with outcome type 1
  ("Charged/Summonsed") over all offences recorded.
* Workforce (``police-workforce-fte-by-year.csv``): officers in post (FTE) at 31 March of each
  year by force; the file also has a West Midlands *region* row (the first of the two "West
  Midlands" rows of a year), Central Service Secondments and British Transport Police, which
  are not territorial forces and are left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evaluation.data.ons_pfa import FORCES, territorial_force
from evaluation.errors import DataValidationError, Problem, ProblemReport

OUTCOME_COLUMNS = ("financial_year", "force_name", "outcome_type", "offences")
WORKFORCE_COLUMNS = ("Police force", "FTE Count", "Year")
CHARGED = 1  # outcome type 1: charged/summonsed
NOT_FORCES = ("British Transport Police", "Central Service Secondments")


def _missing(path: Path, frame: pd.DataFrame, columns: tuple[str, ...]) -> None:
    gone = [c for c in columns if c not in frame.columns]
    if gone:
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"missing column(s) {', '.join(gone)}", row=1,
            expected=", ".join(columns))]))


def _forces(path: Path, names: pd.Series, column: str) -> pd.Series:
    """Each name as ONS names the force; a name that is no force is an error with its row."""
    mapping = {}
    for name in names.unique():
        try:
            mapping[name] = territorial_force(str(name))
        except ValueError as exc:
            row = int(names.index[names == name][0]) + 2
            raise DataValidationError(ProblemReport([Problem(
                str(path), str(exc), row=row, column=column, value=str(name),
                expected="one of the 43 police force areas")])) from exc
    return names.map(mapping)


def charge_rates(path: str | Path) -> pd.DataFrame:
    """The charge/summons rate by force for the file's financial year.

    Columns: force (ONS name), financial_year, offences (recorded in the year), charged
    (offences with a charge or summons), rate (0-1); plus an "England and Wales" row for the
    43 forces together (British Transport Police left out). Raises
    :class:`DataValidationError` for a missing column or a force name that is no force."""
    path = Path(path)
    raw = pd.read_csv(path, usecols=lambda c: c in OUTCOME_COLUMNS)
    _missing(path, raw, OUTCOME_COLUMNS)
    raw = raw.dropna(how="all")
    raw = raw.loc[~raw["force_name"].isin(NOT_FORCES)]
    raw = raw.assign(force=_forces(path, raw["force_name"], "force_name"))
    raw["charged_offences"] = raw["offences"].where(raw["outcome_type"] == CHARGED, 0)
    g = raw.groupby("force", sort=False).agg(
        financial_year=("financial_year", "first"), offences=("offences", "sum"),
        charged=("charged_offences", "sum")).reset_index()
    if len(g) != FORCES:
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"{len(g)} police force areas", expected=f"{FORCES}")]))
    total = pd.DataFrame([{"force": "England and Wales",
                           "financial_year": g["financial_year"].iloc[0],
                           "offences": g["offences"].sum(), "charged": g["charged"].sum()}])
    out = pd.concat([g, total], ignore_index=True)
    out["rate"] = out["charged"] / out["offences"]
    return out


def officers(path: str | Path, year: int) -> pd.DataFrame:
    """Police officers (FTE) at 31 March of ``year`` by force (ONS names), with an "England
    and Wales" row for the 43 forces. Raises :class:`DataValidationError` when the year is
    not in the file or a force is missing."""
    path = Path(path)
    raw = pd.read_csv(path)
    _missing(path, raw, WORKFORCE_COLUMNS)
    rows = raw.loc[raw["Year"] == year]
    if rows.empty:
        years = sorted(raw["Year"].dropna().astype(int).unique())
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"no officers for 31 March {year}", column="Year",
            expected=f"one of {years}")]))
    rows = rows.loc[~rows["Police force"].isin(NOT_FORCES)]
    # the first of the two 'West Midlands' rows of a year is the region
    wm = rows.index[rows["Police force"].str.strip() == "West Midlands"]
    if len(wm) == 2:
        rows = rows.drop(index=wm[0])
    rows = rows.assign(force=_forces(path, rows["Police force"], "Police force"))
    out = rows[["force"]].assign(year=year, officers=rows["FTE Count"].astype(float))
    if len(out) != FORCES:
        raise DataValidationError(ProblemReport([Problem(
            str(path), f"{len(out)} police force areas for {year}", expected=f"{FORCES}")]))
    total = pd.DataFrame([{"force": "England and Wales", "year": year,
                           "officers": out["officers"].sum()}])
    return pd.concat([out, total], ignore_index=True)
