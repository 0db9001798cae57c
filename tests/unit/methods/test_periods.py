"""Month parsing shared by the domain modules."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from evaluation.methods.periods import month_index, months_of, to_month


def test_month_index_reads_strings_dates_and_timestamps_as_the_same_month() -> None:
    values = pd.Series(["2015-03", "2015-03-31", pd.Timestamp("2015-03-01 08:00")])
    assert month_index(values).tolist() == [pd.Period("2015-03", "M")] * 3


def test_months_of_keeps_the_index_of_its_input() -> None:
    got = months_of(pd.Series(["2016-01-15", "2016-02-01"], index=[7, 9]))
    expected = pd.Series([pd.Period("2016-01", "M"), pd.Period("2016-02", "M")], index=[7, 9])
    pd.testing.assert_series_equal(got, expected)


def test_to_month_accepts_a_date_and_refuses_words() -> None:
    assert to_month(datetime.date(2015, 3, 31)) == pd.Period("2015-03", "M")
    with pytest.raises(ValueError, match="not a month"):
        to_month("March 2015")
