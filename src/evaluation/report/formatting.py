"""Numbers as a board reads them: thousands separators, percentages, pounds, signed changes."""

from __future__ import annotations

import math


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_int(x: float | int | None) -> str:
    """12345 → '12,345'; missing → '–'."""
    if _missing(x):
        return "–"
    return f"{round(float(x)):,}"


def fmt_number(x: float | None, decimals: int = 1) -> str:
    """3.456 → '3.5' (thousands separated)."""
    if _missing(x):
        return "–"
    return f"{float(x):,.{decimals}f}"


def fmt_pct(p: float | None, decimals: int = 1) -> str:
    """A proportion held as 0–1: 0.865 → '86.5%'."""
    if _missing(p):
        return "–"
    return f"{100 * float(p):.{decimals}f}%"


def fmt_gbp(x: float | None, decimals: int = 0) -> str:
    """55000 → '£55,000'."""
    if _missing(x):
        return "–"
    sign = "-" if float(x) < 0 else ""
    return f"{sign}£{abs(float(x)):,.{decimals}f}"


def fmt_change(x: float | None, decimals: int = 0) -> str:
    """A signed change: 167 → '+167', -3 → '-3', 0 → '0'."""
    if _missing(x):
        return "–"
    value = round(float(x), decimals)
    text = f"{abs(value):,.{decimals}f}"
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return text


def fmt_pp(x: float | None, decimals: int = 1) -> str:
    """A change in a proportion, in percentage points: 0.027 → '+2.7 percentage points'."""
    if _missing(x):
        return "–"
    return f"{fmt_change(100 * float(x), decimals)} percentage points"


