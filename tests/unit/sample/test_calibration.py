"""The bundled SYNTHETIC sample reproduces every figure published in the two source papers.

Each test reads ``data/sample`` with plain pandas and recomputes the figure independently of
the generator (2016 paper = board paper of 25 February 2016; 2019 letter = 22 January 2019).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"
SATISFIED = {"completely satisfied", "very satisfied", "fairly satisfied"}
DATASETS = (
    "public_contact", "call_handling_monthly", "call_handler_rota", "victim_satisfaction",
    "satisfaction_comparators", "public_confidence", "victims_hub", "grants", "correspondence",
    "engagement_activities", "communications", "volunteers",
)


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(SAMPLE / f"{name}.csv", dtype={"month": str, "line": str,
                                                     "channel": str, "period_end": str,
                                                     "interview_month": str})


def between(df: pd.DataFrame, column: str, first: str, last: str) -> pd.DataFrame:
    return df[(df[column] >= first) & (df[column] <= last)]


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return read("call_handling_monthly")


@pytest.fixture(scope="module")
def contact() -> pd.DataFrame:
    return read("public_contact")


@pytest.fixture(scope="module")
def responses() -> pd.DataFrame:
    return read("victim_satisfaction")


# ---------------------------------------------------------------- files
def test_every_dataset_and_the_readme_are_bundled() -> None:
    for name in DATASETS:
        assert (SAMPLE / f"{name}.csv").is_file(), name
    assert (SAMPLE / "call_logs.parquet").is_file()
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# SYNTHETIC sample data — not real figures")
    assert "evaluation synth --out data/sample --seed 2016" in readme


def test_sample_stays_small() -> None:
    total = sum(p.stat().st_size for p in SAMPLE.iterdir())
    assert (SAMPLE / "call_logs.parquet").stat().st_size <= 6_000_000
    assert total < 10_000_000


# ---------------------------------------------------------------- 101 and 999 calls
def test_101_receives_about_30000_calls_a_month_in_2015_16(calls: pd.DataFrame) -> None:
    fy = between(calls[calls["line"] == "101"], "month", "2015-04", "2016-03")
    assert len(fy) == 12
    assert 29_000 <= fy["offered"].mean() <= 31_000  # 2016 paper 8.1
    assert fy["offered"].between(27_000, 33_000).all()


def test_94_percent_of_101_calls_answered_within_30_seconds_in_2015_16(
        calls: pd.DataFrame) -> None:
    fy = between(calls[calls["line"] == "101"], "month", "2015-04", "2016-03")
    assert (fy["target_s"] == 30).all()
    rate = fy["answered_within_target"].sum() / fy["answered"].sum()
    assert round(100 * rate) == 94  # 2016 paper 8.2


def test_101_service_was_poor_in_2012(calls: pd.DataFrame) -> None:
    early = between(calls[calls["line"] == "101"], "month", "2012-04", "2012-12")
    assert early["answered_within_target"].sum() / early["answered"].sum() < 0.75


def test_999_target_is_10_seconds(calls: pd.DataFrame) -> None:
    assert (calls.loc[calls["line"] == "999", "target_s"] == 10).all()


def test_half_of_101_calls_go_to_a_secondary_handler(calls: pd.DataFrame) -> None:
    fy = between(calls[calls["line"] == "101"], "month", "2015-04", "2016-03")
    share = fy["transferred_to_secondary"].sum() / fy["answered"].sum()
    assert 0.48 <= share <= 0.52  # 2016 paper 8.2


def test_secondary_pick_up_falls_to_three_and_a_half_minutes_with_ten_extra_handlers(
        calls: pd.DataFrame) -> None:
    line = calls[calls["line"] == "101"].set_index("month")
    after = between(line.reset_index(), "month", "2015-11", "2016-03")
    weighted = (after["mean_secondary_wait_s"] * after["transferred_to_secondary"]).sum() / (
        after["transferred_to_secondary"].sum())
    assert round(weighted / 60 * 2) / 2 == 3.5  # 2016 paper 8.2
    assert after["mean_secondary_wait_s"].between(195, 225).all()
    before = between(line.reset_index(), "month", "2015-04", "2015-10")
    assert before["mean_secondary_wait_s"].between(360, 480).all()
    fte = line["call_handlers_fte"]
    assert fte["2015-11"] - fte["2015-10"] == pytest.approx(10.0)


def test_calls_to_999_and_101_in_2016_and_2017_match_the_2019_letter(
        calls: pd.DataFrame) -> None:
    year = calls["month"].str[:4]
    total_2016 = calls.loc[year == "2016", "offered"].sum()
    total_2017 = calls.loc[year == "2017", "offered"].sum()
    assert 435_000 <= total_2016 < 460_000
    assert 447_000 <= total_2017 < 460_000


def test_monthly_call_aggregates_are_internally_consistent(calls: pd.DataFrame) -> None:
    assert (calls["answered"] + calls["abandoned"] == calls["offered"]).all()
    assert (calls["answered_within_target"] <= calls["answered"]).all()
    assert (calls["transferred_to_secondary"] <= calls["answered"]).all()
    assert calls["month"].min() == "2012-04" and calls["month"].max() == "2019-03"
    assert len(calls) == 84 * 2


def test_call_logs_slice_aggregates_to_call_handling_monthly(calls: pd.DataFrame) -> None:
    logs = pd.read_parquet(SAMPLE / "call_logs.parquet")
    logs["line"] = logs["line"].astype(str)
    assert logs["call_id"].is_unique
    assert (logs["answered_at"].notna() ^ logs["abandoned_at"].notna()).all()
    assert not (logs["secondary_answered_at"].notna() & ~logs["transferred_to_secondary"]).any()
    assert not (logs["callback_made_at"].notna() & ~logs["callback_requested"]).any()
    logs["month"] = logs["received_at"].dt.strftime("%Y-%m")
    wait = (logs["answered_at"] - logs["received_at"]).dt.total_seconds()
    target = logs["line"].map({"999": 10, "101": 30})
    logs["within"] = wait <= target
    logs["sec_wait"] = (logs["secondary_answered_at"] - logs["answered_at"]).dt.total_seconds()
    got = logs.groupby(["month", "line"]).agg(
        offered=("call_id", "size"), answered=("answered_at", "count"),
        answered_within_target=("within", "sum"), abandoned=("abandoned_at", "count"),
        transferred_to_secondary=("transferred_to_secondary", "sum"),
        mean_secondary_wait_s=("sec_wait", "mean")).reset_index()
    got["mean_secondary_wait_s"] = got["mean_secondary_wait_s"].round(1)
    assert sorted(got["month"].unique()) == [
        "2018-04", "2018-05", "2018-06", "2018-07", "2018-08", "2018-09", "2018-10", "2018-11",
        "2018-12", "2019-01", "2019-02", "2019-03"]  # the reporting year
    want = calls[calls["month"].isin(got["month"])][list(got.columns)]
    pd.testing.assert_frame_equal(
        got.sort_values(["month", "line"]).reset_index(drop=True).astype(
            {c: "int64" for c in got.columns[2:7]}).astype({"mean_secondary_wait_s": "float64"}),
        want.sort_values(["month", "line"]).reset_index(drop=True).astype(
            {c: "int64" for c in got.columns[2:7]}).astype({"mean_secondary_wait_s": "float64"}),
        check_dtype=False)


def test_callbacks_are_offered_in_every_month_of_the_logs() -> None:
    # call-backs start with the extra handlers of November 2015, before the logs' first month
    logs = pd.read_parquet(SAMPLE / "call_logs.parquet")
    month = logs["received_at"].dt.strftime("%Y-%m")
    per_month = logs.groupby(month)["callback_requested"].sum()
    assert len(per_month) == 12 and (per_month > 1000).all()
    assert not logs.loc[logs["line"].astype(str) == "999", "callback_requested"].any()


def test_rota_covers_every_hour_of_the_week_for_both_lines() -> None:
    rota = read("call_handler_rota")
    assert len(rota) == 2 * 7 * 24
    assert not rota.duplicated(["line", "weekday", "hour"]).any()
    assert (rota["handlers_on_shift"] > 0).all()
    by_line = rota.groupby("line")["handlers_on_shift"].mean()
    assert by_line["101"] > by_line["999"]


# ---------------------------------------------------------------- other channels
def test_2018_online_and_web_chat_quarters_equal_appendix_1(contact: pd.DataFrame) -> None:
    df = contact[contact["month"].str[:4] == "2018"].copy()
    df["quarter"] = (df["month"].str[5:7].astype(int) - 1) // 3 + 1
    q = df.pivot_table(index="quarter", columns="channel", values="contacts", aggfunc="sum")
    assert q["online report"].tolist() == [887, 1529, 1572, 1673]  # 2019 letter, Appendix 1
    assert q["web chat"].tolist() == [3966, 3472, 3816, 3882]
    assert q["online report"].sum() + q["web chat"].sum() == 20_797


def test_72_online_reports_in_q1_2016(contact: pd.DataFrame) -> None:
    online = between(contact[contact["channel"] == "online report"], "month", "2016-01",
                     "2016-03")
    assert len(online) == 3
    assert online["contacts"].sum() == 72  # 2019 letter


def test_web_chat_starts_with_the_new_website_in_october_2017(contact: pd.DataFrame) -> None:
    chat = contact[(contact["channel"] == "web chat") & (contact["contacts"] > 0)]
    assert chat["month"].min() == "2017-10"


def test_public_contact_calls_equal_calls_offered(contact: pd.DataFrame,
                                                  calls: pd.DataFrame) -> None:
    phone = contact[contact["channel"].isin(["999", "101"])].rename(
        columns={"channel": "line", "contacts": "offered"})
    merged = phone.merge(calls[["month", "line", "offered"]], on=["month", "line"])
    assert len(merged) == len(calls)
    assert (merged["offered_x"] == merged["offered_y"]).all()
    assert not contact.duplicated(["month", "channel"]).any()


# ---------------------------------------------------------------- victim satisfaction
def whole(responses: pd.DataFrame, first: str, last: str,
          group: str | None = None) -> tuple[int, int]:
    df = between(responses, "interview_month", first, last)
    if group is not None:
        df = df[df["crime_group"] == group]
    answered = df["whole_experience"].dropna()
    return int(answered.isin(SATISFIED).sum()), int(len(answered))


def test_whole_experience_in_12_months_to_march_2015_is_86_5_percent(
        responses: pd.DataFrame) -> None:
    sat, base = whole(responses, "2014-04", "2015-03")
    assert round(100 * sat / base, 1) == 86.5  # 2016 paper 11.4


def test_england_and_wales_is_83_8_percent_for_the_same_window() -> None:
    comp = read("satisfaction_comparators")
    ew = comp[(comp["area"] == "England and Wales") & (comp["period_end"] == "2015-03")
              & (comp["question"] == "whole_experience")]
    assert len(ew) == 1
    assert round(100 * ew["satisfied"].iloc[0] / ew["respondents"].iloc[0], 1) == 83.8
    assert 40_000 <= ew["respondents"].iloc[0] <= 80_000


def test_peer_forces_allow_a_funnel_plot() -> None:
    comp = read("satisfaction_comparators")
    peers = comp.loc[comp["area"].str.startswith("Peer force"), "area"].unique()
    assert len(peers) >= 5
    assert not comp.duplicated(["area", "period_end", "question"]).any()
    assert (comp["satisfied"] <= comp["respondents"]).all()


def test_burglary_satisfaction_is_91_percent_in_2015(responses: pd.DataFrame) -> None:
    sat, base = whole(responses, "2015-01", "2015-12", "burglary")
    assert base >= 100
    assert round(100 * sat / base) == 91  # 2016 paper 7.5


def test_rise_since_12_months_to_march_2011_is_significant(responses: pd.DataFrame) -> None:
    s1, n1 = whole(responses, "2010-04", "2011-03")
    s2, n2 = whole(responses, "2014-04", "2015-03")
    pooled = (s1 + s2) / (n1 + n2)
    z = (s2 / n2 - s1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p = math.erfc(abs(z) / math.sqrt(2))
    assert s2 / n2 > s1 / n1
    assert p < 0.05  # 2016 paper 11.5


def test_responses_carry_ethnicity_and_age_with_some_small_groups(
        responses: pd.DataFrame) -> None:
    assert set(responses["ethnicity"].dropna()) == {"White", "Mixed", "Asian", "Black", "Other"}
    assert set(responses["age_band"].dropna()) == {"16-24", "25-34", "35-44", "45-54", "55-64",
                                                   "65+"}
    year = between(responses, "interview_month", "2014-04", "2015-03")
    assert year["ethnicity"].value_counts().min() < 30
    assert responses["response_id"].is_unique


# ---------------------------------------------------------------- public confidence
def test_public_confidence_matches_the_constabulary_update() -> None:
    pc = read("public_confidence").set_index(["period_end", "measure"])
    rate = (pc["agreeing"] / pc["respondents"] * 100).round(1)
    assert rate[("2012-12", "police deal with local concerns")] == 68.2  # 2016 paper 11.7
    assert rate[("2015-12", "police deal with local concerns")] == 73.7
    assert rate[("2012-12", "satisfaction with service delivery")] == 85.6
    assert rate[("2015-12", "satisfaction with service delivery")] == 85.8


# ---------------------------------------------------------------- victims' hub
def test_victims_hub_totals_since_launch_match_the_2016_paper() -> None:
    hub = read("victims_hub")
    assert hub["month"].min() == "2014-10" and hub["month"].max() == "2019-03"
    window = between(hub, "month", "2014-10", "2016-01")
    assert len(window) == 16
    totals = window[["referred", "contacted", "not_contactable", "supported", "declined"]].sum()
    assert totals["referred"] >= 10_000  # 2016 paper 7.9
    assert totals["contacted"] >= 8_000
    assert totals["not_contactable"] >= 2_000
    assert totals["supported"] >= 6_000
    assert totals["declined"] >= 1_000
    assert totals["referred"] < 13_000  # "over", not absurdly over
    assert (hub["contacted"] + hub["not_contactable"] <= hub["referred"]).all()
    assert (hub["supported"] + hub["declined"] <= hub["contacted"]).all()


# ---------------------------------------------------------------- grants
def test_youth_fund_has_37_projects_over_55000_pounds_reaching_1800_young_people() -> None:
    grants = read("grants")
    youth = grants[(grants["fund"] == "Youth Fund") & (grants["award_date"] <= "2016-02-29")]
    assert len(youth) == 37  # 2016 paper 10.2
    assert youth["amount_gbp"].sum() >= 55_000
    assert youth["participants"].sum() >= 1_800
    assert grants["recipient"].str.endswith("(synthetic)").all()
    assert grants["grant_id"].is_unique


def test_csp_grants_exceed_760000_pounds_by_february_2016() -> None:
    grants = read("grants")
    csp = grants[(grants["fund"] == "Community Safety Partnership")
                 & (grants["award_date"] <= "2016-02-29")]
    assert 760_000 <= csp["amount_gbp"].sum() < 800_000  # 2016 paper 9.2


# ---------------------------------------------------------------- listening and engagement
def test_over_120_items_of_correspondence_every_month() -> None:
    corr = read("correspondence")
    per_month = corr["received_date"].str[:7].value_counts().sort_index()
    assert per_month.index.min() == "2012-12" and per_month.index.max() == "2019-03"
    assert len(per_month) == 76
    assert (per_month > 120).all()  # 2016 paper 6.1
    responded = corr.dropna(subset=["responded_date"])
    assert (responded["responded_date"] >= responded["received_date"]).all()


def test_engagement_spans_five_modes_and_eight_police_contact_points_from_2015() -> None:
    eng = read("engagement_activities")
    assert set(eng["mode"]) == {"listen", "respond", "consult", "collaborate", "empower"}
    pcp = eng[eng["activity_type"] == "police contact point"]
    assert set(pcp["place"]) == {"Peterborough", "St Neots", "Cambridge", "Wisbech",
                                 "Chatteris", "Huntingdon", "St Ives", "Cambourne"}
    assert pcp["date"].min() >= "2015-01-01"  # 2016 paper 7.4


def test_newsletter_reaches_about_20000_and_precept_survey_1990_in_january_2019() -> None:
    comms = read("communications").set_index("month")
    assert 19_000 <= comms.loc["2019-01", "newsletter_subscribers"] <= 21_000  # 2019 letter
    assert comms.loc["2019-01", "survey_responses"] == 1_990
    assert comms["newsletter_subscribers"].iloc[0] < 2_000


def test_about_280_specials_giving_about_21_hours_a_month_in_early_2016() -> None:
    vol = between(read("volunteers"), "month", "2016-01", "2016-03")
    assert vol["special_constables"].between(270, 290).all()  # 2016 paper 10.6
    assert (vol["special_constables"] > 280).all()
    hours_each = vol["special_hours"] / vol["special_constables"]
    assert hours_each.between(21.0, 22.5).all()
    assert (vol["special_constables"] < 300).all()
