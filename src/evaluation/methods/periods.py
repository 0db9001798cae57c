"""Months and periods, in one place: 'YYYY-MM', ISO dates, Timestamps or Periods to
``pd.Period`` (freq M), and the labels a paper prints for them ('March 2015', 'April 2018 to
March 2019')."""

from __future__ import annotations

import re

import pandas as pd

__all__ = [
    "claim_window",
    "comparison_start",
    "date_range_label",
    "financial_year",
    "financial_years",
    "month_index",
    "month_name",
    "months_label",
    "months_of",
    "months_span",
    "period_label",
    "previous_months",
    "reporting_months",
    "to_month",
    "window_label",
]

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])(-\d{2}([ T].*)?)?$")


def to_month(value: object) -> pd.Period:
    """A month from 'YYYY-MM', 'YYYY-MM-DD', a Timestamp, a date or a Period."""
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    text = str(value).strip()
    if not _MONTH.match(text):
        raise ValueError(f"not a month (expected YYYY-MM or YYYY-MM-DD): {value!r}")
    return pd.Period(text[:7], freq="M")


def month_index(values: pd.Series) -> pd.PeriodIndex:
    """Months of dates, timestamps or 'YYYY-MM' strings (the first 7 characters of each).

    Vectorised: datetimes are converted directly and text is parsed once per distinct value,
    so two million dated records take well under a second (building Periods one string at a
    time took over a minute)."""
    values = pd.Series(values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return pd.PeriodIndex(values.dt.to_period("M"))
    if isinstance(values.dtype, pd.PeriodDtype):
        return pd.PeriodIndex(values.dt.asfreq("M"))
    text = values.astype(str).str[:7]
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    parsed = pd.PeriodIndex(list(uniques), freq="M")
    out = parsed.take(codes, allow_fill=True, fill_value=pd.NaT)
    return pd.PeriodIndex(out, freq="M")


def months_of(values: pd.Series) -> pd.Series:
    """Months (``pd.Period``, freq M) of dates, timestamps or 'YYYY-MM' strings, keeping the
    index of ``values``."""
    return pd.Series(month_index(values), index=values.index)


def month_name(period: object) -> str:
    """A month (Period, Timestamp, date or 'YYYY-MM') as 'March 2015'."""
    return pd.Period(str(period)[:7], freq="M").strftime("%B %Y")


def period_label(p0: pd.Period, p1: pd.Period) -> str:
    """'April 2018 to March 2019'."""
    return f"{p0.strftime('%B %Y')} to {p1.strftime('%B %Y')}"


def months_label(months: pd.DataFrame) -> str:
    """'October 2014 to March 2019' for the months present (or 'no months')."""
    if months.empty:
        return "no months"
    first, last = months["month"].min(), months["month"].max()
    if first == last:
        return month_name(first)
    return f"{month_name(first)} to {month_name(last)}"


# ------------------------------------------------------------ reporting windows
def reporting_months(start: str, end: str) -> tuple[pd.Period, pd.Period]:
    """First and last month of a period given as ISO dates ('2018-04-01', '2019-03-31')."""
    p0, p1 = pd.Period(str(start)[:7], "M"), pd.Period(str(end)[:7], "M")
    if p1 < p0:
        raise ValueError(f"period_end {end!r} is before period_start {start!r}")
    return p0, p1


def previous_months(start: str, end: str) -> tuple[pd.Period, pd.Period]:
    """The period of the same number of months immediately before ``start``..``end``."""
    p0, p1 = reporting_months(start, end)
    length = (p1 - p0).n + 1
    return p0 - length, p0 - 1


# --------------------------------------------------------------------------- shared helpers


def comparison_start(start: str, end: str) -> str:
    """First day (ISO) of the period of the same length just before ``start``..``end``."""
    return previous_months(start, end)[0].start_time.strftime("%Y-%m-%d")


def claim_window(paper_date: str, months: int = 12) -> tuple[str, str]:
    """The ``months`` complete months before a paper's date, as ISO first and last days.

    Used for a rate a paper quotes "per month"; a figure a paper gives as current is checked
    against the month of the paper's date instead.
    """
    last = pd.Period(str(paper_date)[:7], "M") - 1
    first = last - (months - 1)
    return first.start_time.strftime("%Y-%m-%d"), last.end_time.strftime("%Y-%m-%d")


# ------------------------------------------------------------ UK financial years
def financial_year(value: object) -> str:
    """The UK financial year (1 April to 31 March) of a month or date, as '2015/16'.

    >>> financial_year("2015-04"), financial_year("2016-03-31"), financial_year("1999-12")
    ('2015/16', '2015/16', '1999/00')
    """
    p = to_month(value)
    start = p.year if p.month >= 4 else p.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def previous_financial_year(value: object) -> str:
    """The financial year before that of a month or date.

    >>> previous_financial_year("2019-03-31"), previous_financial_year("2000-04")
    ('2017/18', '1999/00')
    """
    p = to_month(value)
    return financial_year(pd.Period(year=p.year - 1, month=p.month, freq="M"))


def financial_years(dates: pd.Series | pd.DatetimeIndex) -> pd.Series:
    """:func:`financial_year` of each date, vectorised; a blank date stays blank (<NA>)."""
    d = pd.Series(pd.to_datetime(pd.Series(dates).to_numpy()), dtype="datetime64[ns]")
    start = d.dt.year - (d.dt.month < 4).astype("Int64")
    text = start.astype("Int64").astype("string") + "/" + (
        ((start + 1) % 100).astype("Int64").astype("string").str.zfill(2))
    return pd.Series(text.to_numpy(), index=getattr(dates, "index", None), dtype="string")


# ------------------------------------------------------------ labels of windows
def overlaps(months: object, start: object, end: object) -> bool:
    """Whether any of ``months`` (dates or months) falls in the period ``start``..``end``.

    >>> overlaps(["2024-01", "2024-12"], "2018-04-01", "2019-03-31")
    False
    >>> overlaps(["2018-01", "2018-12"], "2018-04-01", "2019-03-31")
    True
    """
    p0, p1 = reporting_months(str(start), str(end))
    found = [to_month(m) for m in pd.Series(list(months)).dropna()]
    return bool(found) and min(found) <= p1 and max(found) >= p0


def year_ending(label: str) -> tuple[pd.Period, pd.Period]:
    """The twelve months of an official-statistics period such as 'year ending December 2018'.

    >>> year_ending("year ending December 2018")
    (Period('2018-01', 'M'), Period('2018-12', 'M'))
    """
    words = str(label).strip().split()
    if len(words) < 4 or [w.lower() for w in words[:2]] != ["year", "ending"]:
        raise ValueError(f"expected a period such as 'year ending March 2019', got {label!r}")
    end = pd.Period(pd.Timestamp(f"1 {words[2]} {words[3]}"), "M")
    return end - 11, end


def months_span(months: pd.Series) -> str:
    """'November 2015 to March 2016' for the months in a series (or '–' for none)."""
    if months.empty:
        return "–"
    return f"{month_name(months.min())} to {month_name(months.max())}"


def window_label(period_end: object, months: int = 12) -> str:
    """'12 months to March 2015'."""
    return f"{months} months to {month_name(to_month(period_end))}"


def date_range_label(start: object, end: object) -> str:
    """'1 April 2018 to 31 March 2019', or the financial year when the period is exactly one."""
    s, e = pd.Timestamp(str(start)), pd.Timestamp(str(end))
    if s.month == 4 and s.day == 1 and e == pd.Timestamp(year=s.year + 1, month=3, day=31):
        return financial_years(pd.Series([s])).iloc[0]
    return f"{s.day} {s:%B %Y} to {e.day} {e:%B %Y}"
