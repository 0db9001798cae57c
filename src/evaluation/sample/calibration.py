"""The calibration table of the SYNTHETIC sample's README: each figure of the two source papers
the sample force is calibrated to, and what the generated frames give (computed from them,
not asserted; ``tests/unit/sample/test_calibration.py`` checks each row)."""

from __future__ import annotations

import math

import pandas as pd

from evaluation.sample.common import SATISFIED

__all__ = ["calibration"]

Row = tuple[str, str, str]  # target, source, value achieved


def calibration(frames: dict[str, pd.DataFrame]) -> list[Row]:
    """(target, source, value achieved) rows, computed from the generated frames."""
    return [
        *_call_rows(frames["call_handling_monthly"]),
        *_contact_rows(frames["public_contact"]),
        *_satisfaction_rows(frames["victim_satisfaction"], frames["satisfaction_comparators"]),
        *_confidence_rows(frames["public_confidence"]),
        *_hub_rows(frames["victims_hub"]),
        *_grant_rows(frames["grants"]),
        *_opcc_rows(frames),
    ]


def _call_rows(calls: pd.DataFrame) -> list[Row]:
    """101 volumes, service level, transfers and secondary pick-up; 999 + 101 a year."""
    c101 = calls[calls["line"] == "101"]
    fy = c101[(c101["month"] >= "2015-04") & (c101["month"] <= "2016-03")]
    after = c101[(c101["month"] >= "2015-11") & (c101["month"] <= "2016-03")]
    before = c101[(c101["month"] >= "2015-04") & (c101["month"] <= "2015-10")]
    fte = c101.set_index("month")["call_handlers_fte"]
    year = calls["month"].str[:4]
    sl = fy["answered_within_target"].sum() / fy["answered"].sum()
    mean_after = (after["mean_secondary_wait_s"] * after["transferred_to_secondary"]).sum() / (
        after["transferred_to_secondary"].sum())
    return [
        ("~30,000 101 calls a month", "2016 paper 8.1",
         f"{fy['offered'].mean():,.0f} a month in 2015/16"),
        ("94% of 101 calls answered within 30 s", "2016 paper 8.2",
         f"{100 * sl:.2f}% of answered calls, 2015/16"),
        ("50% of 101 calls transferred to a secondary handler", "2016 paper 8.2",
         f"{100 * fy['transferred_to_secondary'].sum() / fy['answered'].sum():.1f}% in 2015/16"),
        ("secondary pick-up about 3.5 minutes after 10 extra handlers", "2016 paper 8.2",
         f"{mean_after / 60:.2f} min Nov 2015 - Mar 2016 (before: "
         f"{before['mean_secondary_wait_s'].min() / 60:.1f}-"
         f"{before['mean_secondary_wait_s'].max() / 60:.1f} min); FTE "
         f"{fte['2015-10']:.0f} -> {fte['2015-11']:.0f}"),
        ("over 435,000 calls to 999 and 101 in 2016", "2019 letter",
         f"{calls.loc[year == '2016', 'offered'].sum():,}"),
        ("over 447,000 calls to 999 and 101 in 2017", "2019 letter",
         f"{calls.loc[year == '2017', 'offered'].sum():,}"),
    ]


def _contact_rows(contact: pd.DataFrame) -> list[Row]:
    """2018 online reports and web chats by quarter, Q1 2016 online reports, web chat's start."""
    c2018 = contact[contact["month"].str[:4] == "2018"]
    quarter = (c2018["month"].str[5:7].astype(int) - 1) // 3

    def quarters(channel: str) -> str:
        q = c2018[c2018["channel"] == channel].groupby(quarter)["contacts"].sum()
        return ", ".join(f"{v:,}" for v in q)

    q1 = contact[(contact["channel"] == "online report")
                 & contact["month"].isin(["2016-01", "2016-02", "2016-03"])]["contacts"].sum()
    chat_start = contact.loc[contact["channel"] == "web chat", "month"].min()
    return [
        ("2018 online reports by quarter 887, 1,529, 1,572, 1,673", "2019 letter, Appendix 1",
         quarters("online report")),
        ("2018 web chats by quarter 3,966, 3,472, 3,816, 3,882", "2019 letter, Appendix 1",
         quarters("web chat")),
        ("72 online reports in Q1 2016", "2019 letter", f"{q1}"),
        ("web chat from the new website, October 2017", "2019 letter", f"first month {chat_start}"),
    ]


def _satisfaction_rows(vs: pd.DataFrame, comp: pd.DataFrame) -> list[Row]:
    """Whole-experience satisfaction to March 2015 (and England and Wales), burglary victims in
    2015, and the rise since the 12 months to March 2011."""
    sat = vs["whole_experience"].isin(SATISFIED)

    def rate(first: str, last: str, group: str | None = None) -> tuple[int, int]:
        keep = (vs["interview_month"] >= first) & (vs["interview_month"] <= last)
        keep &= vs["whole_experience"] != ""
        if group:
            keep &= vs["crime_group"] == group
        return int(sat[keep].sum()), int(keep.sum())

    s1, n1 = rate("2010-04", "2011-03")
    s2, n2 = rate("2014-04", "2015-03")
    sb, nb = rate("2015-01", "2015-12", "burglary")
    pooled = (s1 + s2) / (n1 + n2)
    z = (s2 / n2 - s1 / n1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    ew = comp[(comp["area"] == "England and Wales") & (comp["period_end"] == "2015-03")
              & (comp["question"] == "whole_experience")].iloc[0]
    return [
        ("victims satisfied with whole experience, 12 months to Mar 2015: 86.5%",
         "2016 paper 11.4", f"{s2:,} / {n2:,} = {100 * s2 / n2:.1f}%"),
        ("England and Wales, same window: 83.8%", "2016 paper 11.4",
         f"{ew['satisfied']:,} / {ew['respondents']:,} = "
         f"{100 * ew['satisfied'] / ew['respondents']:.1f}%"),
        ("burglary victims satisfied, 12 months to Dec 2015: 91%", "2016 paper 7.5",
         f"{sb} / {nb} = {100 * sb / nb:.1f}%"),
        ("significant rise since 12 months to Mar 2011", "2016 paper 11.5",
         f"{100 * s1 / n1:.1f}% -> {100 * s2 / n2:.1f}%, z = {z:.2f}, "
         f"p = {math.erfc(abs(z) / math.sqrt(2)):.4f}"),
    ]


def _confidence_rows(confidence: pd.DataFrame) -> list[Row]:
    """The two public confidence measures, 12 months to December 2012 and to December 2015."""
    pc = confidence.set_index(["period_end", "measure"])
    conf = (100 * pc["agreeing"] / pc["respondents"]).round(1)
    return [
        ("police deal with local concerns 68.2% (Dec 2012) -> 73.7% (Dec 2015)",
         "2016 paper 11.7",
         f"{conf[('2012-12', 'police deal with local concerns')]}% -> "
         f"{conf[('2015-12', 'police deal with local concerns')]}%"),
        ("satisfaction with service delivery 85.6% -> 85.8%", "2016 paper 11.7",
         f"{conf[('2012-12', 'satisfaction with service delivery')]}% -> "
         f"{conf[('2015-12', 'satisfaction with service delivery')]}%"),
    ]


def _hub_rows(hub: pd.DataFrame) -> list[Row]:
    """The Victims' Hub funnel from its launch to January 2016."""
    hub = hub[hub["month"] <= "2016-01"].sum(numeric_only=True)
    return [
        ("Victims' Hub since Oct 2014: over 10,000 referred, 8,000 contacted, 2,000 not "
         "contactable, 6,000 supported, 1,000 declined", "2016 paper 7.9",
         f"{hub['referred']:,}, {hub['contacted']:,}, {hub['not_contactable']:,}, "
         f"{hub['supported']:,}, {hub['declined']:,} (Oct 2014 - Jan 2016)"),
    ]


def _grant_rows(grants: pd.DataFrame) -> list[Row]:
    """The Youth Fund and Community Safety Partnership grants awarded to February 2016."""
    early = grants[grants["award_date"] <= "2016-02-29"]
    youth = early[early["fund"] == "Youth Fund"]
    csp = early[early["fund"] == "Community Safety Partnership"]
    return [
        ("Youth Fund: over £55,000, 37 projects, over 1,800 young people", "2016 paper 10.2",
         f"£{youth['amount_gbp'].sum():,}, {len(youth)} projects, "
         f"{int(youth['participants'].sum()):,} young people"),
        ("over £760,000 of grants to Community Safety Partnerships", "2016 paper 9.2",
         f"£{csp['amount_gbp'].sum():,}"),
    ]


def _opcc_rows(frames: dict[str, pd.DataFrame]) -> list[Row]:
    """Correspondence a month, Special Constables, Police Contact Points and communications."""
    corr = frames["correspondence"]["received_date"].str[:7].value_counts()
    vol = frames["volunteers"]
    vol = vol[(vol["month"] >= "2016-01") & (vol["month"] <= "2016-03")]
    comms = frames["communications"].set_index("month")
    pcp = frames["engagement_activities"]
    pcp = pcp[pcp["activity_type"] == "police contact point"]
    return [
        ("in excess of 120 items of correspondence a month", "2016 paper 6.1",
         f"minimum {corr.min()} a month"),
        ("Special Constables: target 300, over 280, over 21 hours each a month",
         "2016 paper 10.6",
         f"{vol['special_constables'].min()}-{vol['special_constables'].max()} in Jan-Mar 2016, "
         f"{(vol['special_hours'] / vol['special_constables']).mean():.1f} hours each"),
        ("Police Contact Points in eight towns", "2016 paper 7.4",
         f"{pcp['place'].nunique()} towns, first {pcp['date'].min()}"),
        ("newsletter shared with 20,000; precept survey 1,990 responses", "2019 letter",
         f"{comms.loc['2019-01', 'newsletter_subscribers']:,} subscribers and "
         f"{comms.loc['2019-01', 'survey_responses']:,} survey responses in Jan 2019"),
    ]
