"""Whether the data bear out a published figure (evaluation.data.published.published_verdict)."""

from __future__ import annotations

import math

import pytest

from evaluation.data.published import published_verdict, stated_precision


@pytest.mark.parametrize(
    ("value", "published", "qualifier", "expected"),
    [
        (436_000, 435_000, "over", "consistent"),
        (435_000, 435_000, "over", "not consistent"),  # "over" needs more than the figure
        (1_049, 1_000, "around", "consistent"),  # within 5%
        (1_051, 1_000, "around", "not consistent"),
        (280, 280, "exact", "consistent"),
        (281, 280, "exact", "not consistent"),
        (math.nan, 280, "exact", "no data"),
        (None, 280, "over", "no data"),
    ],
)
def test_published_verdict_follows_the_qualifier(value, published, qualifier, expected):
    assert published_verdict(value, published, qualifier) == expected


def test_exact_figures_can_be_compared_as_the_paper_rounds_them():
    # 20,000 is stated to the nearest 10,000, so 17,000 rounds to 20,000 and 14,000 does not
    assert published_verdict(17_000, 20_000, "exact") == "not consistent"
    assert published_verdict(17_000, 20_000, "exact", round_as_published=True) == "consistent"
    assert published_verdict(14_000, 20_000, "exact", round_as_published=True) == (
        "not consistent")


def test_around_tolerance_can_be_set_and_qualifiers_are_checked():
    assert published_verdict(1_090, 1_000, "around", tolerance=0.1) == "consistent"
    with pytest.raises(ValueError, match="qualifier"):
        published_verdict(1, 1, "about")


@pytest.mark.parametrize(("published", "digits"), [(20_000, 4), (1_990, 1), (21, 0), (0, 0),
                                                    (21.5, -1), (3.25, -2)])
def test_stated_precision_counts_trailing_zeros(published, digits):
    # a figure with decimals is stated to its last decimal place (21.5 -> -1); it was 0,
    # which rounded the data to whole numbers, so "86.5%" could never be matched exactly
    assert stated_precision(published) == digits


def test_an_exact_figure_with_decimals_is_matched_at_its_stated_precision():
    assert published_verdict(86.49, 86.5, "exact", round_as_published=True) == "consistent"
    assert published_verdict(86.44, 86.5, "exact", round_as_published=True) == "not consistent"
