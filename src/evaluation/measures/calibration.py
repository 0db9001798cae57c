"""Published against computed: each figure of the source papers recomputed from the data for
the window the paper states, beside the published value.

The paper for a reporting period quotes its own period's figures; the source papers' figures
belong to other windows (the 12 months to March 2015, to December 2015 ...), so they are
checked here, each for its own window, and shown apart from the evaluation, in one appendix.
On the bundled sample, whose synthetic force is calibrated to those figures, the table is a
calibration check of the sample, not evidence about the force; on a real force's data it is
a reconciliation with what was published.

Every function returns rows of :func:`evaluation.measures.engagement.check_published` (as a
table with :func:`published_checks`): the figure's id, what was published and where, the
value in the data, which data, and the verdict. :data:`NOT_IN_DATA` says, for each figure no
dataset can check, why not; :func:`not_in_data_rows` gives them their rows, so the appendix
accounts for every figure of ``data/seed/seed_figures.csv``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from evaluation.measures import victim_satisfaction
from evaluation.measures.call_handling import monthly_series
from evaluation.measures.engagement import check_published, published_checks
from evaluation.measures.grants import in_period
from evaluation.measures.public_contact import annual_totals
from evaluation.measures.scorecard import confidence_rate
from evaluation.measures.victims_hub import select_months
from evaluation.methods.periods import month_name, months_label, to_month, window_label

__all__ = [
    "NOT_IN_DATA",
    "call_handling_checks",
    "confidence_checks",
    "grant_checks",
    "not_in_data_rows",
    "public_contact_checks",
    "published_checks",
    "victim_satisfaction_checks",
    "victims_hub_checks",
]

#: Figures of the source papers that no dataset of the pack can check, and why.
NOT_IN_DATA: dict[str, str] = {
    "estate_saving": "the estate's running costs are not among the pack's datasets",
    "grant_daat_cambridge": "the grant register holds the Commissioner's community grants, "
                            "not commissioning contracts such as this one",
    "grant_dip_peterborough": "the grant register holds the Commissioner's community grants, "
                              "not commissioning contracts such as this one",
    "grant_alco_blow": "the grant register does not list equipment bought for partners",
    "youth_fund_example_grant": "the register does not name this recipient",
    "call_handlers_recruited": "a plan to recruit, not a measured figure",
    "specials_target": "a target, not a measured figure (it is the Special Constables "
                       "indicator's target)",
}

#: Victims' Hub figures of the 2016 paper (7.9) and the monthly column each is summed from.
HUB_STAGES: dict[str, str] = {
    "hub_referrals": "referred",
    "hub_contacted": "contacted",
    "hub_not_contactable": "not_contactable",
    "hub_supported": "supported",
    "hub_declined": "declined",
}


@dataclass(frozen=True)
class GrantFigure:
    """A grant figure of the 2016 paper: which fund, and what is counted."""

    figure_id: str
    fund: str
    quantity: str  # "amount", "projects" or "participants"


GRANT_FIGURES: tuple[GrantFigure, ...] = (
    GrantFigure("youth_fund_total", "Youth Fund", "amount"),
    GrantFigure("youth_fund_projects", "Youth Fund", "projects"),
    GrantFigure("youth_fund_young_people", "Youth Fund", "participants"),
    GrantFigure("csp_grants_total", "Community Safety Partnership", "amount"),
)


def _window_end(figures: pd.DataFrame, figure_id: str) -> str:
    return str(to_month(figures.loc[figure_id, "period_end"]))


def _last_whole_month(date: object) -> pd.Period:
    """The month of ``date`` if it is the month's last day, else the month before (a paper of
    25 February 2016 can only quote whole months to January 2016)."""
    end = pd.Timestamp(str(date))
    month = end.to_period("M")
    return month if end == month.to_timestamp(how="end").normalize() else month - 1


def victim_satisfaction_checks(responses: pd.DataFrame, comparators: pd.DataFrame,
                               figures: pd.DataFrame, area: str = "England and Wales"
                               ) -> pd.DataFrame:
    """The 2016 paper's victim satisfaction figures (the force's 86.5% and England and
    Wales's 83.8% for the 12 months to March 2015; burglary victims' 91% to December 2015),
    each recomputed for the window the seed figures give it, in percent. Figures the seed
    file does not hold are left out."""
    monthly = victim_satisfaction.monthly_counts(responses)
    rows = []
    if "victim_satisfaction_force" in figures.index:
        end = _window_end(figures, "victim_satisfaction_force")
        rate = victim_satisfaction.window_rates(monthly, end, questions=("whole_experience",))
        rows.append(check_published(figures, "victim_satisfaction_force",
                                    100 * float(rate["rate"].iloc[0]), window_label(end)))
    if "victim_satisfaction_national" in figures.index:
        end = _window_end(figures, "victim_satisfaction_national")
        hit = comparators.loc[(comparators["area"] == area)
                              & (comparators["question"] == "whole_experience")
                              & (comparators["period_end"].astype(str).str[:7] == end)]
        if not hit.empty:
            value = 100 * float(hit["satisfied"].iloc[0]) / float(hit["respondents"].iloc[0])
            rows.append(check_published(figures, "victim_satisfaction_national", value,
                                        f"{area}, {window_label(end)}"))
    if "burglary_victim_satisfaction" in figures.index:
        end = _window_end(figures, "burglary_victim_satisfaction")
        groups = victim_satisfaction.group_rates(responses, "crime_group", end)
        burglary = groups.loc[groups["group"] == "burglary"]
        if not burglary.empty:
            rows.append(check_published(figures, "burglary_victim_satisfaction",
                                        100 * float(burglary["rate"].iloc[0]),
                                        f"burglary victims, {window_label(end)}"))
    return published_checks(rows)


def victims_hub_checks(hub: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The Victims' Hub figures of the 2016 paper (7.9: over 10,000 referrals, 8,000
    contacted, 6,000 supported ...), each summed over the months from the figure's
    ``period_start`` (the Hub's launch) to the last whole month before the paper."""
    rows = []
    for figure_id, column in HUB_STAGES.items():
        if figure_id not in figures.index:
            continue
        fig = figures.loc[figure_id]
        months = select_months(hub, fig["period_start"] or None,
                               str(_last_whole_month(fig["period_end"])))
        value = float(months[column].sum()) if not months.empty else float("nan")
        rows.append(check_published(figures, figure_id, value, months_label(months)))
    return published_checks(rows)


def grant_checks(register: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The 2016 paper's grant figures (10.2: over £55,000 of Youth Fund grants to 37 projects
    involving over 1,800 young people; 9.2: over £760,000 to Community Safety Partnerships),
    recomputed from the register's awards from the figure's ``period_start`` (if any) to its
    ``period_end``."""
    rows = []
    for check in GRANT_FIGURES:
        if check.figure_id not in figures.index:
            continue
        fig = figures.loc[check.figure_id]
        start = fig["period_start"] or None
        grants = in_period(register, start, fig["period_end"])
        grants = grants.loc[grants["fund"] == check.fund]
        if check.quantity == "amount":
            value = float(grants["amount_gbp"].sum())
        elif check.quantity == "projects":
            value = float(len(grants))
        else:
            value = float(pd.to_numeric(grants["participants"]).sum())
        end = pd.Timestamp(str(fig["period_end"]))
        awards = (f"{check.fund} awards {pd.Timestamp(str(start)):%B %Y} to {end:%B %Y}"
                  if start else f"{check.fund} awards up to {end.day} {end:%B %Y}")
        rows.append(check_published(figures, check.figure_id, value, awards))
    return published_checks(rows)


def public_contact_checks(monthly: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The 2019 letter's public-contact figures: over 435,000 and 447,000 calls to 999 and
    101 in 2016 and 2017, 72 online reports in the first quarter of 2016, and 20,797 online
    reports and web chats in 2018, each against the same total of the monthly contacts."""
    rows = []
    calls = annual_totals(monthly, ("999", "101")).set_index("year")["contacts"]
    for fid in ("calls_999_101_2016", "calls_999_101_2017"):
        if fid in figures.index:
            year = int(str(figures.loc[fid, "period_start"])[:4])
            rows.append(check_published(figures, fid, float(calls.get(year, float("nan"))),
                                        f"999 and 101 calls, {year}"))
    for fid, channels, what in (
        ("online_reports_q1_2016", ("online report",), "online reports"),
        ("online_and_webchat_2018", ("online report", "web chat"),
         "online reports and web chats"),
    ):
        if fid not in figures.index:
            continue
        first = to_month(figures.loc[fid, "period_start"])
        last = to_month(figures.loc[fid, "period_end"])
        m = monthly.loc[monthly["channel"].isin(channels)]
        month = pd.PeriodIndex(m["month"].astype(str).str[:7], freq="M")
        inside = (month >= first) & (month <= last)
        value = float(m.loc[inside, "contacts"].sum()) if inside.any() else float("nan")
        rows.append(check_published(figures, fid, value,
                                    f"{what}, {month_name(first)} to {month_name(last)}"))
    return published_checks(rows)


def call_handling_checks(monthly: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The 2016 paper's 101 figures (8.1 and 8.2) from ``call_handling_monthly``.

    "Around 30,000 calls per month" is the mean of the 12 whole months before the paper;
    "94% … now answered within 30 seconds", "50% … transferred" and "3.5 minutes" average
    pick-up of secondary calls describe the service since the change the paper reports
    (November 2015, ten new secondary call handlers), so they are pooled over November 2015
    to the last whole month before the paper.
    """
    m = monthly_series(monthly)
    m = m.loc[m["line"] == "101"].copy()
    m["period"] = m["month"].dt.to_period("M")
    rows = []

    def months(first: pd.Period, last: pd.Period) -> pd.DataFrame:
        return m.loc[(m["period"] >= first) & (m["period"] <= last)]

    if "calls_101_per_month" in figures.index:
        last = _last_whole_month(figures.loc["calls_101_per_month", "period_end"])
        year = months(last - 11, last)
        value = float(year["offered"].mean()) if len(year) == 12 else float("nan")
        rows.append(check_published(figures, "calls_101_per_month", value,
                                    f"101 calls offered a month, mean of the "
                                    f"{window_label(last)}"))
    since = pd.Period("2015-11", "M")
    for fid, num, den, what in (
        ("calls_101_within_30s", "answered_within_target", "answered",
         "answered within 30 seconds, of 101 calls answered"),
        ("calls_101_transferred", "transferred_to_secondary", "answered",
         "transferred to a secondary handler, of 101 calls answered"),
    ):
        if fid not in figures.index:
            continue
        window = months(since, _last_whole_month(figures.loc[fid, "period_end"]))
        value = (100 * float(window[num].sum()) / float(window[den].sum())
                 if not window.empty else float("nan"))
        rows.append(check_published(figures, fid, value,
                                    f"{what}, {_span(window)}"))
    if "secondary_pickup_minutes" in figures.index:
        window = months(since, _last_whole_month(figures.loc["secondary_pickup_minutes",
                                                             "period_end"]))
        pooled = (float((window["mean_secondary_wait_s"]
                         * window["transferred_to_secondary"]).sum())
                  / float(window["transferred_to_secondary"].sum()) / 60
                  if not window.empty else float("nan"))
        rows.append(check_published(figures, "secondary_pickup_minutes", pooled,
                                    f"mean wait of transferred calls, {_span(window)}"))
    return published_checks(rows)


def _span(window: pd.DataFrame) -> str:
    return months_label(window.assign(month=window["period"]))


def confidence_checks(confidence: pd.DataFrame, figures: pd.DataFrame) -> pd.DataFrame:
    """The 2016 paper's public satisfaction figures (11.7): "dealing with local concerns"
    73.7% (68.2% in December 2012) and "satisfaction with service delivery" 85.8% (85.6%),
    each a rolling 12 months. The paper compares with December 2012, so its current figures
    are taken as the 12 months to the latest December before the paper."""
    rows = []
    for fid, measure in (
        ("confidence_local_concerns_2015", "police deal with local concerns"),
        ("confidence_local_concerns_2012", "police deal with local concerns"),
        ("service_delivery_2015", "satisfaction with service delivery"),
        ("service_delivery_2012", "satisfaction with service delivery"),
    ):
        if fid not in figures.index:
            continue
        end = to_month(figures.loc[fid, "period_end"])
        if end.month != 12:
            end = pd.Period(f"{end.year - 1}-12", "M")
        rates = confidence_rate(confidence, measure)
        value = 100 * float(rates.get(end, float("nan")))
        rows.append(check_published(figures, fid, value, f"{measure}, {window_label(end)}"))
    return published_checks(rows)


def not_in_data_rows(figures: pd.DataFrame, reasons: dict[str, str] | None = None
                     ) -> pd.DataFrame:
    """A row for each published figure that no dataset can check, with the reason."""
    reasons = NOT_IN_DATA if reasons is None else reasons
    rows: Iterable[dict[str, object]] = [
        check_published(figures, fid, float("nan"), reason, verdict="not in the data")
        for fid, reason in reasons.items() if fid in figures.index
    ]
    return published_checks(rows)
