"""Volunteers: Special Constables against the target, hours per special, cadets, Speedwatch."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.measures import volunteers as v
from evaluation.report.chapters import volunteers as volunteers_chapter
from evaluation.report.trace import untraceable

START, END = "2018-03-01", "2018-04-30"  # previous period January-February 2018


def _vol() -> pd.DataFrame:
    return pd.DataFrame({
        "month": ["2018-01", "2018-02", "2018-03", "2018-04"],
        "special_constables": [300, 290, 250, 150],
        "special_hours": [6000.0, 5800.0, 5000.0, 4000.0],
        "cadet_units": [3, 4, 4, 5],
        "speedwatch_schemes": [60, 61, 62, 64],
    })


def test_hours_per_special_per_month() -> None:
    out = v.volunteers_monthly(_vol())
    assert out["hours_per_special"].tolist() == pytest.approx([20.0, 20.0, 20.0, 4000 / 150])


def test_summary_against_target_weights_hours_by_headcount() -> None:
    out = v.volunteers_summary(_vol(), START, END, target=300)
    expected = pd.DataFrame({
        "Period": ["Reporting period (March 2018 to April 2018)",
                   "Previous period (January 2018 to February 2018)"],
        "Special Constables at the end": [150, 290],
        "Target": [300, 300],
        "Short of target": [150, 10],
        "Hours given": [9000.0, 11800.0],
        # 9000 / (250 + 150) = 22.5, not the mean of 20 and 26.7
        "Hours per special a month": [22.5, 20.0],
        "Cadet units at the end": [5, 4],
        "Speedwatch schemes at the end": [64, 61],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_sentences_and_finding_quote_the_summary() -> None:
    summary = v.volunteers_summary(_vol(), START, END, target=300)
    finding = volunteers_chapter.specials_finding(summary)
    assert finding == ("There were 150 Special Constables at the end of the reporting period, "
                       "150 short of the target of 300; each gave 22.5 hours a month on "
                       "average.")
    assert untraceable(finding, [summary]) == []
    assert volunteers_chapter.schemes_sentence(summary) == (
        "There were 5 Volunteer Police Cadet units and 64 Speedwatch schemes at the end of the "
        "period, against 4 and 61 at the end of the previous period.")
    hours = volunteers_chapter.hours_sentence(summary, v.hours_xmr(_vol(), END), benchmark=21)
    assert "22.5 hours per special a month, above the 21 hours" in hours


def test_headcount_xmr_flags_a_falling_series_and_fails_the_target() -> None:
    months = [str(p) for p in pd.period_range("2016-01", "2018-12", freq="M")]
    vol = pd.DataFrame({"month": months,
                        "special_constables": [290 - 2 * i for i in range(36)],
                        "special_hours": [4000.0] * 36, "cadet_units": [1] * 36,
                        "speedwatch_schemes": [50] * 36})
    result = v.headcount_xmr(vol, "2018-12-31", months=24, target=300)
    assert len(result.points) == 24
    assert result.assurance == "fail"
    assert result.latest_variation == "concern"
    summary = v.volunteers_summary(vol, "2018-01-01", "2018-12-31", target=300)
    text = volunteers_chapter.specials_sentence(summary, result)
    assert "there were 220 Special Constables, 80 short of the target of 300 (-24 on 244" in text
    assert "of the 24 months show special-cause variation" in text
    # a steady fall: every month special cause, so the limits do not describe the process
    # (issue 12) and the words say so, with the direction, instead of an assurance icon
    assert "24 of the 24 months show special-cause variation" in text
    assert "one set of limits does not describe them" in text
    assert "It fell from 266 in January 2017 to 220 in December 2018" in text
    assert "trend (October 2017, November 2017, December 2017 and 3 more; falling)" in text
    assert "will not be met" in text


def test_published_checks_use_the_month_of_the_paper_and_the_year_before() -> None:
    months = [str(p) for p in pd.period_range("2015-01", "2016-02", freq="M")]
    vol = pd.DataFrame({"month": months, "special_constables": [280] * 13 + [283],
                        "special_hours": [6020.0] * 13 + [0.0],
                        "cadet_units": [0] * 13 + [3], "speedwatch_schemes": [50] * 14})
    figures = pd.DataFrame({
        "figure_id": ["specials_headcount", "cadet_units", "specials_hours"],
        "measure": ["Specials", "Cadet units", "Hours"], "value": [280.0, 4.0, 21.0],
        "qualifier": ["over", "exact", "over"],
        "period_end": ["2016-02-25"] * 3, "document": ["BCB-2016"] * 3,
        "paragraph": ["10.6", "10.3", "10.6"],
    }).set_index("figure_id")
    rows = {r["Published figure"]: r for r in v.published_figure_checks(figures, vol)}
    assert (rows["Specials"]["In the data"], rows["Specials"]["Verdict"]) == (283.0,
                                                                             "consistent")
    assert rows["Cadet units"]["Verdict"] == "not consistent"
    # hours: 6020 / 280 = 21.5 over February 2015 - January 2016 (February 2016 left out)
    assert (rows["Hours"]["In the data"], rows["Hours"]["Verdict"]) == (21.5, "consistent")


def test_missing_period_is_a_plain_error() -> None:
    with pytest.raises(ValueError, match="no volunteers data"):
        v.volunteers_summary(_vol(), "2020-01-01", "2020-12-31")
