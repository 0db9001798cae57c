"""Correspondence: monthly volume, topics, response times in working days, open items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation.measures import correspondence as c
from evaluation.report.chapters import correspondence as correspondence_chapter
from evaluation.report.trace import untraceable

START, END = "2018-04-01", "2018-04-30"  # April 2018; previous period March 2018


def _items() -> pd.DataFrame:
    rows = [
        # April 2018. 2018-04-02 is a Monday.
        ("I1", "2018-04-02", "burglary", "2018-04-09"),   # 5 working days
        ("I2", "2018-04-02", "burglary", "2018-04-03"),   # 1
        ("I3", "2018-04-03", "speeding", "2018-05-15"),   # 30: late (target 20)
        ("I4", "2018-04-04", "speeding", None),  # open, 18 working days old at 30 Apr
        ("I5", "2018-04-05", "other", "2018-04-05"),      # 0
        # March 2018
        ("P1", "2018-03-01", "burglary", "2018-03-02"),
        ("P2", "2018-03-02", "other", "2018-03-05"),
        # long before: still open
        ("O1", "2018-01-02", "other", None),
    ]
    df = pd.DataFrame(rows, columns=["item_id", "received_date", "topic", "responded_date"])
    df["received_date"] = pd.to_datetime(df["received_date"])
    df["responded_date"] = pd.to_datetime(df["responded_date"])
    return df


def test_working_days_count_weekdays_from_receipt_to_response() -> None:
    received = pd.to_datetime(pd.Series(["2018-04-06", "2018-04-02", "2018-04-02"]))
    responded = pd.to_datetime(pd.Series(["2018-04-09", "2018-04-02", None]))
    out = c.working_days(received, responded)  # Friday to Monday is one working day
    pd.testing.assert_series_equal(out, pd.Series([1.0, 0.0, np.nan]))
    with_holiday = c.working_days(received, responded, holidays=["2018-04-06"])
    assert with_holiday.iloc[0] == 0.0


def test_working_days_reject_response_before_receipt() -> None:
    with pytest.raises(ValueError, match="before its received_date"):
        c.working_days(pd.to_datetime(pd.Series(["2018-04-09"])),
                       pd.to_datetime(pd.Series(["2018-04-02"])))


def test_monthly_received_fills_empty_months() -> None:
    out = c.monthly_received(_items(), "2018-04-30")
    expected = pd.DataFrame({"month": ["2018-01", "2018-02", "2018-03", "2018-04"],
                             "received": [1, 0, 2, 5]})
    pd.testing.assert_frame_equal(out, expected, check_dtype=False)


def test_received_summary_and_lowest_month() -> None:
    monthly = c.monthly_received(_items(), "2018-04-30")
    out = c.received_summary(monthly, "2018-03-01", "2018-04-30")
    now = out.iloc[0]
    assert (now["Months"], now["Items received"], now["Mean a month"]) == (2, 7, 3.5)
    assert (now["Lowest month"], now["Highest month"]) == (2.0, 5.0)
    before = out.iloc[1]  # January and February 2018
    assert (before["Months"], before["Items received"]) == (2, 1)
    assert c.lowest_month(monthly, "2018-01-01", "2018-04-30") == 0.0


def test_topic_shares_with_previous_period_and_total() -> None:
    out = c.topic_shares(_items(), START, END)
    expected = pd.DataFrame({
        "Topic": ["Burglary", "Speeding", "Other", "All topics"],
        "Items": [2, 2, 1, 5],
        "Share": [0.4, 0.4, 0.2, 1.0],
        "Previous period": [1, 0, 1, 2],
        "Previous share": [0.5, 0.0, 0.5, 1.0],
        "Change in share (pp)": [-10.0, 40.0, -30.0, 0.0],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_response_times_judge_timeliness_as_at_period_end() -> None:
    out = c.response_times(_items(), START, END, target_days=20)
    total = out.iloc[-1]
    # answered: 5, 1, 30, 0 working days -> median 3, 90th percentile (lower) 5
    assert (total["Received"], total["Answered"]) == (5, 4)
    assert (total["Median working days"], total["90th percentile working days"]) == (3.0, 5.0)
    # within: I1, I2, I5; late: I3; not yet due: I4 (18 working days old at 30 April)
    assert (total["Answered within target"], total["Late"], total["Not yet due"]) == (3, 1, 1)
    assert total["Within target"] == pytest.approx(0.75)
    speeding = out.loc[out["Topic"] == "Speeding"].iloc[0]
    assert speeding["Within target"] == 0.0
    # with a 10-day target the open item is past due
    strict = c.response_times(_items(), START, END, target_days=10).iloc[-1]
    assert (strict["Late"], strict["Not yet due"]) == (2, 0)


def test_response_times_reject_a_target_below_one_day() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        c.response_times(_items(), START, END, target_days=0)


def test_open_items_by_age_at_period_end() -> None:
    out = c.open_items(_items(), END, target_days=20)
    # I4 (18 working days), I3 (answered after 30 April: open then, 19 days), O1 (84 days)
    expected = pd.DataFrame({
        "Age": ["Within target (20 working days or fewer)",
                "Past the target (more than 20 working days)", "All open items"],
        "Open items": [2, 1, 3],
    })
    pd.testing.assert_frame_equal(out, expected)


def test_sentences_and_finding_are_traceable() -> None:
    table = c.response_times(_items(), START, END, 20)
    finding = correspondence_chapter.correspondence_finding(table, START, END)
    assert "received 5 items" in finding and "75.0% of the items" in finding
    assert untraceable(finding, [table]) == []
    text = correspondence_chapter.response_sentence(table, c.open_items(_items(), END, 20), 20,
                                                    START, END)
    assert "half within 3 working days and nine in ten within 5" in text
    assert "At 30 April 2018, 3 items were still open, 1 of them past the target." in text
    topics = c.topic_shares(_items(), START, END)
    assert "The largest change in share on the previous period was in speeding, from 0.0% " \
        "to 40.0%" in correspondence_chapter.topics_sentence(topics)


def test_volume_sentence_reports_stable_xmr() -> None:
    monthly = pd.DataFrame({"month": [str(p) for p in pd.period_range("2017-01", "2018-12",
                                                                       freq="M")],
                            "received": [100, 104] * 12})
    result = c.received_xmr(monthly, months=24)
    summary = c.received_summary(monthly, "2018-01-01", "2018-12-31")
    text = correspondence_chapter.volume_sentence(summary, result)
    assert "received 1,224 items" in text and "a mean of 102.0 a month" in text
    assert "the same as the 1,224 items" in text
    # the XmR result in the one wording of narrative.xmr_sentence (issue 10)
    assert "No month in the window shows special-cause variation" in text


def test_published_figure_check_uses_the_12_months_before_the_paper() -> None:
    months = pd.period_range("2015-01", "2016-02", freq="M")
    monthly = pd.DataFrame({"month": [str(p) for p in months],
                            "received": [50] + [130] * 12 + [10]})  # Jan 2015, Feb 2016 ignored
    figures = pd.DataFrame({"figure_id": ["correspondence_per_month"], "measure": ["Items"],
                            "value": [120.0], "qualifier": ["over"],
                            "period_end": ["2016-02-25"], "document": ["BCB-2016"],
                            "paragraph": ["6.1"]}).set_index("figure_id")
    row = c.published_figure_checks(figures, monthly)[0]
    assert (row["In the data"], row["Verdict"]) == (130.0, "consistent")
    assert "February 2015 to January 2016" in row["Which data"]


def test_the_backlog_counts_items_open_past_the_target_by_when_they_came_in() -> None:
    # at 30 April 2018: I3 (19 working days) and I4 (18) are within the target of 20; O1,
    # received on 2 January, is long past it
    backlog = c.backlog(_items(), "2018-04-01", "2018-04-30", 20)
    assert backlog.iloc[0].tolist() == [20, 1, 0, 1]
    assert correspondence_chapter.backlog_finding(backlog, "2018-04-30", threshold=1) == (
        "At 30 April 2018, 1 item of correspondence was open past the target of 20 working "
        "days; it was received before the period, so the period's within-target share does "
        "not count it.")
    assert untraceable(correspondence_chapter.backlog_finding(backlog, "2018-04-30", 1),
                       [backlog]) == []
    # below the disclosure threshold the count is suppressed, so no sentence quotes it
    assert correspondence_chapter.backlog_finding(backlog, "2018-04-30", threshold=10) is None
    many = pd.DataFrame({"Target (working days)": [20], "Received before the period": [149],
                         "Received in the period": [3], "All open past the target": [152]})
    text = correspondence_chapter.backlog_finding(many, "2019-03-31", threshold=10)
    assert text == ("At 31 March 2019, 152 items of correspondence were open past the target of "
                    "20 working days.")  # 149 would reveal the 3 received in the period
    assert correspondence_chapter.backlog_counts(many, 10) == [152]
