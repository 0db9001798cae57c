"""Grant registers in the 360Giving standard, mapped to the ``grants`` contract."""

from __future__ import annotations

import logging
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.data import checks
from evaluation.data.reading import (
    _attach,
    _finish,
    _pandera_problems,
    _raise_if_errors,
    _read_raw,
    _summarise,
    _validate,
)
from evaluation.data.schemas import FUNDS, SCHEMAS
from evaluation.errors import Problem
from evaluation.methods.periods import financial_year

logger = logging.getLogger("evaluation.data.loaders")  # one logger for every reader


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
    problems += _column_warnings(typed, present, file)
    fund, fund_problems = _funds(typed, present, file)
    problems += fund_problems
    grants = _as_grants(typed, fund)
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


def _column_warnings(typed: pd.DataFrame, present: set[str], file: str) -> list[Problem]:
    """Award Years that are not the award's financial year, shared Grant references, and the
    optional columns that are absent (what is then left blank)."""
    problems: list[Problem] = []
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
    return problems


def _funds(typed: pd.DataFrame, present: set[str], file: str
           ) -> tuple[pd.Series, list[Problem]]:
    """Each grant's contract fund from its Grant Programme, and a warning for each programme
    title mapped other than exactly (or for no programme column: every fund 'Other')."""
    problems: list[Problem] = []
    if "Grant Programme:Title" not in present:
        problems.append(Problem(file, "no Grant Programme:Title column: fund set to 'Other'",
                                column="Grant Programme:Title", severity="warning"))
        return pd.Series("Other", index=typed.index), problems
    funds = typed["Grant Programme:Title"].map(
        lambda t: ("Other", False) if pd.isna(t) else _fund(str(t)))
    fund = funds.map(lambda f: f[0])
    inexact = typed["Grant Programme:Title"].notna() & ~funds.map(lambda f: f[1])
    for title in sorted(set(typed.loc[inexact, "Grant Programme:Title"])):
        mapped = _fund(title)[0]
        problems.append(Problem(file, f"Grant Programme '{title}' mapped to fund '{mapped}'",
                                column="Grant Programme:Title", severity="warning"))
    return fund, problems


def _as_grants(typed: pd.DataFrame, fund: pd.Series) -> pd.DataFrame:
    """The 360Giving columns in the ``grants`` contract's shape (no participants or
    outcomes: 360Giving does not record them)."""
    na = pd.Series(pd.NA, index=typed.index)
    return pd.DataFrame({
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
