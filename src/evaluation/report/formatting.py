"""Numbers as a board reads them, in one place: counts, decimals, percentages, percentage
points, pounds, signed changes, p-values and the suppression marker. Every chapter formats
through these, so the same kind of number always reads the same way.

Missing values read as an en dash:

>>> fmt_int(None), fmt_pct(float("nan")), fmt_p(None)
('–', '–', '–')
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from evaluation.methods.disclosure import SUPPRESSED

__all__ = [
    "SUPPRESSED",
    "Formatter",
    "fmt_change",
    "fmt_gbp",
    "fmt_int",
    "fmt_number",
    "fmt_p",
    "fmt_pct",
    "fmt_points",
    "fmt_pp",
    "fmt_value",
]


Formatter = Callable[[Any], str]
"""Writes one cell of a printed table."""


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_int(x: float | int | None) -> str:
    """A count with thousands separators.

    >>> fmt_int(12345), fmt_int(0), fmt_int(-3), fmt_int(2.5)
    ('12,345', '0', '-3', '2')
    """
    if _missing(x):
        return "–"
    return f"{round(float(x)):,}"


def fmt_number(x: float | None, decimals: int = 1) -> str:
    """A number to ``decimals`` places, thousands separated.

    >>> fmt_number(3.456), fmt_number(1234.5, 0), fmt_number(-0.04), fmt_number(0)
    ('3.5', '1,234', '-0.0', '0.0')
    """
    if _missing(x):
        return "–"
    return f"{float(x):,.{decimals}f}"


def fmt_value(x: float | None) -> str:
    """A whole number with thousands separators, otherwise one decimal place.

    >>> fmt_value(1200.0), fmt_value(22.46), fmt_value(0), fmt_value(None)
    ('1,200', '22.5', '0', '–')
    """
    if _missing(x):
        return "–"
    return fmt_int(x) if float(x).is_integer() else f"{float(x):,.1f}"


def fmt_pct(p: float | None, decimals: int = 1) -> str:
    """A proportion held as 0–1, as a percentage.

    >>> fmt_pct(0.865), fmt_pct(0), fmt_pct(1), fmt_pct(0.12345, 2)
    ('86.5%', '0.0%', '100.0%', '12.35%')
    """
    if _missing(p):
        return "–"
    return f"{100 * float(p):.{decimals}f}%"


def fmt_gbp(x: float | None, decimals: int = 0) -> str:
    """Pounds sterling.

    >>> fmt_gbp(55000), fmt_gbp(-250.5, 2), fmt_gbp(0)
    ('£55,000', '-£250.50', '£0')
    """
    if _missing(x):
        return "–"
    sign = "-" if float(x) < 0 else ""
    return f"{sign}£{abs(float(x)):,.{decimals}f}"


def fmt_change(x: float | None, decimals: int = 0) -> str:
    """A signed change; zero has no sign.

    >>> fmt_change(167), fmt_change(-3), fmt_change(0), fmt_change(-0.04, 1), fmt_change(2.66, 1)
    ('+167', '-3', '0', '0.0', '+2.7')
    """
    if _missing(x):
        return "–"
    value = round(float(x), decimals)
    text = f"{abs(value):,.{decimals}f}"
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return text


def fmt_points(x: float | None, decimals: int = 1) -> str:
    """A difference already in percentage points, in words.

    >>> fmt_points(2.66), fmt_points(-0.2), fmt_points(0)
    ('+2.7 percentage points', '-0.2 percentage points', '0.0 percentage points')
    """
    if _missing(x):
        return "–"
    return f"{fmt_change(float(x), decimals)} percentage points"


def fmt_pp(x: float | None, decimals: int = 1) -> str:
    """A change in a proportion (held as 0–1), in percentage points.

    >>> fmt_pp(0.027), fmt_pp(-0.002), fmt_pp(None)
    ('+2.7 percentage points', '-0.2 percentage points', '–')
    """
    if _missing(x):
        return "–"
    return fmt_points(100 * float(x), decimals)


def fmt_p(p: float | None) -> str:
    """A p-value to three decimal places, or '< 0.001'.

    >>> fmt_p(0.0312), fmt_p(0.0004), fmt_p(0), fmt_p(1.0), fmt_p(float("nan"))
    ('0.031', '< 0.001', '< 0.001', '1.000', '–')
    """
    if _missing(p):
        return "–"
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"
