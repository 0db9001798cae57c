"""Victims' Hub funnel, conversion rates, XmR on the contact rate and 2016 reconciliation."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.measures import calibration, victims_hub
from evaluation.report.chapters import victims_hub as victims_hub_chapter
from evaluation.report.trace import untraceable


@pytest.fixture
def three_months() -> pd.DataFrame:
    return pd.DataFrame({
        "month": pd.to_datetime(["2015-01-01", "2015-02-01", "2015-03-01"]),
        "referred": [100, 200, 100],
        "contacted": [80, 150, 70],
        "not_contactable": [15, 40, 20],
        "supported": [60, 100, 50],
        "declined": [10, 30, 10],
    })


def test_monthly_rates_are_contacted_over_referred_and_supported_over_contacted(three_months):
    m = victims_hub.monthly(three_months)
    assert m["contact_rate"].tolist() == pytest.approx([0.8, 0.75, 0.7])
    assert m["support_rate"].tolist() == pytest.approx([0.75, 100 / 150, 50 / 70])


def test_monthly_rate_is_blank_when_nobody_was_referred(three_months):
    frame = three_months.copy()
    frame.loc[1, ["referred", "contacted", "not_contactable", "supported", "declined"]] = 0
    assert pd.isna(victims_hub.monthly(frame).loc[1, "contact_rate"])


def test_select_months_is_inclusive_of_both_months(three_months):
    picked = victims_hub.select_months(three_months, "2015-02-01", "2015-03-31")
    assert picked["referred"].tolist() == [200, 100]


def test_funnel_table_sums_each_stage_over_the_period(three_months):
    table = victims_hub.funnel_table(three_months, {"All": (None, None)})
    expected = pd.DataFrame({
        "Period": ["All"] * 5,
        "Months": ["January 2015 to March 2015"] * 5,
        "Stage": ["Referred", "Contacted", "Not contactable after three attempts", "Supported",
                  "Declined support"],
        "Victims": [400, 300, 75, 210, 50],
        "Share of referrals": [1.0, 0.75, 0.1875, 0.525, 0.125],
    })
    pd.testing.assert_frame_equal(table, expected)


def test_conversion_rates_carry_wilson_intervals_around_them(three_months):
    table = victims_hub.conversion_table(three_months, {"All": (None, None)})
    contact = table.iloc[0]
    assert (contact["Victims"], contact["Base"]) == (300, 400)
    assert contact["Rate"] == pytest.approx(0.75)
    # Wilson 95% for 300/400, worked by hand: centre 0.7476, half-width 0.0423
    assert contact["Lower"] == pytest.approx(0.7054, abs=5e-4)
    assert contact["Upper"] == pytest.approx(0.7897, abs=5e-4)
    support = table.iloc[1]
    assert (support["Victims"], support["Base"]) == (210, 300)
    assert support["Lower"] < 0.7 < support["Upper"]


def test_conversion_sentence_numbers_are_traceable_to_the_table(three_months):
    table = victims_hub.conversion_table(three_months,
                                         {"Reporting period": ("2015-01-01", "2015-03-31")})
    text = victims_hub_chapter.conversion_sentence(table)
    assert "400 referrals" in text and "75.0%" in text
    assert untraceable(text, [table]) == []


def test_compare_periods_tests_the_period_against_the_months_before_it_not_its_own_record():
    # issue 12: overlapping intervals are not a test, and the period is not compared with
    # the since-launch record that contains it. Six months: contact rates 70%, 72%, 71%
    # then 80%, 82%, 81% of 100 referrals; Welch on the monthly rates: difference 10 points,
    # se = sqrt(2 x 0.01^2 / 3) = 0.00816, t = 12.2 on 4 df, p = 0.0003
    frame = pd.DataFrame({
        "month": pd.date_range("2018-01-01", periods=6, freq="MS"),
        "referred": [100] * 6, "contacted": [70, 72, 71, 80, 82, 81],
        "not_contactable": [5] * 6, "supported": [30] * 6, "declined": [5] * 6,
    })
    table = victims_hub.period_comparison(frame, "2018-04-01", "2018-06-30")
    row = table.iloc[0]
    assert row["Change (pp)"] == pytest.approx(10.0)
    assert row["p-value"] == pytest.approx(0.000257, abs=2e-5)
    text = victims_hub_chapter.compare_periods_sentence(table)
    assert ("contacted 81.0% of the victims referred in April 2018 to June 2018, 10.0 "
            "percentage points higher than in January 2018 to March 2018 (71.0%)") in text
    assert "a statistically significant improvement" in text and "overlap" not in text
    assert victims_hub.period_comparison(frame, "2018-02-01", "2018-02-28").empty


def test_funnel_chart_labels_counts_and_rates_in_alt_text(three_months):
    funnel = victims_hub.funnel_table(three_months, {"All": (None, None)})
    chart = victims_hub_chapter.funnel_chart(funnel, "All")
    assert "400 victims were referred" in chart.alt_text
    assert "300 (75.0% of referred)" in chart.alt_text
    assert "210 (70.0% of contacted)" in chart.alt_text
    assert chart.title.startswith("Victims' Hub referral funnel")


def test_contact_rate_xmr_flags_a_month_far_below_the_others() -> None:
    referred = [100] * 15
    contacted = [80, 81, 79, 80, 82, 78, 80, 81, 79, 80, 40, 80, 81, 79, 80]
    frame = pd.DataFrame({
        "month": pd.date_range("2016-01-01", periods=15, freq="MS"),
        "referred": referred, "contacted": contacted, "not_contactable": [5] * 15,
        "supported": [30] * 15, "declined": [5] * 15,
    })
    result = victims_hub.contact_rate_xmr(frame)
    assert result.points.loc[pd.Timestamp("2016-11-01"), "variation"] == "concern"
    table = victims_hub.xmr_table(frame, result)
    assert table["Contacted"].iloc[10] == 40
    text = victims_hub_chapter.xmr_sentence(result)
    assert "March 2017, was 80.0%: common-cause variation" in text  # the latest month
    assert "(10 improvement, 1 concern)" in text and "November 2016" in text


def test_contact_rate_xmr_keeps_the_process_limits_between_0_and_100_percent() -> None:
    # rates 0.9 and 1.0 alternating: mean 0.95, moving range 0.1, so the unclipped upper
    # limit would be 0.95 + 2.66 x 0.1 = 1.216; it is shown at 100%
    frame = pd.DataFrame({
        "month": pd.date_range("2016-01-01", periods=12, freq="MS"),
        "referred": [10] * 12, "contacted": [9, 10] * 6, "not_contactable": [0] * 12,
        "supported": [5] * 12, "declined": [1] * 12,
    })
    points = victims_hub.contact_rate_xmr(frame).points
    assert points["upl"].max() == 1.0
    assert points["lpl"].iloc[0] == pytest.approx(0.95 - 0.266)


def test_reconciliation_uses_months_up_to_the_last_whole_month_before_the_paper(three_months):
    figures = pd.DataFrame({
        "measure": ["Referrals", "Supported"],
        "value": [290.0, 210.0],
        "qualifier": ["over", "over"],
        "period_start": ["2015-01-01", "2015-01-01"],
        "period_end": ["2015-03-25", "2015-03-25"],
        "document": ["BCB-2016"] * 2, "unit": ["referrals", "victims"],
        "paragraph": ["7.9"] * 2,
    }, index=pd.Index(["hub_referrals", "hub_supported"], name="figure_id"))
    table = calibration.victims_hub_checks(three_months, figures)
    # January + February only: 300 referred (> 290 supported), 160 supported (not over 210)
    assert table["In the data"].tolist() == [300.0, 160.0]
    assert table["Verdict"].tolist() == ["consistent", "not consistent"]
    assert table["Which data"].iloc[0] == "January 2015 to February 2015"
    assert table["figure_id"].tolist() == ["hub_referrals", "hub_supported"]


def test_reconciliation_of_the_sample_supports_every_published_hub_figure(sample_dir, seed_dir):
    from evaluation.data import loaders, published

    data = loaders.load("victims_hub", sample_dir / "victims_hub.csv")
    table = calibration.victims_hub_checks(data, published.seed_figures(seed_dir))
    assert table["In the data"].tolist() == [11012, 8407, 2166, 6312, 1350]
    assert (table["Verdict"] == "consistent").all()
