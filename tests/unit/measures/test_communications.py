"""Communications: newsletter growth, media tone, interviews, reach, surveys."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.measures import communications as c
from evaluation.report.chapters import communications as communications_chapter
from evaluation.report.trace import untraceable

START, END = "2018-03-01", "2018-04-30"  # previous period January-February 2018


def _comms() -> pd.DataFrame:
    return pd.DataFrame({
        "month": ["2017-12", "2018-01", "2018-02", "2018-03", "2018-04"],
        "newsletter_subscribers": [900, 1000, 1100, 1300, 1600],
        "media_mentions_positive": [0, 5, 5, 10, 20],
        "media_mentions_neutral": [0, 10, 10, 5, 5],
        "media_mentions_negative": [0, 5, 5, 5, 0],
        "media_interviews": [1, 2, 2, 3, 5],
        "social_media_reach": [10, 100, 200, 300, 400],
        "survey_responses": [0, 900, 10, 20, 30],
    })


def test_summary_compares_period_with_the_one_before() -> None:
    out = c.communications_summary(_comms(), START, END)
    expected = pd.DataFrame({
        "Measure": ["Newsletter subscribers at the end of the period",
                    "Newsletter subscribers gained in the period", "Media mentions",
                    "Media interviews", "Social-media reach (sum of monthly reach)",
                    "Social-media reach in the last month", "Survey responses",
                    "Survey responses in the busiest month"],
        # gained: 1600 - 1100 (Feb) = 500; previous: 1100 - 900 (Dec) = 200
        "Reporting period": [1600.0, 500.0, 45.0, 8.0, 700.0, 400.0, 50.0, 30.0],
        "Previous period": [1100.0, 200.0, 40.0, 4.0, 300.0, 200.0, 910.0, 900.0],
    })
    expected["Change"] = expected["Reporting period"] - expected["Previous period"]
    expected["Change (%)"] = expected["Change"] / expected["Previous period"]
    pd.testing.assert_frame_equal(out, expected)


def test_media_tone_shares_and_net_tone() -> None:
    out = c.media_tone(_comms(), START, END)
    now, before = out.iloc[0], out.iloc[1]
    # now: 30 positive, 10 neutral, 5 negative of 45; before: 10, 20, 10 of 40
    assert (now["Mentions"], now["Positive"], now["Negative"]) == (45, 30, 5)
    assert now["Net tone"] == pytest.approx(25 / 45)
    assert before["Net tone"] == pytest.approx(0.0)
    assert before["Positive share"] == pytest.approx(0.25)


def test_tone_sentence_tests_the_positive_share() -> None:
    text = communications_chapter.tone_sentence(c.media_tone(_comms(), START, END))
    # 30/45 v 10/40: pooled z-test, z = 3.84, p < 0.001
    # net tone is a difference of two percentages, so it is in percentage points (issue 12)
    assert ("66.7% of mentions were positive and 11.1% negative, a net tone (positive less "
            "negative) of +55.6 percentage points") in text
    assert "against 0.0 percentage points in the previous period" in text
    # one wording for evidence (narrative.evidence_phrase); "p = 0.000" is now "p < 0.001"
    assert "a statistically significant improvement (p < 0.001, two-proportion z-test)" in text


def test_reach_sentence_quotes_the_summary() -> None:
    summary = c.communications_summary(_comms(), START, END)
    text = communications_chapter.reach_sentence(summary)
    assert text.startswith("The newsletter had 1,600 subscribers at the end of the period, "
                           "500 more than at its start and 45.5% more")
    assert ("records 8 media interviews by the OPCC (the Commissioner's own diary lists only those "
            "he gave), up 100.0% on the 4 interviews") in text
    assert untraceable(text.split(" (")[0], [summary]) == []


def test_value_in_month_and_published_checks() -> None:
    assert c.value_in_month(_comms(), "survey_responses", "2018-01") == 900.0
    assert pd.isna(c.value_in_month(_comms(), "survey_responses", "2019-01"))
    figures = pd.DataFrame({
        "figure_id": ["newsletter_reach", "precept_survey_responses"],
        "measure": ["Newsletter", "Survey"], "value": [1000.0, 1990.0],
        "qualifier": ["exact", "exact"], "period_end": ["2018-01-22", "2018-01-22"],
        "document": ["PCP-2019", "PCP-2019"], "paragraph": ["x", "x"],
    }).set_index("figure_id")
    rows = c.published_figure_checks(figures, _comms())
    assert [r["Verdict"] for r in rows] == ["consistent", "not consistent"]
    assert rows[1]["Which data"] == "survey responses, January 2018"


def test_charts_carry_alt_text_from_the_data() -> None:
    growth = communications_chapter.growth_chart(_comms(), START)
    assert "grew from 900 to 1,600" in growth.alt_text
    tone = communications_chapter.tone_chart(_comms(), START, END)
    assert "ranged from 20 to 25" in tone.alt_text
    assert "Net tone was +55.6 percentage points in the reporting period" in tone.alt_text


def test_missing_period_is_a_plain_error() -> None:
    with pytest.raises(ValueError, match="no communications data"):
        c.communications_summary(_comms(), "2020-01-01", "2020-12-31")
    with pytest.raises(ValueError, match="needs columns"):
        c.media_tone(_comms().drop(columns="media_interviews"), START, END)


def test_the_net_tone_is_tested_as_the_indicator_table_tests_it() -> None:
    from scipy import stats

    m = c._monthly(_comms())
    result = c.net_tone_change(_comms(), START, END)
    # scipy's Welch test on the same monthly net tones, computed here from the raw columns
    def net(p0: str, p1: str) -> list[float]:
        sel = m.loc[(m["month"] >= pd.Period(p0, "M")) & (m["month"] <= pd.Period(p1, "M"))]
        total = sel[[f"media_mentions_{t}" for t in c.TONES]].sum(axis=1)
        keep = total > 0
        return list(((sel["media_mentions_positive"] - sel["media_mentions_negative"])
                     / total)[keep])
    p0, p1 = START[:7], END[:7]
    before = c.previous_months(START, END)
    expected = stats.ttest_ind(net(p0, p1), net(str(before[0]), str(before[1])),
                               equal_var=False).pvalue
    assert result.p_value == pytest.approx(expected)
    text = communications_chapter.tone_sentence(c.media_tone(_comms(), START, END),
                                                result.p_value)
    assert "Welch t-test on the monthly net tone" in text and "positive share" not in text
