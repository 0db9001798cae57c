"""Engagement activities: counts by mode and type, attendance, Police Contact Points, checks."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.measures import engagement as e
from evaluation.methods.periods import (
    claim_window,
    comparison_start,
    previous_months,
    reporting_months,
)
from evaluation.methods.proportions import compare_counts
from evaluation.report.chapters import engagement as engagement_chapter
from evaluation.report.trace import untraceable

START, END = "2018-04-01", "2018-05-31"  # two months; previous period Feb-Mar 2018


def _activities() -> pd.DataFrame:
    rows = [
        # reporting period
        ("A1", "2018-04-03", "surgery", "listen", "Ely", "East Cambridgeshire", 2),
        ("A2", "2018-04-10", "police contact point", "listen", "Wisbech", "Fenland", 40),
        ("A3", "2018-05-02", "police contact point", "listen", "Wisbech", "Fenland", 30),
        ("A4", "2018-05-09", "police contact point", "listen", "St Ives", "Huntingdonshire", 50),
        ("A5", "2018-05-20", "media interview", "respond", "Cambridge", "Cambridge", None),
        ("A6", "2018-05-25", "community event", "empower", "March", "Fenland", 100),
        # previous period
        ("B1", "2018-02-01", "police contact point", "listen", "Wisbech", "Fenland", 20),
        ("B2", "2018-03-15", "partnership meeting", "collaborate", "Ely",
         "East Cambridgeshire", 12),
        # before both
        ("C1", "2015-01-11", "police contact point", "listen", "Wisbech", "Fenland", 25),
    ]
    df = pd.DataFrame(rows, columns=["activity_id", "date", "activity_type", "mode", "place",
                                     "district", "attendees"])
    df["date"] = pd.to_datetime(df["date"])
    df["attendees"] = df["attendees"].astype("Int64")
    return df


def test_activity_summary_counts_modes_attendance_and_previous_period() -> None:
    out = e.activity_summary(_activities(), START, END, by="mode")
    expected = pd.DataFrame({
        "Mode": ["Listen", "Respond", "Consult", "Collaborate", "Empower", "All activities"],
        "Activities": [4, 1, 0, 0, 1, 6],
        "Previous period": [1, 0, 0, 1, 0, 2],
        "Share of activities": [4 / 6, 1 / 6, 0.0, 0.0, 1 / 6, 1.0],
        # listen attendance 2+40+30+50 = 122, median of (2, 30, 40, 50) = 35
        "With attendance recorded": [4, 0, 0, 0, 1, 5],
        "Attendees": [122.0, float("nan"), float("nan"), float("nan"), 100.0, 222.0],
        "Median attendees per activity": [35.0, float("nan"), float("nan"), float("nan"),
                                          100.0, 40.0],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_activities_by_month_fills_empty_months_and_modes_with_zero() -> None:
    out = e.activities_by_month(_activities(), "2018-03-01", END, by="mode")
    assert len(out) == 3 * 5
    march = out.loc[out["month"] == "2018-03"].set_index("mode")["activities"]
    assert march.to_dict() == {"listen": 0, "respond": 0, "consult": 0, "collaborate": 1,
                               "empower": 0}
    assert out.loc[out["month"] == "2018-05", "activities"].sum() == 4


def test_mode_by_type_totals_match_activities() -> None:
    out = e.mode_by_type(_activities(), START, END)
    total = out.loc[out["Activity type"] == "All types"].iloc[0]
    assert total["All modes"] == 6
    assert total["Listen"] == 4
    pcp = out.loc[out["Activity type"] == "Police contact point"].iloc[0]
    assert (pcp["Listen"], pcp["All modes"]) == (3, 3)


def test_contact_points_by_place_with_first_session_ever() -> None:
    out = e.contact_points(_activities(), START, END)
    expected = pd.DataFrame({
        "Place": ["St Ives", "Wisbech", "All places"],
        "District": ["Huntingdonshire", "Fenland", ""],
        "First session": ["2018-05-09", "2015-01-11", "2015-01-11"],
        "Sessions": [1, 2, 3],
        "Previous period": [0, 1, 1],
        "Attendees": [50.0, 70.0, 120.0],
        "Median attendees per session": [50.0, 35.0, 40.0],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_contact_point_places_counts_places_open_by_a_date() -> None:
    assert e.contact_point_places(_activities(), "2016-02-25") == 1
    assert e.contact_point_places(_activities(), "2018-05-31") == 2


def test_compare_counts_exact_binomial_p_values() -> None:
    # 10 v 0: P = 2 * 0.5**10
    assert compare_counts(10, 0) == pytest.approx(2 * 0.5 ** 10)
    assert compare_counts(5, 5) == pytest.approx(1.0)
    assert compare_counts(0, 0) == 1.0
    with pytest.raises(ValueError, match="whole number"):
        compare_counts(-1, 3)


def test_change_words_says_direction_and_significance() -> None:
    assert engagement_chapter.change_words(30, 10, "items").startswith("up 200.0% on the 10 items")
    assert "a statistically significant change" in engagement_chapter.change_words(30, 10, "items")
    # one wording for evidence (narrative.evidence_phrase): p = 1.0 is "no evidence"
    assert "no evidence of a real change" in engagement_chapter.change_words(11, 10, "items")
    assert engagement_chapter.change_words(10, 10, "items").startswith("the same as")


def test_previous_months_and_claim_window() -> None:
    assert previous_months("2018-04-01", "2019-03-31") == (pd.Period("2017-04", "M"),
                                                             pd.Period("2018-03", "M"))
    assert comparison_start("2018-04-01", "2019-03-31") == "2017-04-01"
    assert claim_window("2016-02-25") == ("2015-02-01", "2016-01-31")
    with pytest.raises(ValueError, match="before period_start"):
        reporting_months("2019-01-01", "2018-01-01")


def _figures() -> pd.DataFrame:
    return pd.DataFrame({
        "figure_id": ["over_fig", "exact_round", "around_fig"],
        "measure": ["Items a month", "Subscribers", "Calls"],
        "value": [120.0, 20000.0, 100.0],
        "qualifier": ["over", "exact", "around"],
        "period_end": ["2016-02-25", "2019-01-22", "2016-02-25"],
        "document": ["BCB-2016", "PCP-2019", "BCB-2016"],
        "paragraph": ["6.1", "Strategy", "8.1"],
    }).set_index("figure_id")


def test_check_published_applies_the_qualifier() -> None:
    f = _figures()
    assert e.check_published(f, "over_fig", 121, "x")["Verdict"] == "consistent"
    assert e.check_published(f, "over_fig", 120, "x")["Verdict"] == "not consistent"
    # 20,000 is stated to the nearest 10,000: 19,965 rounds to it, 14,000 does not
    assert e.check_published(f, "exact_round", 19965, "x")["Verdict"] == "consistent"
    assert e.check_published(f, "exact_round", 14000, "x")["Verdict"] == "not consistent"
    assert e.check_published(f, "around_fig", 104, "x")["Verdict"] == "consistent"
    assert e.check_published(f, "around_fig", 106, "x")["Verdict"] == "not consistent"
    assert e.check_published(f, "over_fig", 121, "x")["As published"] == "over 120"
    with pytest.raises(ValueError, match="no published figure"):
        e.check_published(f, "missing", 1, "x")


def test_sentences_and_finding_quote_the_table() -> None:
    summary = e.activity_summary(_activities(), START, END)
    finding = engagement_chapter.activities_finding(summary, START, END)
    assert "held 6 engagement activities (against 2 in the previous period)" in finding
    assert "66.7% of them to listen" in finding
    assert untraceable(finding, [summary]) == []
    text = engagement_chapter.activities_sentence(summary, START, END)
    assert "From April 2018 to May 2018" in text and "a median of 40 per activity" in text
    points = e.contact_points(_activities(), START, END)
    cp = engagement_chapter.contact_points_sentence(points, START, END)
    assert "3 Police Contact Point sessions in 2 places" in cp
    assert "the most attended was Wisbech (70 people in 2 sessions)" in cp


def test_charts_have_titles_and_alt_text_from_the_data() -> None:
    monthly = e.activities_by_month(_activities(), "2018-02-01", END)
    chart = engagement_chapter.activities_chart(monthly, START)
    assert chart.title == "Engagement activities per month, by mode"
    assert "from February 2018 to May 2018" in chart.alt_text
    assert "ranged from 1 to 4" in chart.alt_text
    points = e.contact_points(_activities(), START, END)
    chart = engagement_chapter.contact_points_chart(points, "April to May 2018", threshold=60)
    assert "[c]" in [t.get_text().split(" (")[0].strip() for t in chart.figure.axes[0].texts]
    assert "1 place with fewer than 60 attendees is not shown" in chart.alt_text


def test_missing_column_is_a_plain_error() -> None:
    with pytest.raises(ValueError, match="need columns"):
        e.activity_summary(_activities().drop(columns="mode"), START, END)


def test_changes_in_activities_use_the_indicator_tables_welch_test_on_monthly_counts() -> None:
    from scipy import stats

    out = e.activity_change_tests(_activities(), START, END).set_index("Mode")
    # all activities: April 2, May 4 against February 1, March 1 (scipy's Welch, independently)
    expected = stats.ttest_ind([2, 4], [1, 1], equal_var=False).pvalue
    assert out.loc["All activities", "p_value"] == pytest.approx(expected)
    assert out.loc["All activities", "p_value_holm"] == out.loc["All activities", "p_value"]
    # listen: 2 and 2 against 1 and 0; Holm over the five modes can only raise a p-value
    listen = stats.ttest_ind([2, 2], [1, 0], equal_var=False).pvalue
    assert out.loc["Listen", "p_value"] == pytest.approx(listen)
    modes = out.drop(index="All activities")
    assert (modes["p_value_holm"] >= modes["p_value"] - 1e-12).all()
    summary = e.activity_summary(_activities(), START, END)
    text = engagement_chapter.mode_sentence(summary, "listen", START, END,
                                            e.activity_change_tests(_activities(), START, END))
    assert "Welch t-test on the monthly counts, Holm-adjusted over the 5 modes; unadjusted p" \
        in text
