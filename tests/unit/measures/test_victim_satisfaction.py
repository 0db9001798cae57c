"""Victim satisfaction measures on tiny hand-built frames (expected values worked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluation.errors import EvaluationError
from evaluation.measures import victim_satisfaction as sat
from evaluation.methods.periods import window_label
from evaluation.report.chapters import victim_satisfaction as victim_satisfaction_chapter
from evaluation.report.charts import Chart

SAT = "very satisfied"
NOT = "fairly dissatisfied"


def _monthly(start: str, respondents: list[int], satisfied: list[int],
             question: str = "whole_experience") -> pd.DataFrame:
    """A frame shaped like monthly_counts' output for one question."""
    months = pd.period_range(start, periods=len(respondents), freq="M")
    out = pd.DataFrame({"question": question, "month": months, "respondents": respondents,
                        "satisfied": satisfied})
    out["rate"] = out["satisfied"] / out["respondents"].where(out["respondents"] > 0)
    return out


def _responses(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    """Responses (month, whole_experience answer, ethnicity); other questions left blank."""
    df = pd.DataFrame(rows, columns=["interview_month", "whole_experience", "ethnicity"])
    df.insert(0, "response_id", [f"R{i}" for i in range(len(df))])
    df["crime_group"] = "burglary"
    for q in ("ease_of_contact", "actions_taken", "kept_informed", "treatment"):
        df[q] = None
    return df


def _group(month: str, n: int, satisfied: int, ethnicity: str | None) -> list:
    return [(month, SAT, ethnicity)] * satisfied + [(month, NOT, ethnicity)] * (n - satisfied)


def _comparators(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["area", "period_end", "respondents", "satisfied"]).assign(
        question="whole_experience")


# --------------------------------------------------------------------------- monthly counts
def test_monthly_counts_excludes_blanks_and_fills_empty_months() -> None:
    responses = _responses([
        ("2015-01", "very satisfied", "White"),
        ("2015-01", "fairly dissatisfied", "White"),
        ("2015-01", None, "White"),
        ("2015-01", "  ", "White"),
        ("2015-03", "completely satisfied", "Asian"),
    ])
    got = sat.monthly_counts(responses, ["whole_experience"])
    expected = pd.DataFrame({
        "question": "whole_experience",
        "month": pd.PeriodIndex(["2015-01", "2015-02", "2015-03"], freq="M"),
        "respondents": [2, 0, 1],
        "satisfied": [1, 0, 1],
        "rate": [0.5, float("nan"), 1.0],
    })
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_monthly_counts_counts_only_the_first_three_labels_as_satisfied() -> None:
    labels = ["completely satisfied", "very satisfied", "fairly satisfied",
              "neither satisfied nor dissatisfied", "fairly dissatisfied",
              "very dissatisfied", "completely dissatisfied"]
    responses = _responses([("2015-01", label, "White") for label in labels])
    got = sat.monthly_counts(responses, ["whole_experience"]).iloc[0]
    assert (got["respondents"], got["satisfied"]) == (7, 3)


def test_monthly_counts_accepts_loader_timestamps() -> None:
    responses = _responses([("2015-01", SAT, "White"), ("2015-02", NOT, "White")])
    responses["interview_month"] = pd.to_datetime(["2015-01-01", "2015-02-01"])
    got = sat.monthly_counts(responses, ["whole_experience"])
    assert got["month"].astype(str).tolist() == ["2015-01", "2015-02"]


def test_monthly_counts_rejects_an_unknown_label() -> None:
    responses = _responses([("2015-01", "quite happy", "White")])
    with pytest.raises(ValueError, match="not one of the seven satisfaction labels"):
        sat.monthly_counts(responses, ["whole_experience"])


def test_monthly_counts_names_missing_columns() -> None:
    with pytest.raises(ValueError, match="treatment"):
        sat.monthly_counts(pd.DataFrame({"interview_month": ["2015-01"]}), ["treatment"])


# --------------------------------------------------------------------------- windows
def test_window_rate_is_pooled_not_an_average_of_monthly_rates() -> None:
    # 1/2 and 9/10: pooled 10/12 = 83.3%, whereas the mean of 50% and 90% would be 70%.
    monthly = _monthly("2015-02", [2, 10], [1, 9])
    got = sat.window_rates(monthly, "2015-03", months=2, questions=["whole_experience"]).iloc[0]
    assert got["respondents"] == 12 and got["satisfied"] == 10 and got["not_satisfied"] == 2
    assert got["rate"] == pytest.approx(10 / 12)
    # Wilson 95% for 10/12 worked by hand: 0.552 to 0.953.
    assert got["lower"] == pytest.approx(0.5520, abs=5e-4)
    assert got["upper"] == pytest.approx(0.9530, abs=5e-4)
    assert got["window"] == "2 months to March 2015"


def test_window_outside_the_data_is_a_clear_error() -> None:
    monthly = _monthly("2015-01", [10, 10, 10], [8, 8, 8])
    with pytest.raises(EvaluationError, match="not covered by the survey data"):
        sat.window_rates(monthly, "2015-03", months=12, questions=["whole_experience"])


def test_rolling_rates_pool_each_full_window() -> None:
    monthly = _monthly("2015-01", [2, 10, 0], [1, 9, 0])
    got = sat.rolling_rates(monthly, window=2)
    assert got["period_end"].astype(str).tolist() == ["2015-02", "2015-03"]
    assert got["respondents"].tolist() == [12, 10]
    assert got["satisfied"].tolist() == [10, 9]
    assert got["rate"].tolist() == pytest.approx([10 / 12, 0.9])
    assert (got["lower"] <= got["rate"]).all() and (got["rate"] <= got["upper"]).all()


def test_rolling_rates_leave_out_a_window_without_respondents() -> None:
    # windows of 2 ending Feb (0 + 0 respondents: no rate) and Mar (0 + 4, 3 satisfied)
    got = sat.rolling_rates(_monthly("2015-01", [0, 0, 4], [0, 0, 3]), window=2)
    assert got["period_end"].astype(str).tolist() == ["2015-03"]
    assert got[["respondents", "satisfied"]].iloc[0].tolist() == [4, 3]
    assert got["rate"].iloc[0] == 0.75


def test_rolling_rates_need_a_full_window() -> None:
    with pytest.raises(EvaluationError, match="fewer than 12 months"):
        sat.rolling_rates(_monthly("2015-01", [5, 5], [4, 4]), window=12)


# --------------------------------------------------------------------------- comparisons
def _headline_monthly() -> pd.DataFrame:
    # 12 months summing to 865 satisfied of 1,000 respondents (as in the 2016 paper).
    return _monthly("2014-04", [84] * 11 + [76], [72] * 11 + [73])


def test_force_significantly_above_england_and_wales() -> None:
    comps = _comparators([("England and Wales", "2015-03", 60000, 50280)])
    got = sat.against_comparator(_headline_monthly(), comps, "2015-03", "Force X")
    force, national = got.iloc[0], got.iloc[1]
    assert (force["area"], national["area"]) == ("Force X", "England and Wales")
    assert force["rate"] == pytest.approx(0.865)
    assert national["rate"] == pytest.approx(0.838)
    # the force (865 of 1,000) is part of England and Wales (50,280 of 60,000), so it is
    # tested against the rest: 49,415 of 59,000 = 83.754%; difference 2.746 points; pooled
    # p = 50280/60000 = 0.838; se = sqrt(p(1-p)(1/1000 + 1/59000)) = 0.011755; z = 2.336
    assert force["tested_against"] == "England and Wales excluding Force X"
    assert force["difference_pp"] == pytest.approx(2.7458, abs=1e-3)
    assert force["p_value"] == pytest.approx(0.0195, abs=2e-4)
    # p = 0.021 lies in the weak-evidence band (0.01 to 0.1, issue 12): "above", not
    # "significantly above"
    assert force["result"] == "above (weak evidence)"
    assert victim_satisfaction_chapter.comparison_sentence(got) == (
        "Victim satisfaction with the whole experience was 86.5% (95% CI 84.2% to 88.5%) in "
        "the 12 months to March 2015, above (weak evidence) England and Wales (83.8%).")
    strong = sat.against_comparator(
        _headline_monthly(), _comparators([("England and Wales", "2015-03", 60000, 49800)]),
        "2015-03", "Force X")  # 83.0%: z = 3.3, p < 0.01
    assert strong.iloc[0]["result"] == "significantly above"


def test_force_close_to_the_national_rate_is_not_significantly_different() -> None:
    comps = _comparators([("England and Wales", "2015-03", 60000, 51600)])  # 86.0%
    got = sat.against_comparator(_headline_monthly(), comps, "2015-03", "Force X")
    assert got.iloc[0]["result"] == "not significantly different from"
    assert "not significantly different from England and Wales (86.0%)" in (
        victim_satisfaction_chapter.comparison_sentence(got))


def test_missing_comparator_is_an_error_unless_allowed() -> None:
    comps = _comparators([("England and Wales", "2014-12", 60000, 50280)])
    with pytest.raises(EvaluationError, match="no whole_experience figure for England"):
        sat.against_comparator(_headline_monthly(), comps, "2015-03", "Force X")
    assert sat.against_comparator(_headline_monthly(), comps, "2015-03", "Force X",
                                  missing_ok=True) is None


def test_change_since_baseline_detects_a_significant_rise() -> None:
    # 80/100 then 90/100: pooled 0.85, se 0.0505, z = 1.98, p = 0.048.
    monthly = _monthly("2011-03", [100, 0, 100], [80, 0, 90])
    got = sat.change_since(monthly, "2011-05", "2011-03", months=1)
    now = got.iloc[1]
    assert now["difference_pp"] == pytest.approx(10.0)
    assert now["p_value"] == pytest.approx(0.0477, abs=5e-4)
    # p = 0.048 is weak evidence (issue 12); 80/100 then 95/100 is strong (p = 0.002)
    assert now["result"] == "a rise (weak evidence)"
    assert victim_satisfaction_chapter.change_sentence(got, detail=False) == (
        "Satisfaction with the whole experience rose from 80.0% in the 1 months to March 2011 "
        "to 90.0% in the 1 months to May 2011, a rise of 10.0 percentage points on weak "
        "evidence: it may be chance.")
    assert "(p = 0.048)" in victim_satisfaction_chapter.change_sentence(got)
    strong = sat.change_since(_monthly("2011-03", [100, 0, 100], [80, 0, 95]), "2011-05",
                              "2011-03", months=1)
    assert strong.iloc[1]["result"] == "a significant rise"
    assert "that is statistically significant" in victim_satisfaction_chapter.change_sentence(
        strong, detail=False)


def test_small_change_is_reported_as_possibly_chance() -> None:
    monthly = _monthly("2011-03", [100, 100], [80, 85])  # z = 0.93, p = 0.35
    got = sat.change_since(monthly, "2011-04", "2011-03", months=1)
    assert got.iloc[1]["result"] == "no significant change"
    assert "not statistically significant" in victim_satisfaction_chapter.change_sentence(got)


def test_baseline_must_come_before_the_current_window() -> None:
    with pytest.raises(ValueError, match="baseline window must end before"):
        sat.change_since(_headline_monthly(), "2015-03", "2015-03")


# --------------------------------------------------------------------------- groups
def _ethnic_responses() -> pd.DataFrame:
    rows = (_group("2015-03", 40, 30, "White") + _group("2015-03", 20, 10, "Asian")
            + _group("2015-03", 2, 1, None) + _group("2015-02", 5, 5, "White")
            + [("2015-03", None, "White")])
    return _responses(rows)


def test_group_rates_one_row_per_group_with_not_recorded_and_total() -> None:
    got = sat.group_rates(_ethnic_responses(), "ethnicity", "2015-03", months=1)
    assert got["group"].tolist() == ["White", "Asian", "Not recorded", "All respondents"]
    assert got["respondents"].tolist() == [40, 20, 2, 62]
    assert got["satisfied"].tolist() == [30, 10, 1, 41]
    assert got["not_satisfied"].tolist() == [10, 10, 1, 21]
    # Asian 10/20 against the other 42 respondents (31 satisfied): 50.0% - 73.8% = -23.8 pp
    assert got.loc[1, "difference_pp"] == pytest.approx(100 * (0.5 - 31 / 42))
    assert pd.isna(got.loc[3, "difference_pp"])


def test_group_sentence_names_only_groups_that_survive_suppression() -> None:
    rows = (_group("2015-03", 60, 45, "White") + _group("2015-03", 30, 15, "Asian")
            + _group("2015-03", 40, 28, "Mixed") + _group("2015-03", 3, 3, "Other"))
    table = sat.group_rates(_responses(rows), "ethnicity", "2015-03", months=1)
    text = victim_satisfaction_chapter.group_sentence(table, "ethnicity", threshold=10)
    # Other (3) is suppressed; against the total row Asian (smallest respondents and
    # satisfied) goes with it, and then Mixed (smallest remaining not satisfied).
    assert "Other" not in text and "Asian" not in text and "Mixed" not in text
    assert "75.0% of White respondents (60)" in text
    assert "3 groups are suppressed to protect small numbers" in text


def test_group_sentence_reports_the_range_and_no_significant_gap() -> None:
    rows = _group("2015-03", 40, 30, "White") + _group("2015-03", 20, 10, "Asian")
    table = sat.group_rates(_responses(rows), "ethnicity", "2015-03", months=1)
    text = victim_satisfaction_chapter.group_sentence(table, "ethnicity", threshold=10)
    # Asian 50% vs White 75%: pooled 2/3, se 0.129, z = -1.94, p = 0.053: not significant.
    assert text.startswith("In the 1 months to March 2015, satisfaction with the whole "
                           "experience ranged across ethnic groups from 50.0% (Asian, 20 "
                           "respondents) to 75.0% (White, 40 respondents).")
    assert "No group reported here differs significantly" in text


def test_group_suppression_hides_small_groups_in_the_shown_table() -> None:
    from evaluation.methods.disclosure import SUPPRESSED, suppress

    rows = (_group("2015-03", 60, 45, "White") + _group("2015-03", 30, 15, "Asian")
            + _group("2015-03", 3, 3, "Other"))
    shown = sat.readable(sat.group_rates(_responses(rows), "ethnicity", "2015-03", months=1))
    args = sat.group_suppression()
    out = suppress(shown, args["counts"], args["rates"], 10, args["total_row"],
                   args["total_column"]).table
    other = out.loc[out["Group"] == "Other"].iloc[0]
    assert other["Respondents"] == SUPPRESSED and other["Satisfied (%)"] == SUPPRESSED


def test_group_finding_quotes_the_group_with_its_interval() -> None:
    df = _responses(_group("2015-03", 50, 30, "White") + _group("2015-03", 50, 40, "White"))
    df.loc[:49, "crime_group"] = "theft"
    table = sat.group_rates(df, "crime_group", "2015-03", months=1)
    burglary = table.loc[table["group"] == "burglary"].iloc[0]
    assert (burglary["respondents"], burglary["satisfied"]) == (50, 40)
    text = victim_satisfaction_chapter.group_finding(table, "burglary", threshold=10)
    # 80% vs 60%: pooled 0.7, se 0.0917, z = 2.18, p = 0.029.
    assert text.startswith("Satisfaction of burglary victims with the whole experience was "
                           "80.0% in the 1 months to March 2015 (40 of 50 respondents; 95% CI")
    # p = 0.029: weak evidence (issue 12), worded without "significantly"
    assert text.endswith("above other respondents (weak evidence) (two-proportion z-test, "
                         "p = 0.029).")


def test_group_finding_for_a_suppressed_group_says_it_cannot_be_reported() -> None:
    df = _responses(_group("2015-03", 50, 30, "White") + _group("2015-03", 5, 4, "White"))
    df.loc[:49, "crime_group"] = "theft"
    table = sat.group_rates(df, "crime_group", "2015-03", months=1)
    assert "cannot be reported" in victim_satisfaction_chapter.group_finding(
        table, "burglary", threshold=10)


def test_group_rates_without_the_column_is_a_clear_error() -> None:
    with pytest.raises(EvaluationError, match="no age_band column"):
        sat.group_rates(_ethnic_responses(), "age_band", "2015-03", months=1)


# --------------------------------------------------------------------------- funnel
def _funnel_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    monthly = _monthly("2014-04", [10] * 12, [8, 7, 9, 8, 8, 7, 9, 8, 8, 8, 8, 8])  # 96/120
    comps = _comparators([
        ("England and Wales", "2015-03", 1000, 800),
        ("Peer A", "2015-03", 100, 90),    # z = 0.1 / 0.04 = 2.5: above the 95% limit only
        ("Peer B", "2015-03", 1000, 700),  # z = -0.1 / 0.01265 = -7.9: below 99.8%
        ("Force X", "2015-03", 5, 5),      # the force's own row is ignored
        ("Peer C", "2014-12", 100, 10),    # another window
    ])
    return monthly, comps


def test_funnel_table_places_each_force_in_its_band() -> None:
    monthly, comps = _funnel_inputs()
    # the plain binomial limits, asked for: these bands are worked by hand below
    got = sat.funnel_table(monthly, comps, "2015-03", "Force X", overdispersion_method=None)
    assert got["area"].tolist() == ["Peer A", "Force X", "Peer B"]
    assert got["band"].tolist() == ["above the upper 95% limit", "within the limits",
                                    "below the lower 99.8% limit"]
    assert got["respondents"].tolist() == [100, 120, 1000]
    assert got["z"].iloc[0] == pytest.approx(2.5)
    assert got["is_force"].tolist() == [False, True, False]
    assert got["target"].iloc[0] == pytest.approx(0.8)


def test_funnel_sentence_names_the_force_position_and_outlying_peers() -> None:
    monthly, comps = _funnel_inputs()
    text = victim_satisfaction_chapter.funnel_sentence(
        sat.funnel_table(monthly, comps, "2015-03", "Force X", overdispersion_method=None))
    assert text == (
        "In the 12 months to March 2015, Force X (80.0% of 120 respondents) ranked 2 of 3 "
        "forces shown and lay within the limits of the funnel around the England and Wales "
        "rate of 80.0%. 2 of 2 peer forces lay outside the 95% limits: Peer A (90.0%, above "
        "the upper 95% limit); Peer B (70.0%, below the lower 99.8% limit).")


def test_funnel_tests_for_overdispersion_and_widens_the_limits_when_present() -> None:
    # Peer B at z = -7.9 and Peer A at 2.5: far more spread than sampling allows, so by
    # default the random-effects limits are used and say so (issue 12)
    monthly, comps = _funnel_inputs()
    table = sat.funnel_table(monthly, comps, "2015-03", "Force X")
    od = table.attrs["overdispersion"]
    assert od["present"] and od["method"] == "additive" and od["tau2"] > 0
    plain = sat.funnel_table(monthly, comps, "2015-03", "Force X", overdispersion_method=None)
    assert (table["z"].abs() <= plain["z"].abs() + 1e-12).all()
    assert table.set_index("area").loc["Peer A", "band"] == "within the limits"
    words = victim_satisfaction_chapter.overdispersion_sentence(table)
    assert "random-effects limits" in words and "overdispersion test" in words
    assert "drawn as asked" in victim_satisfaction_chapter.overdispersion_sentence(plain)


def test_funnel_plot_labels_the_national_line_and_describes_the_force() -> None:
    monthly, comps = _funnel_inputs()
    chart = victim_satisfaction_chapter.funnel_plot(
        sat.funnel_table(monthly, comps, "2015-03", "Force X"))
    assert isinstance(chart, Chart)
    labels = [line.get_label() for line in chart.figure.axes[0].get_lines()]
    assert "England and Wales (80.0%)" in labels
    assert "Force X (80.0% of 120 respondents)" in chart.alt_text


def test_funnel_without_peers_is_a_clear_error() -> None:
    monthly, _ = _funnel_inputs()
    comps = _comparators([("England and Wales", "2015-03", 1000, 800)])
    with pytest.raises(EvaluationError, match="no peer forces"):
        sat.funnel_table(monthly, comps, "2015-03", "Force X")


# --------------------------------------------------------------------------- SPC and trend
def test_monthly_spc_uses_the_monthly_rate_and_higher_is_better() -> None:
    monthly = _monthly("2015-01", [10] * 12, [8, 7, 9, 8, 8, 7, 9, 8, 8, 8, 8, 6])
    result = sat.monthly_spc(monthly, "2015-12", months=12)
    assert result.improvement == "increase"
    assert result.points["value"].tolist() == pytest.approx(
        [0.8, 0.7, 0.9, 0.8, 0.8, 0.7, 0.9, 0.8, 0.8, 0.8, 0.8, 0.6])
    assert result.points.index[0] == pd.Timestamp("2015-01-01")


def test_monthly_spc_refuses_a_month_without_respondents() -> None:
    monthly = _monthly("2015-01", [10, 0, 10], [8, 0, 8])
    with pytest.raises(EvaluationError, match="no respondents in 2015-02"):
        sat.monthly_spc(monthly, "2015-03", months=3)


def test_spc_summary_finds_a_rising_trend_and_its_slope() -> None:
    monthly = _monthly("2015-01", [100] * 12, list(range(50, 74, 2)))  # +2 points a month
    got = sat.spc_summary(monthly, "2015-12", months=12, questions=["whole_experience"])
    row = got.iloc[0]
    assert row["question"] == "Whole experience" and row["months"] == 12
    assert row["trend"] == "increasing"
    assert row["sen_slope_per_year"] == pytest.approx(24.0)  # 2 pp a month x 12
    assert row["latest_rate"] == pytest.approx(0.72)
    assert row["mean"] == pytest.approx(0.61)
    result = sat.monthly_spc(monthly, "2015-12", months=12)
    text = victim_satisfaction_chapter.spc_sentence(got, result)
    assert "significant increasing trend (about +24.0 percentage points a year" in text


# --------------------------------------------------------------------------- text and charts
def test_period_sentence_names_highest_and_lowest_questions() -> None:
    rates = pd.DataFrame({
        "question": ["Ease of contact", "Kept informed", "Whole experience"],
        "window": "12 months to March 2019", "respondents": [100, 100, 200],
        "rate": [0.95, 0.70, 0.85], "lower": [0.9, 0.6, 0.8], "upper": [0.98, 0.78, 0.89],
        "confidence": 0.95,
    })
    text = victim_satisfaction_chapter.period_sentence(rates)
    assert text == (
        "In the 12 months to March 2019 (the latest 12 months of the reporting period), 85.0% "
        "of 200 victims surveyed were satisfied with the whole experience (95% CI 80.0% to "
        "89.0%). Of the five questions, satisfaction was highest with ease of contact (95.0%) "
        "and lowest with kept informed (70.0%).")


def test_rolling_chart_alt_text_gives_range_and_latest_values() -> None:
    monthly = pd.concat([_monthly("2015-01", [10, 10, 10], [8, 9, 7]),
                         _monthly("2015-01", [10, 10, 10], [5, 6, 7], "kept_informed")])
    chart = victim_satisfaction_chapter.rolling_chart(sat.rolling_rates(
        monthly, window=2), end="2015-03")
    assert chart.title == "Victims satisfied, rolling 12 months, by question"
    assert "ending February 2015 to March 2015" in chart.alt_text
    assert "whole experience ranged from 80.0% (March 2015) to 85.0% (February 2015)" in (
        chart.alt_text)
    assert "kept informed 65.0%, whole experience 80.0%" in chart.alt_text


def test_readable_gives_plain_english_headings() -> None:
    df = pd.DataFrame({"respondents": [1], "rate": [0.5], "difference_pp": [1.0]})
    assert sat.readable(df).columns.tolist() == [
        "Respondents", "Satisfied (%)", "Difference (percentage points)"]
    assert victim_satisfaction_chapter.FORMATS["Satisfied (%)"](0.865) == "86.5%"
    assert victim_satisfaction_chapter.FORMATS["Difference (percentage points)"](2.66) == "+2.7"


@pytest.mark.parametrize("value", ["2015-03", "2015-03-31", pd.Timestamp("2015-03-01"),
                                   pd.Period("2015-03", freq="M")])
def test_to_month_accepts_the_forms_a_run_passes(value: object) -> None:
    assert sat.to_month(value) == pd.Period("2015-03", freq="M")
    assert window_label(value) == "12 months to March 2015"


def test_to_month_rejects_text_that_is_not_a_month() -> None:
    with pytest.raises(ValueError, match="not a month"):
        sat.to_month("March")


def test_group_comparisons_are_holm_adjusted_over_the_groups() -> None:
    # four ethnic groups, each against all others: group "A" 80 of 100 against 650 of 900
    # others (72.2%) has an unadjusted p near 0.09; the smallest p is multiplied by 4 (the
    # number of groups tested), the next by 3, and so on (Holm 1979)
    rows = (_group("2015-03", 100, 80, "A") + _group("2015-03", 300, 220, "B")
            + _group("2015-03", 300, 215, "C") + _group("2015-03", 300, 215, "D"))
    table = sat.group_rates(_responses(rows), "ethnicity", "2015-03", months=1)
    tested = table.loc[table["p_value"].notna()].sort_values("p_value")
    assert len(tested) == 4
    raw = tested["p_value"].to_numpy()
    assert tested["p_value_holm"].iloc[0] == pytest.approx(min(1.0, 4 * raw[0]))
    assert tested["p_value_holm"].iloc[1] == pytest.approx(min(1.0, max(4 * raw[0], 3 * raw[1])))
    assert (tested["p_value_holm"].to_numpy() >= raw).all()
    for _, r in tested.iterrows():
        significant = r["p_value_holm"] < 0.05
        assert r["result"].startswith("significantly") == significant
    assert "Holm" in sat.LABELS["p_value_holm"]
