"""Small-number suppression: primary, rates, and secondary suppression against totals."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluation.methods.disclosure import SUPPRESSED, suppress, unsuppressed_small_counts


def test_counts_below_threshold_are_suppressed_but_zero_and_ten_are_not() -> None:
    df = pd.DataFrame({"group": list("abcd"), "respondents": [0, 1, 9, 10]})
    out = suppress(df, ["respondents"], threshold=10).table
    assert out["respondents"].tolist() == [0, SUPPRESSED, SUPPRESSED, 10]


def test_rate_is_suppressed_when_its_base_is() -> None:
    df = pd.DataFrame({"respondents": [5, 200], "satisfied": [4, 170], "rate": [0.8, 0.85]})
    out = suppress(df, ["respondents", "satisfied"], {"rate": ["respondents", "satisfied"]}).table
    assert out.loc[0].tolist() == [SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert out.loc[1].tolist() == [200, 170, 0.85]


def test_total_row_triggers_secondary_suppression_of_the_next_smallest_cell() -> None:
    # Worked example: Asian 4 of a total 120 could be recovered as 120 - 70 - 30 - 16.
    df = pd.DataFrame({"ethnicity": ["White", "Mixed", "Asian", "Black", "Total"],
                       "respondents": [70, 30, 4, 16, 120]})
    result = suppress(df, ["respondents"], threshold=10, total_row=-1)
    assert result.table["respondents"].tolist() == [70, 30, SUPPRESSED, SUPPRESSED, 120]
    assert (result.primary, result.secondary) == (1, 1)
    assert "fewer than 10" in result.footnote


def test_two_primary_cells_need_no_secondary() -> None:
    df = pd.DataFrame({"n": [3, 4, 50, 57]})
    result = suppress(df, ["n"], total_row=-1)
    assert result.secondary == 0
    assert result.table["n"].tolist() == [SUPPRESSED, SUPPRESSED, 50, 57]


def test_total_column_protects_rows() -> None:
    df = pd.DataFrame({"online": [5, 40], "web_chat": [30, 20], "total": [35, 60]})
    out = suppress(df, ["online", "web_chat", "total"], total_column="total").table
    assert out.loc[0].tolist() == [SUPPRESSED, SUPPRESSED, 35]


def test_threshold_is_a_parameter() -> None:
    df = pd.DataFrame({"n": [4, 6]})
    assert suppress(df, ["n"], threshold=5).table["n"].tolist() == [SUPPRESSED, 6]


def test_unknown_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no column 'x'"):
        suppress(pd.DataFrame({"n": [1]}), ["x"])


@given(st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=12),
       st.integers(min_value=2, max_value=20))
def test_no_small_count_survives_suppression(counts: list[int], threshold: int) -> None:
    df = pd.DataFrame({"n": [*counts, sum(counts)]})
    out = suppress(df, ["n"], threshold=threshold, total_row=-1).table
    assert unsuppressed_small_counts(out, ["n"], threshold) == []
    hidden = [i for i, v in enumerate(out["n"][:-1]) if v == SUPPRESSED]
    if len(hidden) == 1:  # a lone hidden cell is only allowed when nothing else could hide it
        assert all(c == 0 for i, c in enumerate(counts) if i != hidden[0])


def test_zero_beside_a_suppressed_count_is_hidden_too() -> None:
    # 8 respondents, all satisfied: showing "0 not satisfied" would reveal it.
    df = pd.DataFrame({"group": ["Other", "White"], "respondents": [8, 900],
                       "satisfied": [8, 800], "not_satisfied": [0, 100]})
    out = suppress(df, ["respondents", "satisfied", "not_satisfied"]).table
    assert out.loc[0, ["respondents", "satisfied", "not_satisfied"]].tolist() == [SUPPRESSED] * 3
    assert out.loc[1, "not_satisfied"] == 100


def test_zero_in_a_row_without_suppression_stays() -> None:
    df = pd.DataFrame({"respondents": [50], "declined": [0]})
    assert suppress(df, ["respondents", "declined"]).table.loc[0, "declined"] == 0
