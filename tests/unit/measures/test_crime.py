"""Unit tests for evaluation.measures.crime on tiny hand-built frames (expected values worked
by hand)."""

from __future__ import annotations

import json
import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from evaluation.data import public_data
from evaluation.errors import EvaluationError
from evaluation.measures import crime
from evaluation.report.chapters import crime as crime_chapter
from evaluation.report.charts import spc_chart
from evaluation.report.formatting import fmt_p
from evaluation.report.trace import untraceable


def _street(rows: list[tuple[str, str]]) -> pd.DataFrame:
    """Street records from (month, crime type) pairs."""
    return pd.DataFrame({
        "Month": pd.to_datetime([m + "-01" for m, _ in rows]),
        "Crime type": [t for _, t in rows],
        "Falls within": ["Testshire Constabulary"] * len(rows),
    })


def _outcomes(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"Month": pd.to_datetime([m + "-01" for m, _ in rows]),
                         "Outcome type": [t for _, t in rows]})


def _monthly(values: list[float], column: str = "crimes") -> pd.DataFrame:
    months = pd.date_range("2024-01-01", periods=len(values), freq="MS")
    return pd.DataFrame({"month": months, column: values})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------ monthly counts
def test_monthly_counts_splits_crime_from_anti_social_behaviour():
    street = _street([("2024-01", "Burglary"), ("2024-01", crime.ASB),
                      ("2024-01", "Shoplifting"), ("2024-02", crime.ASB),
                      ("2024-02", crime.ASB), ("2024-03", "Burglary")])
    expected = pd.DataFrame({
        "month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
        "crimes": [2, 0, 1], "asb": [1, 2, 0], "all_records": [3, 2, 1],
    })
    got = crime.monthly_counts(street)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_monthly_counts_refuses_a_series_with_a_missing_month():
    street = _street([("2024-01", "Burglary"), ("2024-03", "Burglary")])
    with pytest.raises(EvaluationError, match="February 2024"):
        crime.monthly_counts(street)


def test_with_total_sums_counts_and_recomputes_the_rate_from_totals():
    table = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "crimes": [10, 30], "charged": [1, 9], "charge_rate": [0.1, 0.3]})
    got = crime.with_total(table, rate=("charge_rate", "charged", "crimes"))
    assert got["month"].tolist() == ["2024-01", "2024-02", "Total"]
    total = got.iloc[-1]
    assert total["crimes"] == 40 and total["charged"] == 10
    assert total["charge_rate"] == pytest.approx(0.25)  # 10/40, not 0.1 + 0.3


def test_force_label_is_the_commonest_falls_within():
    street = _street([("2024-01", "Burglary")] * 3)
    street.loc[0, "Falls within"] = "Other Police"
    assert crime.force_label(street) == "Testshire Constabulary"


# ------------------------------------------------------------------------ outcomes
def test_outcome_mix_groups_outcome_types_and_shares_sum_to_one():
    outcomes = _outcomes([("2024-01", "Suspect charged")] * 2
                         + [("2024-01", "Offender given a caution"),
                            ("2024-01", "Local resolution")]
                         + [("2024-02", "Unable to prosecute suspect")] * 3
                         + [("2024-02", "Offender fined")])
    got = crime.outcome_mix(outcomes).set_index("outcome_group")
    assert got.loc["Charged or summonsed", "records"] == 2
    assert got.loc["Out-of-court disposal", "records"] == 2
    assert got.loc["Suspect identified, unable to prosecute", "records"] == 3
    assert got.loc[crime.OTHER_GROUP, "records"] == 1
    assert got.loc["Total", "records"] == 8
    assert got.loc["Charged or summonsed", "share"] == pytest.approx(0.25)
    assert got.loc["Suspect identified, unable to prosecute", "share"] == pytest.approx(0.375)
    assert got.drop("Total")["share"].sum() == pytest.approx(1.0)


def test_outcome_mix_drops_the_other_group_when_every_type_is_mapped():
    got = crime.outcome_mix(_outcomes([("2024-01", "Suspect charged")]))
    assert crime.OTHER_GROUP not in set(got["outcome_group"])
    assert got["outcome_group"].iloc[-1] == "Total"


def test_charge_rate_divides_charges_recorded_by_crimes_recorded_in_the_month():
    outcomes = _outcomes([("2024-01", "Suspect charged"), ("2024-01", "Suspect charged"),
                          ("2024-01", "Local resolution"), ("2024-02", "Suspect charged")])
    counts = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01",
                                                    "2024-03-01"]),
                           "crimes": [10, 4, 5]})
    expected = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01",
                                                      "2024-03-01"]),
                             "crimes": [10, 4, 5], "charged": [2, 1, 0],
                             "charge_rate": [0.2, 0.25, 0.0]})
    got = crime.charge_rate_by_month(outcomes, counts)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_charge_finding_numbers_are_traceable_to_the_charge_table():
    rates = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
                          "crimes": [1000, 3000], "charged": [100, 250],
                          "charge_rate": [0.1, 250 / 3000]})
    text = crime_chapter.charge_finding(rates)
    assert "350" in text and "4,000" in text and "8.8%" in text  # 350 / 4,000 = 8.75%
    table = crime.with_total(rates, rate=("charge_rate", "charged", "crimes"))
    assert untraceable(text, [table]) == []


def test_outcome_mix_sentence_names_the_two_commonest_groups():
    outcomes = _outcomes([("2024-01", "Unable to prosecute suspect")] * 5
                         + [("2024-01", "Investigation complete; no suspect identified")] * 3
                         + [("2024-01", "Suspect charged")] * 2)
    text = crime_chapter.outcome_mix_sentence(crime.outcome_mix(outcomes))
    assert "10 outcomes" in text
    assert "unable to prosecute' (50.0%)" in text
    assert "no suspect identified' (30.0%)" in text
    assert "20.0% were a charge or summons" in text


# ------------------------------------------------------------------------ XmR
def test_xmr_table_holds_mean_and_limits_worked_by_hand():
    # alternating 10, 12: mean 11, every moving range 2, limits 11 +/- 2.66 x 2
    result = crime.series_xmr(_monthly([10, 12] * 6), "crimes")
    table = crime.xmr_table(result)
    assert table["month"].iloc[0] == "2024-01" and len(table) == 12
    assert table["mean"].iloc[0] == pytest.approx(11.0)
    assert table["lower_limit"].iloc[0] == pytest.approx(11 - 5.32)
    assert table["upper_limit"].iloc[0] == pytest.approx(11 + 5.32)
    assert set(table["variation"]) == {"common cause"}
    assert set(table["special_cause"]) == {""}


def test_xmr_sentence_says_no_evidence_of_change_for_common_cause_only():
    result = crime.series_xmr(_monthly([10, 12] * 6), "crimes")
    text = crime_chapter.xmr_sentence(result, "number of crimes recorded")
    assert "averaged 11 a month" in text
    assert "process limits of 6 to 16" in text  # 5.68 and 16.32 rounded
    assert "no evidence of a real change" in text
    assert "trial limits" not in text


def test_xmr_sentence_names_the_month_outside_the_limits():
    # 11 points at 10/12 then 40: the 28 moving range is screened out (>= 3.267 x mean mR),
    # mean 160/12 = 13.33, limits 13.33 +/- 5.32: December is above the upper limit.
    result = crime.series_xmr(_monthly([10, 12] * 5 + [10, 40]), "crimes")
    text = crime_chapter.xmr_sentence(result, "number of crimes recorded")
    assert "outside limits (December 2024; above the mean)" in text
    assert "12 of the 12 months show special-cause variation" in text


def test_xmr_sentence_reports_a_rate_without_a_month_suffix_and_flags_trial_limits():
    result = crime.series_xmr(_monthly([0.1, 0.12] * 3, "rate"), "rate", "increase")
    text = crime_chapter.xmr_sentence(result, "charge/summons rate", "percent")
    assert "averaged 11.0% over the 6 months" in text
    assert "trial limits" in text


def test_spc_chart_of_a_monthly_crime_series_has_labels_and_alt_text_from_the_data():
    result = crime.series_xmr(_monthly([10, 12] * 5 + [10, 40]), "crimes")
    chart = spc_chart(result, "Crimes per month", "Month", "Crimes recorded",
                      y_format="thousands", value_format="{:,.0f}")
    ax = chart.figure.axes[0]
    assert ax.get_ylabel() == "Crimes recorded" and ax.get_xlabel() == "Month"
    assert chart.title == "Crimes per month"
    assert "values from 10 (Jan 2024) to 40 (Dec 2024)" in chart.alt_text
    assert "one point above the upper process limit (Dec 2024)" in chart.alt_text


def test_crime_finding_numbers_are_traceable_to_the_monthly_table():
    counts = pd.DataFrame({"month": pd.date_range("2024-01-01", periods=12, freq="MS"),
                           "crimes": [1000, 1200] * 6, "asb": [100] * 12})
    counts["all_records"] = counts["crimes"] + counts["asb"]
    result = crime.series_xmr(counts, "crimes")
    text = crime_chapter.crime_finding(counts, result, "Testshire Constabulary")
    assert "13,200 crimes and 1,200 anti-social behaviour incidents" in text
    assert "from 1,000 to 1,200" in text and "common-cause variation only" in text
    assert untraceable(text, [crime.with_total(counts)]) == []


# ------------------------------------------------------------------------ CSEW
def _regions() -> pd.DataFrame:
    return pd.DataFrame({"area": [crime.NATIONAL_LABEL, "East of England", "London"],
                         "confidence": [0.75, 0.70, 0.76],
                         "standard_error": [0.01, 0.02, 0.02],
                         "respondents": [30000, 3000, 3500]})


def test_confidence_by_region_tests_each_region_against_england_and_wales():
    got = crime.confidence_by_region(_regions()).set_index("area")
    east = got.loc["East of England"]
    # diff -0.05, SE sqrt(0.02^2 + 0.01^2) = 0.022361, z = -2.2361, p = 0.025347
    assert east["difference"] == pytest.approx(-5.0)
    assert east["p_value"] == pytest.approx(0.025347, abs=1e-6)
    # two regions tested: Holm doubles the smaller p (0.050694), weak evidence (issue 12)
    assert east["p_value_holm"] == pytest.approx(0.050694, abs=1e-6)
    assert east["significant"] == "weak evidence"
    assert east["standard_error"] == pytest.approx(2.0)
    assert east["lower"] == pytest.approx(0.70 - 1.959964 * 0.02, abs=1e-6)
    assert east["upper"] == pytest.approx(0.70 + 1.959964 * 0.02, abs=1e-6)
    london = got.loc["London"]  # diff 0.01, z = 0.4472, p = 0.6547
    assert london["p_value"] == pytest.approx(0.654721, abs=1e-6)
    assert london["p_value_holm"] == pytest.approx(0.654721, abs=1e-6)
    assert london["significant"] == "no"
    assert math.isnan(got.loc[crime.NATIONAL_LABEL, "p_value"])
    assert got.index[0] == crime.NATIONAL_LABEL


def test_confidence_by_region_needs_an_england_and_wales_row():
    with pytest.raises(EvaluationError, match="England and Wales"):
        crime.confidence_by_region(_regions().iloc[1:])


def test_confidence_sentence_and_finding_state_significance_and_are_traceable():
    table = crime.confidence_by_region(_regions())
    sentence = crime_chapter.confidence_sentence(
        table, "East of England", "year ending December 2018")
    assert "70.0% of adults in the East of England" in sentence
    assert "5.0 percentage points below" in sentence
    assert "weak evidence of a change (p = 0.051, z-test on the published standard errors, " \
        "Holm-adjusted over the 2 regions)" in sentence
    assert "no figure for a single police force area" in sentence
    finding = crime_chapter.confidence_finding(table, "London", "year ending December 2018")
    assert "not significantly different" in finding
    assert untraceable(finding, [table]) == []


def test_csew_regions_keeps_all_adults_16_plus_by_region_and_the_total():
    raw = pd.DataFrame({
        "measurement_var": ["patt7", "patt7", "patt7", "patt7", "ratpol3"],
        "sex": ["All adults", "All adults", "All adults", "Male", "All adults"],
        "age": ["16+", "16+", "16-24", "16+", "16+"],
        "characteristic_var": ["Total", "gor", "gor", "gor", "gor"],
        "characteristic": ["Total", "Wales", "Wales", "Wales", "Wales"],
        "estimate": [0.757, 0.733, 0.835, 0.7, 0.5],
        "standard_error": [0.003, 0.011, 0.03, 0.02, 0.01],
        "unweighted_count": [33637.0, 2485.0, 167.0, 1000.0, 2000.0],
    })
    expected = pd.DataFrame({"area": [crime.NATIONAL_LABEL, "Wales"],
                             "confidence": [0.757, 0.733], "standard_error": [0.003, 0.011],
                             "respondents": [33637, 2485]})
    pd.testing.assert_frame_equal(public_data.csew_regions(raw), expected, check_dtype=False)


def test_load_csew_national_returns_sorted_proportions(tmp_path):
    path = tmp_path / "perceptions.json"
    path.write_text(json.dumps({"confidence": {"values": {"2020": 74.2, "2019": 75.3},
                                               "source": "x"}}))
    expected = pd.DataFrame({"year_ending": [2019, 2020], "confidence": [0.753, 0.742]})
    pd.testing.assert_frame_equal(public_data.load_csew_national(path), expected, check_dtype=False)
    with pytest.raises(EvaluationError, match="trust"):
        public_data.load_csew_national(path, "trust")


def test_national_sentence_gives_peak_latest_and_missing_years():
    national = pd.DataFrame({"year_ending": [2018, 2019, 2020, 2023],
                             "confidence": [0.784, 0.753, 0.742, 0.677]})
    text = crime_chapter.national_sentence(national)
    assert "peaked at 78.4% in the year ending March 2018" in text
    assert "67.7% in the year ending March 2023, 10.7 percentage points below the peak" in text
    assert "2021, 2022" in text


def test_confidence_chart_alt_text_describes_series_and_region():
    national = pd.DataFrame({"year_ending": [2018, 2019, 2020, 2023],
                             "confidence": [0.784, 0.753, 0.742, 0.677]})
    table = crime.confidence_by_region(_regions())
    chart = crime_chapter.confidence_chart(national, table, "East of England", 2018.75,
                                   "year ending December 2018")
    assert "peak of 78.4% (2018)" in chart.alt_text
    assert "East of England, year ending December 2018: 70.0%" in chart.alt_text
    assert chart.figure.axes[0].get_ylabel() == "Adults confident in local police (%)"


# ------------------------------------------------------------------------ peers
def _force_counts() -> pd.DataFrame:
    return pd.DataFrame({
        "month": ["2018-10", "2018-10", "2018-11", "2018-11", "2018-11", "2018-10"],
        "falls_within": ["Alpha Constabulary", "Beta Police", "Alpha Constabulary",
                         "Beta Police", "Gamma Police", "Alpha Constabulary"],
        "count": [100, 300, 150, 200, 50, 50],
    })


def test_peer_rates_uses_only_months_every_force_published():
    population = pd.DataFrame({"force": ["Alpha", "Beta", "Gamma"],
                               "population": [10000, 50000, 1000]})
    got = crime.peer_rates(_force_counts(), population, ["Alpha", "Beta"])
    # Alpha 150 + 150 = 300 per 10,000 = 30 per 1,000; Beta 500 per 50,000 = 10 per 1,000
    expected = pd.DataFrame({"force": ["Alpha", "Beta"], "records": [300.0, 500.0],
                             "population": [10000, 50000], "per_1000": [30.0, 10.0]})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got.attrs["months"] == ["2018-10", "2018-11"]
    # Gamma only has November, so with all three forces only November is compared
    all_three = crime.peer_rates(_force_counts(), population)
    assert all_three.attrs["months"] == ["2018-11"]
    assert all_three.set_index("force").loc["Gamma", "per_1000"] == pytest.approx(50.0)


def test_peer_sentence_and_chart_place_the_force_against_the_median():
    rates = pd.DataFrame({"force": ["Alpha", "Beta", "Gamma"], "records": [300, 500, 50],
                          "population": [10000, 50000, 1000], "per_1000": [30.0, 10.0, 5.0]})
    rates.attrs["months"] = ["2018-10", "2018-11"]
    text = crime_chapter.peer_sentence(rates, "Beta")
    assert "10.0 police.uk records" in text and "at the median" in text
    assert "ranks 2 of 3" in text and "October 2018 to November 2018" in text
    chart = crime_chapter.peer_chart(rates, "Beta")
    assert "Beta (highlighted) has 10.0" in chart.alt_text
    assert "October 2018 to November 2018" in chart.title


# ------------------------------------------------------------------------ notes and paths
def test_coverage_note_says_when_the_period_is_not_covered():
    months = pd.Series(pd.date_range("2024-01-01", periods=12, freq="MS"))
    assert "not covered" in crime_chapter.coverage_note("2018-04-01", "2019-03-31", months)
    assert "partly covered" in crime_chapter.coverage_note("2024-07-01", "2025-06-30", months)
    assert "whole reporting period" in crime_chapter.coverage_note(
        "2024-04-01", "2024-09-30", months)


def test_context_note_carries_the_ogl_attribution_and_says_it_is_context():
    text = crime_chapter.context_note("data.police.uk")
    assert crime_chapter.OGL_ATTRIBUTION in text
    assert "not measures of its success" in text and text.startswith("REAL")


def test_policeuk_path_explains_a_missing_folder(tmp_path):
    with pytest.raises(EvaluationError, match="real_dir"):
        public_data.policeuk_path(tmp_path, "street")
    (tmp_path / public_data.POLICEUK_FOLDER / "street").mkdir(parents=True)
    assert public_data.policeuk_path(tmp_path, "street").name == "street"


def test_fmt_p_shows_small_values_as_less_than():
    assert fmt_p(0.0002) == "< 0.001"  # one format for every chapter (was "<0.001" here)
    assert fmt_p(0.1982) == "0.198"
    assert fmt_p(float("nan")) == "–"
