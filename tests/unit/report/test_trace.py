"""Numbers quoted in findings must be found in the table they cite."""

from __future__ import annotations

import pandas as pd

from evaluation.report.trace import numbers_in, untraceable


def test_numbers_are_read_as_written() -> None:
    got = [(w, v, d, p) for w, v, d, p in numbers_in(
        "Satisfaction was 86.5% in the 12 months to March 2015, against 83.8%; 20,797 "
        "contacts, a change of -167 and £55,000 in grants.")]
    assert got == [("86.5%", 86.5, 1, True), ("83.8%", 83.8, 1, True),
                   ("20,797", 20797.0, 0, False), ("-167", -167.0, 0, False),
                   ("£55,000", 55000.0, 0, False)]


def test_proportions_in_tables_support_percentages_in_text() -> None:
    table = pd.DataFrame({"rate": [0.86512], "n": [1000]})
    assert untraceable("86.5% of 1,000 victims were satisfied", [table]) == []


def test_a_number_missing_from_every_table_is_reported() -> None:
    table = pd.DataFrame({"rate": [0.865], "n": [1000]})
    assert untraceable("87.0% of 1,000 victims", [table]) == ["87.0%"]


def test_rounding_to_the_decimals_written_is_accepted_but_not_beyond() -> None:
    table = pd.DataFrame({"minutes": [3.46]})
    assert untraceable("a mean wait of 3.5 minutes", [table]) == []
    assert untraceable("a mean wait of 3.4 minutes", [table]) == ["3.4"]


def test_formatted_text_cells_count_as_numbers() -> None:
    table = pd.DataFrame({"Total": ["20,797"], "Change": ["+167"]})
    assert untraceable("20,797 in total; +167 on the quarter", [table]) == []


def test_references_and_dates_are_not_measurements() -> None:
    assert numbers_in("Appendix 1 of the letter of 22 January 2019; paragraph 8.2; "
                      "Table 3") == []
    # the level of an interval is not a figure; the interval's ends are
    assert [n[0] for n in numbers_in("88.0% (95% confidence interval 87.9% to 88.1%; 95% CI)")
            ] == ["88.0%", "87.9%", "88.1%"]
    assert [n[0] for n in numbers_in("95% of calls")] == ["95%"]
    assert [n[0] for n in numbers_in("76.4 per 1,000 residents")] == ["76.4"]


def test_a_number_inside_a_label_of_the_table_is_traceable():
    table = pd.DataFrame({"name": ["101 calls answered within 30 seconds"], "value": [0.88]})
    assert untraceable("101 calls answered within 30 seconds: 88.0%.", [table]) == []
    assert untraceable("102 calls: 88.0%.", [table]) == ["102"]
