"""Published against computed: each source-paper figure recomputed for its own window.

The expected values are worked by hand from small frames (or read straight from the raw
sample CSVs), never from the functions under test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluation.data import loaders, published
from evaluation.measures import calibration

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "data" / "seed"
SAMPLE = ROOT / "data" / "sample"


def _figures(**rows: dict) -> pd.DataFrame:
    base = {"unit": "", "qualifier": "exact", "period_start": "", "period_end": "2016-02-25",
            "document": "BCB-2016", "paragraph": "8.2"}
    return pd.DataFrame([{**base, "measure": k, **v} for k, v in rows.items()],
                        index=pd.Index(list(rows), name="figure_id"))


def _calls(months: list[str], **columns: list[float]) -> pd.DataFrame:
    n = len(months)
    frame = {"month": months, "line": ["101"] * n, "offered": [1000] * n,
             "answered": [900] * n, "answered_within_target": [800] * n,
             "abandoned": [100] * n, "transferred_to_secondary": [450] * n,
             "mean_secondary_wait_s": [180.0] * n, "target_s": [30] * n,
             "call_handlers_fte": [90.0] * n}
    frame.update(columns)
    return pd.DataFrame(frame)


def test_101_figures_are_pooled_from_november_2015_to_the_last_whole_month() -> None:
    months = ["2015-10", "2015-11", "2015-12", "2016-01", "2016-02"]
    calls = _calls(months, answered_within_target=[0, 850, 846, 846, 0],
                   transferred_to_secondary=[0, 400, 500, 450, 0],
                   mean_secondary_wait_s=[999.0, 180.0, 240.0, 200.0, 999.0])
    figures = _figures(calls_101_within_30s={"value": 94.0, "unit": "percent"},
                       calls_101_transferred={"value": 50.0, "unit": "percent"},
                       secondary_pickup_minutes={"value": 3.5, "unit": "minutes"})
    out = calibration.call_handling_checks(calls, figures).set_index("figure_id")
    # November to January only (the paper is dated 25 February): (850+846+846)/2700
    assert out.loc["calls_101_within_30s", "In the data"] == pytest.approx(100 * 2542 / 2700)
    assert out.loc["calls_101_within_30s", "Verdict"] == "consistent"  # 94.1 rounds to 94
    assert out.loc["calls_101_transferred", "In the data"] == pytest.approx(100 * 1350 / 2700)
    # the wait is weighted by the calls transferred: (400*180+500*240+450*200)/1350 s
    wait = (400 * 180 + 500 * 240 + 450 * 200) / 1350 / 60
    assert out.loc["secondary_pickup_minutes", "In the data"] == pytest.approx(wait)
    assert out.loc["secondary_pickup_minutes", "Verdict"] == "consistent"  # 3.48 rounds to 3.5
    assert out.loc["secondary_pickup_minutes", "As published"] == "3.5 minutes"
    assert out.loc["calls_101_within_30s", "Which data"].endswith(
        "November 2015 to January 2016")


def test_calls_per_month_is_the_mean_of_the_12_whole_months_before_the_paper() -> None:
    months = [str(p) for p in pd.period_range("2015-01", "2016-02", freq="M")]
    offered = [50_000, *([29_000] * 6 + [31_000] * 6), 50_000]  # 2015-02..2016-01 mean 30,000
    calls = _calls(months, offered=offered)
    figures = _figures(calls_101_per_month={"value": 30000.0, "qualifier": "around"})
    row = calibration.call_handling_checks(calls, figures).iloc[0]
    assert row["In the data"] == pytest.approx(30_000)
    assert row["Which data"].endswith("12 months to January 2016")
    # eleven months are not a year: no figure rather than a mean of what there is
    short = calibration.call_handling_checks(calls.iloc[2:], figures).iloc[0]
    assert pd.isna(short["In the data"]) and short["Verdict"] == "no data"


def test_confidence_figures_use_the_december_windows_the_paper_compares() -> None:
    confidence = pd.DataFrame({
        "period_end": ["2012-12", "2015-12", "2016-01"],
        "measure": ["police deal with local concerns"] * 3,
        "respondents": [3000, 3000, 3000], "agreeing": [2046, 2211, 2100]})
    figures = _figures(
        confidence_local_concerns_2015={"value": 73.7, "unit": "percent", "paragraph": "11.7"},
        confidence_local_concerns_2012={"value": 68.2, "unit": "percent",
                                        "period_start": "2012-01-01",
                                        "period_end": "2012-12-31"})
    out = calibration.confidence_checks(confidence, figures).set_index("figure_id")
    # the paper of February 2016 is read at December 2015 (2211/3000), not January 2016
    assert out.loc["confidence_local_concerns_2015", "In the data"] == pytest.approx(73.7)
    assert out.loc["confidence_local_concerns_2012", "In the data"] == pytest.approx(68.2)
    assert (out["Verdict"] == "consistent").all()


def test_public_contact_figures_sum_their_channels_over_their_window() -> None:
    monthly = pd.DataFrame({
        "month": ["2015-12", "2016-01", "2016-03", "2016-04", "2018-06", "2018-06"],
        "channel": ["online report", "online report", "online report", "online report",
                    "online report", "web chat"],
        "contacts": [100, 30, 42, 100, 5, 7]})
    figures = _figures(
        online_reports_q1_2016={"value": 72.0, "period_start": "2016-01-01",
                                "period_end": "2016-03-31", "document": "PCP-2019"},
        online_and_webchat_2018={"value": 12.0, "period_start": "2018-01-01",
                                 "period_end": "2018-12-31", "document": "PCP-2019"})
    out = calibration.public_contact_checks(monthly, figures).set_index("figure_id")
    assert out["In the data"].tolist() == [72.0, 12.0]
    assert (out["Verdict"] == "consistent").all()
    assert out.loc["online_reports_q1_2016", "Source"].startswith("2019 letter")


def test_every_figure_of_the_source_papers_is_accounted_for_on_the_sample() -> None:
    """The calibration functions and NOT_IN_DATA together give each seed figure one row."""
    figures = published.seed_figures(SEED)

    def load(name: str) -> pd.DataFrame:
        return loaders.load(name, loaders.dataset_path(SAMPLE, name))

    from evaluation.measures import (
        communications,
        correspondence,
        engagement,
        grants,
        volunteers,
    )

    received = correspondence.monthly_received(load("correspondence"), end="2019-03-31")
    tables = [
        calibration.victim_satisfaction_checks(load("victim_satisfaction"),
                                               load("satisfaction_comparators"), figures),
        calibration.victims_hub_checks(load("victims_hub"), figures),
        calibration.grant_checks(grants.load_register("sample", SAMPLE), figures),
        calibration.public_contact_checks(load("public_contact"), figures),
        calibration.call_handling_checks(load("call_handling_monthly"), figures),
        calibration.confidence_checks(load("public_confidence"), figures),
        engagement.published_checks([
            *engagement.published_figure_checks(figures, load("engagement_activities")),
            *correspondence.published_figure_checks(figures, received),
            *communications.published_figure_checks(figures, load("communications")),
            *volunteers.published_figure_checks(figures, load("volunteers")),
        ]),
        calibration.not_in_data_rows(figures),
    ]
    rows = pd.concat(tables, ignore_index=True)
    assert sorted(rows["figure_id"]) == sorted(figures.index)  # each once, none missing
    verdicts = rows.set_index("figure_id")["Verdict"]
    # the sample was built to match the papers: every checkable figure holds, except the
    # cadet units (the sample's fourth unit starts in March 2016, after the paper)
    checkable = verdicts.drop(list(calibration.NOT_IN_DATA))
    assert set(checkable.loc[checkable != "consistent"].index) == {"cadet_units"}
    # the 2016 paper's 101 figures, from the raw monthly file, November 2015 to January 2016
    raw = pd.read_csv(SAMPLE / "call_handling_monthly.csv", dtype={"line": str})
    window = raw.loc[(raw["line"] == "101") & raw["month"].between("2015-11", "2016-01")]
    values = rows.set_index("figure_id")["In the data"]
    assert values["calls_101_within_30s"] == pytest.approx(
        100 * window["answered_within_target"].sum() / window["answered"].sum())
