"""Typing a column of cells as its contract says: whole numbers, numbers, true/false, months,
dates and date-times, from text (CSV) or from cells a reader already typed (Excel, Parquet),
with a mask of the cells that were filled in but could not be read.
:mod:`evaluation.data.reading` checks a whole file with these."""

from __future__ import annotations

import numpy as np
import pandas as pd

EXPECTED = {
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false (also 1/0, yes/no)",
    "month": "a month as YYYY-MM",
    "date": "a date as YYYY-MM-DD",
    "datetime": "a date and time as YYYY-MM-DD HH:MM:SS (local time, no zone)",
}
"""What a cell of each kind should hold, for the problem report."""


MESSAGE = {
    "int": "not a whole number",
    "float": "not a number",
    "bool": "not true or false",
    "month": "unparseable month",
    "date": "unparseable date",
    "datetime": "unparseable date-time",
}
"""The problem with a cell of each kind that could not be read."""


_TRUE = {"true", "1", "yes", "y", "t"}


_FALSE = {"false", "0", "no", "n", "f"}


_INT_RE = r"^[+-]?(?:\d{1,15}|\d{1,3}(?:,\d{3}){1,4})(?:\.0*)?$"


_FLOAT_RE = r"^[+-]?(?:\d+(?:\.\d*)?|\d{1,3}(?:,\d{3})+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?$"


_MONTH_RE = r"^\d{4}-\d{2}(?:-01(?:[ T]00:00(?::00)?)?)?$"


_DATE_RE = (
    r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)


_DATETIME_RE = r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$"


def is_blank(cell: object) -> bool:
    """None, NaN, or text of nothing but spaces."""
    if cell is None:
        return True
    if isinstance(cell, float) and np.isnan(cell):
        return True
    return isinstance(cell, str) and cell.strip() == ""


def cell_text(value: object) -> str:
    """A cell as the text a spreadsheet would show (blank cells are "")."""
    if is_blank(value):
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
        text = values.map(cell_text).astype("string")
    return text.mask(text == "")


def _to_ns(values: pd.Series) -> pd.Series:
    """datetime64[ns]; timestamps outside its range (years 1678-2261) become NaT."""
    years = values.dt.year
    return values.where((years > 1677) & (years < 2262)).astype("datetime64[ns]")


def parse_column(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """(typed values, mask of cells that were filled in but could not be read)."""
    dtype = values.dtype
    if kind in ("month", "date", "datetime") and pd.api.types.is_datetime64_any_dtype(dtype):
        return _typed_dates(values, kind)
    if kind in ("int", "float") and pd.api.types.is_numeric_dtype(dtype) and not (
        pd.api.types.is_bool_dtype(dtype)
    ):
        return _typed_numbers(values, kind)
    if kind == "bool" and pd.api.types.is_bool_dtype(dtype):
        return values.astype("boolean"), pd.Series(False, index=values.index)
    return _from_text(_as_text(values), kind, values.index)


def _typed_dates(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Cells a reader already typed as timestamps: in range, no time zone, months on the 1st."""
    if getattr(values.dtype, "tz", None) is not None:
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]"), values.notna()
    out = _to_ns(values)
    bad = values.notna() & out.isna()
    if kind == "month":
        bad |= out.notna() & (out != out.dt.to_period("M").dt.to_timestamp())
        out = out.mask(bad)
    elif kind == "date":
        out = out.dt.normalize()
    return out, bad


def _typed_numbers(values: pd.Series, kind: str) -> tuple[pd.Series, pd.Series]:
    """Cells a reader already typed as numbers: finite, and whole (below 1e15) for ``int``."""
    num = values.astype("Float64")
    bad = ~np.isfinite(num.fillna(0).astype(float))
    if kind == "int":
        bad |= (num.fillna(0) % 1 != 0) | (num.abs() >= 1e15).fillna(False)
        return num.mask(bad).round().astype("Int64"), bad.astype(bool)
    return num.mask(bad).astype("float64"), bad.astype(bool)


def _from_text(text: pd.Series, kind: str, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Cells as text (blank = <NA>), read as ``kind``."""
    filled = text.notna()
    if kind == "text":
        return text, pd.Series(False, index=index)
    if kind == "bool":
        low = text.str.lower()
        out = pd.Series(pd.NA, index=index, dtype="boolean")
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
        num = pd.Series(num, index=index, dtype="float64")
        num = num.where(np.isfinite(num))
        return num, (filled & num.isna()).astype(bool)
    out = _to_ns(pd.Series(_dates_from_text(text, kind), index=index))
    return out, (filled & out.isna()).astype(bool)


def _dates_from_text(text: pd.Series, kind: str) -> pd.Series:
    """Text read as a month (its 1st), a date or a date-time; anything else NaT."""
    if kind == "month":
        ok = text.str.fullmatch(_MONTH_RE).fillna(False).astype(bool)
        return pd.to_datetime(text.where(ok).str.slice(0, 7) + "-01", format="%Y-%m-%d",
                              errors="coerce")
    if kind == "date":
        ok = text.str.fullmatch(_DATE_RE).fillna(False).astype(bool)
        return pd.to_datetime(text.where(ok).str.slice(0, 10), format="%Y-%m-%d",
                              errors="coerce")
    ok = text.str.fullmatch(_DATETIME_RE).fillna(False).astype(bool)
    return pd.to_datetime(text.where(ok).str.replace("T", " ", regex=False), format="ISO8601",
                          errors="coerce")
