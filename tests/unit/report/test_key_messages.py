"""Page-one key messages, chosen and ordered by rule from the indicator table."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.report.chapters.scorecard import key_messages
from evaluation.report.trace import untraceable


def _row(**values: object) -> dict[str, object]:
    base = {"id": "x", "name": "X", "unit": "percent", "improvement": "increase",
            "period_start": "2018-04", "period_end": "2019-03", "value": 0.5,
            "previous_value": 0.5, "change": 0.0, "change_pp": 0.0, "change_evidence": "none",
            "target": math.nan, "target_source": "", "target_met": math.nan, "how": "pooled",
            "not_available": ""}
    return {**base, **values}


def test_deteriorations_come_first_largest_first_then_missed_targets_then_improvements():
    registry = pd.DataFrame([
        _row(id="up", name="Online share", value=0.115, previous_value=0.084, change=0.031,
             change_pp=3.1, change_evidence="strong"),
        _row(id="small_fall", name="Answered", value=0.88, previous_value=0.89,
             change=-0.01, change_pp=-1.0, change_evidence="strong"),
        _row(id="big_fall", name="Abandoned", improvement="decrease", value=0.071,
             previous_value=0.055, change=0.016, change_pp=1.6, change_evidence="strong"),
        _row(id="specials", name="Specials", unit="count", value=230, previous_value=243,
             change=-13, change_pp=math.nan, target=300, target_met="no", how="last",
             target_source="local aspiration"),
        _row(id="noise", name="Steady", change_evidence="weak", change=0.02, change_pp=2.0),
        _row(id="gone", name="Charge rate", not_available="not available for this period"),
    ])
    messages = key_messages(registry)
    assert [m.split(":")[0] for m in messages] == ["Abandoned", "Answered", "Specials",
                                                  "Online share"]
    assert messages[0] == ("Abandoned: 7.1% in 2018/19, up 1.6 pp on 2017/18 (5.5%): a "
                           "statistically significant deterioration.")
    assert "Specials: 230 at the end of March 2019, short of the target of 300 (local " \
        "aspiration)." in messages
    assert not any("Steady" in m or "Charge rate" in m for m in messages)
    for m in messages:
        assert untraceable(m, [registry]) == [], m
    assert len(key_messages(registry, limit=2)) == 2


def test_each_indicator_sentence_quotes_the_registry_and_its_tests() -> None:
    from evaluation.report.chapters.scorecard import chapter_figures, indicator_sentence

    row = pd.Series(_row(
        name="Victims satisfied", measure="victim_satisfaction", value=0.836, lower=0.811,
        upper=0.857, previous_value=0.850, change=-0.0147, change_p_value=0.425,
        change_test="Welch t-test on the monthly rates", target=0.811, target_met="yes",
        target_source="England and Wales", assurance="inconsistent",
        spc_status="common cause"))
    text = indicator_sentence(row)
    assert text.startswith("Victims satisfied: 83.6% from April 2018 to March 2019 (95% "
                           "confidence interval 81.1% to 85.7%), against 85.0% in the same "
                           "months a year earlier: no evidence of a real change (p = 0.425")
    # the period's target verdict and the month-by-month assurance, which can differ
    assert ("Target 81.1% (England and Wales): met over the period; month by month it may "
            "meet or miss the target at random.") in text
    assert text.endswith("The monthly chart shows common-cause variation in its latest month: no "
                         "signal of change.")
    benchmark = indicator_sentence(row.copy().replace(
        {"England and Wales": "comparator: the England and Wales rate"}))
    assert ("Comparator 81.1% (comparator: the England and Wales rate): better than it over the "
            "period;") in benchmark
    assert untraceable(text.replace("p = 0.425", ""),
                       [pd.DataFrame([row])]) == []
    last = pd.Series(_row(name="Specials", unit="count", value=230, previous_value=243,
                          how="last", measure="special_constables", spc_status="not stable"))
    assert indicator_sentence(last).startswith(
        "Specials: 230 at the end of March 2019, against 243 a year earlier.")
    gone = pd.Series(_row(name="Charge rate", measure="charge_rate", not_available=(
        "not available for this period: the data start in 2024-01, after the period")))
    assert indicator_sentence(gone) == ("Charge rate: not available for this period: the "
                                        "data start in 2024-01, after the period.")
    chapters = [c for c, _ in chapter_figures(pd.DataFrame([row, last, gone]))]
    assert chapters == ["03_victim_satisfaction", "06_engagement_and_communications",
                        "07_crime_and_confidence"]


def test_recommendations_ask_for_a_report_on_each_indicator_of_concern() -> None:
    from evaluation.report.chapters.scorecard import recommendations

    registry = pd.DataFrame([
        _row(id="fall", name="Answered", value=0.88, previous_value=0.91, change=-0.03,
             change_pp=-3.0, change_evidence="strong", owner="the Constabulary"),
        _row(id="specials", name="Specials", unit="count", value=230, previous_value=243,
             change=-13, change_pp=math.nan, target=300, target_met="no", how="last",
             owner="the Constabulary"),
        _row(id="hub", name="Hub contact", spc_status="concern", owner="the OPCC"),
        _row(id="fine", name="Fine", change_evidence="none", target=0.4, target_met="yes"),
        _row(id="gone", name="Charge rate", not_available="not available for this period"),
    ])
    asks = recommendations(registry)
    assert [i for i, _ in asks] == ["fall", "specials", "hub"]
    assert asks[0][1] == ("ask the Constabulary to report to the next Board on Answered (88.0% "
                          "against 91.0% a year earlier): the reasons, the action planned and "
                          "when it should show.")
    assert "(230 against its target of 300)" in asks[1][1]
    assert asks[2][1].startswith("ask the OPCC to report") and "special-cause concern" in asks[2][1]
    for _, text in asks:
        assert untraceable(text, [registry]) == []


def test_a_change_on_a_series_that_is_not_stable_is_indicative_and_gives_the_latest_month():
    registry = pd.DataFrame([
        _row(id="fall", name="Answered", value=0.88, previous_value=0.908, change=-0.028,
             change_pp=-2.8, change_evidence="strong", spc_status="not stable",
             latest_month="2019-03", latest_value=0.902),
        _row(id="cal", name="Calendar", value=0.5, previous_value=0.4, change=0.1,
             change_pp=10.0, change_evidence="strong", period_start="2018-01",
             period_end="2018-12"),
    ])
    messages = key_messages(registry)
    assert messages[1] == ("Calendar: 50.0% from January 2018 to December 2018, up 10.0 pp on "
                           "the same months a year earlier (40.0%): a statistically significant "
                           "improvement.")
    assert messages[0] == ("Answered: 88.0% in 2018/19, down 2.8 pp on 2017/18 (90.8%): worse "
                           "(p < 0.01; indicative only, as the monthly series is not stable); "
                           "March 2019: 90.2%.")


def test_an_indicator_sentence_says_when_the_test_is_indicative_or_spans_a_process_change():
    from evaluation.report.chapters.scorecard import indicator_sentence

    row = pd.Series(_row(name="Online share", value=0.115, previous_value=0.084, change=0.031,
                         change_pp=3.1, change_p_value=0.0001, change_evidence="strong",
                         change_test="Welch t-test on the monthly rates",
                         spc_status="not stable",
                         process_changes="2015-11: call handling; 2017-10: new website"))
    text = indicator_sentence(row)
    assert "(p < 0.001, Welch t-test on the monthly rates) (indicative only, as the monthly " \
        "series is not stable)." in text
    # October 2017 lies in April 2017 to March 2018; November 2015 does not
    assert ("The year before spans a recorded process change (October 2017: new website), so "
            "part of the change may be that step.") in text
    stable = indicator_sentence(row.copy().replace({"not stable": "common cause"}))
    assert "indicative" not in stable


def test_an_ask_about_a_series_that_is_not_stable_claims_no_significance() -> None:
    from evaluation.report.chapters.scorecard import recommendations

    registry = pd.DataFrame([_row(id="fall", name="Answered", value=0.88, previous_value=0.908,
                                  change=-0.028, change_pp=-2.8, change_evidence="strong",
                                  spc_status="not stable", owner="the Constabulary")])
    # the ask quotes the figures; its key message says the test is indicative only
    assert recommendations(registry)[0][1] == (
        "ask the Constabulary to report to the next Board on Answered (88.0% against 90.8% a "
        "year earlier): the reasons, the action planned and when it should show.")
