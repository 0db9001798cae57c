"""Words, charts and display tables for the grants chapter of the paper.

The figures come from :mod:`evaluation.measures.grants` (grants: spend by fund, district and
financial year; participants, completion and cost per); this module only describes them.
"""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from evaluation.data.schemas import FUNDS
from evaluation.measures.grants import (
    _per_project,
    is_proxy,
)
from evaluation.methods.periods import financial_years
from evaluation.report.charts import PALETTE, Chart, apply_house_style, finish_axes
from evaluation.report.formatting import (
    Formatter,
    fmt_gbp,
    fmt_int,
    fmt_pct,
)

log = logging.getLogger(__name__)


PROXY_NOTE = (
    "The 360Giving register used here is a PROXY: Oxford City Council's community grants "
    "awarded 2014/15 to 2017/18, not a Police and Crime Commissioner's register (none is "
    "published in that standard). It shows that the analysis runs on a real register; its "
    "figures say nothing about the Commissioner's grants. Contains public sector information "
    "licensed under the Open Government Licence v3.0 (source: Oxford City Council)."
)


COLUMNS = ("grant_id", "fund", "recipient", "district", "amount_gbp", "award_date",
           "start_date", "end_date", "participants", "completers", "outcome_measure",
           "outcome_target", "outcome_achieved")



def _in(period: str) -> str:
    """'In 2018/19' for a year, 'From 1 January 2015 to 31 December 2015' for a date range."""
    return f"From {period}" if " to " in period else f"In {period}"

def _n(k: float, noun: str) -> str:
    """'1 grant', '12 grants'."""
    return f"{fmt_int(k)} {noun}{'' if round(float(k)) == 1 else 's'}"


def source_note(register: pd.DataFrame) -> str:
    """Which register the section uses, in a sentence (the proxy caveat for 360Giving)."""
    if is_proxy(register):
        return PROXY_NOTE
    return ("The grant register is the bundled sample register (grants.csv in the data "
            "folder): every recipient is fictional.")


def spend_sentence(by_fund: pd.DataFrame, period: str, proxy: bool = False) -> str:
    """Plain English on the spend by fund table for the reporting period."""
    total = by_fund.iloc[-1]
    register = "the PROXY register (Oxford City Council)" if proxy else "the register"
    if total["Grants"] == 0:
        return f"{register[0].upper()}{register[1:]} holds no grants awarded in {period}."
    parts = by_fund.iloc[:-1].sort_values("Amount (£)", ascending=False)
    top = parts.iloc[0]
    text = (f"{_in(period)} {register} holds {fmt_int(total['Grants'])} grants totalling "
            f"{fmt_gbp(total['Amount (£)'])}. The largest fund was {top['Fund']} with "
            f"{fmt_gbp(top['Amount (£)'])} ({fmt_pct(top['Share of spend'])} of the total, "
            f"{_n(top['Grants'], 'grant')})")
    rest = [f"{r['Fund']} {fmt_gbp(r['Amount (£)'])} ({_n(r['Grants'], 'grant')})"
            for _, r in parts.iloc[1:].iterrows()]
    return text + ("; then " + ", ".join(rest) + "." if rest else ".")


def register_gap_note(by_year: pd.DataFrame, period_end: str) -> str | None:
    """A warning when the register's total for the period's financial year is under half
    the median of the years before it: more likely a register that is not yet complete
    than a cut in spending, and the Board should not read it as one before it is checked.

    >>> years = pd.DataFrame({"Financial year": ["2016/17", "2017/18", "2018/19", "Total"],
    ...                       "Amount (£)": [1_100_000, 1_110_000, 281_750, 2_491_750]})
    >>> register_gap_note(years, "2019-03-31")[:61]
    "The register's total for 2018/19 (£281,750) is under half the"
    >>> register_gap_note(years, "2018-03-31") is None
    True
    """
    end = pd.Timestamp(period_end)
    y = end.year if end.month >= 4 else end.year - 1
    label = f"{y}/{str(y + 1)[2:]}"
    rows = by_year.loc[by_year["Financial year"] != "Total"]
    now = rows.loc[rows["Financial year"] == label, "Amount (£)"]
    before = rows.loc[rows["Financial year"] < label, "Amount (£)"]
    if now.empty or len(before) < 2:
        return None
    typical = float(before.median())
    if float(now.iloc[0]) >= 0.5 * typical:
        return None
    return (f"The register's total for {label} ({fmt_gbp(now.iloc[0])}) is under half the "
            f"median of the years before it ({fmt_gbp(typical)}): check that the register is "
            "complete for the year before reading this as a fall in spending.")


def spend_by_year_chart(register: pd.DataFrame, proxy: bool = False) -> Chart:
    """Stacked bars of the amount awarded by financial year and fund, with alt text."""
    fy = financial_years(register["award_date"])
    g = pd.DataFrame({"year": fy, "fund": register["fund"].astype("string"),
                      "amount": register["amount_gbp"].astype("float64")}).dropna(subset=["year"])
    wide = g.pivot_table(index="year", columns="fund", values="amount", aggfunc="sum",
                         fill_value=0.0).sort_index()
    funds = [f for f in FUNDS if f in wide.columns] + [f for f in wide.columns if f not in FUNDS]
    wide = wide[funds]
    apply_house_style()
    fig, ax = plt.subplots()
    bottom = np.zeros(len(wide))
    for i, fund in enumerate(funds):
        ax.bar(wide.index, wide[fund] / 1000, bottom=bottom, label=fund,
               color=PALETTE[i % len(PALETTE)])
        bottom += wide[fund].to_numpy() / 1000
    totals = wide.sum(axis=1)
    for x, t in zip(wide.index, totals, strict=True):
        ax.text(x, t / 1000, f"£{t / 1000:,.0f}k", ha="center", va="bottom", fontsize=8)
    who = " (PROXY register: Oxford City Council)" if proxy else ""
    title = f"Grants awarded by financial year and fund{who}"
    finish_axes(ax, title, "Financial year of award (April to March)",
                "Amount awarded (£ thousand)")
    ax.yaxis.set_major_formatter(lambda v, _p: f"£{v:,.0f}k")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_ylim(0, max(float(totals.max()) / 1000 * 1.12, 1.0) if len(totals) else 1.0)
    fig.tight_layout()
    if len(totals):
        hi, lo = totals.idxmax(), totals.idxmin()
        alt = (f"Stacked bar chart of the amount awarded in grants in each financial year from "
               f"{totals.index[0]} to {totals.index[-1]}, split by fund"
               f"{who}. The most was {fmt_gbp(totals[hi])} in {hi}, the least "
               f"{fmt_gbp(totals[lo])} in {lo}; the latest year, {totals.index[-1]}, had "
               f"{fmt_gbp(totals.iloc[-1])}. Funds shown: {', '.join(funds)}.")
    else:
        alt = "Empty chart: the register holds no grants with an award date."
    return Chart(figure=fig, title=title, alt_text=alt)


def cost_sentence(costs: pd.DataFrame, period: str) -> str:
    """Plain English on cost per participant and completer, saying which figure is which."""
    if costs.empty:
        return (f"No grant awarded in {period} records its participants, so cost per "
                "participant cannot be calculated.")
    label = costs.columns[0]
    parts = []
    for _, r in costs.loc[costs[label] != "Total"].iterrows():
        parts.append(
            f"{r[label]} projects ({fmt_int(r['Projects with participants'])} recording "
            f"participants) spent {fmt_gbp(r['Amount (£)'])} on "
            f"{fmt_int(r['Participants'])} participants: "
            f"{fmt_gbp(r['Cost per participant, total-based (£)'])} per participant in total "
            f"(total amount divided by total participants), while the median project spent "
            f"{fmt_gbp(r['Cost per participant, median project (£)'])} per participant "
            f"(half of projects between "
            f"{fmt_gbp(r['Cost per participant, lower quartile (£)'])} and "
            f"{fmt_gbp(r['Cost per participant, upper quartile (£)'])}). Per completer: "
            f"{fmt_gbp(r['Cost per completer, total-based (£)'])} in total, median project "
            f"{fmt_gbp(r['Cost per completer, median project (£)'])}."
        )
    return f"{_in(period)}: " + " ".join(parts)


def cost_finding(costs: pd.DataFrame, period: str) -> str:
    """The headline on cost per participant: the fund with most participants, both figures."""
    label = costs.columns[0] if len(costs.columns) else "Fund"
    parts = costs.loc[costs[label] != "Total"] if not costs.empty else costs
    if parts.empty:
        return (f"No grant awarded in {period} records its participants, so cost per "
                "participant cannot be reported.")
    r = parts.sort_values("Participants", ascending=False).iloc[0]
    return (f"{_in(period)} {r[label]} projects reached {fmt_int(r['Participants'])} participants "
            f"at {fmt_gbp(r['Cost per participant, total-based (£)'])} per participant in "
            f"total (amount divided by participants); the median project cost "
            f"{fmt_gbp(r['Cost per participant, median project (£)'])} per participant.")


def cost_chart(register: pd.DataFrame, period: str) -> Chart:
    """Each project's cost per participant by fund (dots), with the median marked."""
    p = _per_project(register)
    p["fund"] = register["fund"].astype("string")
    p = p.dropna(subset=["cpp"])
    apply_house_style()
    fig, ax = plt.subplots()
    funds = [f for f in FUNDS if f in set(p["fund"])] + sorted(
        set(p["fund"]) - set(FUNDS))
    rng = np.random.default_rng(0)
    for i, fund in enumerate(funds):
        v = p.loc[p["fund"] == fund, "cpp"].to_numpy()
        ax.scatter(v, i + rng.uniform(-0.15, 0.15, v.size), color=PALETTE[i % len(PALETTE)],
                   alpha=0.8, s=30, label=None)
        med = float(np.median(v))
        ax.plot([med, med], [i - 0.3, i + 0.3], color="black", lw=2,
                label="Median project" if i == 0 else None)
    ax.set_yticks(range(len(funds)), funds)
    title = f"Cost per participant of each project, {period}"
    finish_axes(ax, title, "Amount awarded per participant (£)", "")
    ax.xaxis.set_major_formatter(lambda v, _p: f"£{v:,.0f}")
    ax.grid(axis="y", visible=False)
    if funds:
        ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    if len(p):
        parts = []
        for fund in funds:
            v = p.loc[p["fund"] == fund, "cpp"]
            parts.append(f"{fund}: {len(v)} projects from {fmt_gbp(v.min())} to "
                         f"{fmt_gbp(v.max())} per participant, median {fmt_gbp(v.median())}")
        alt = (f"Dot plot of the amount awarded per participant for each project awarded in "
               f"{period} that recorded participants. " + "; ".join(parts) + ".")
    else:
        alt = f"Empty chart: no project awarded in {period} recorded its participants."
    return Chart(figure=fig, title=title, alt_text=alt)


def reach_sentence(reach: pd.DataFrame, period: str) -> str:
    """How widely the grants reached: districts, recipients and participants."""
    total = reach.iloc[-1]
    if total["Grants"] == 0:
        return f"No grants were awarded in {period}, so there is no reach to report."
    districts = reach.iloc[:-1]
    known = districts.loc[districts["District"] != "not recorded"]
    text = (f"{_in(period)} grants went to {_n(total['Recipients'], 'recipient')} in "
            f"{_n(len(known), 'district')}")
    if pd.notna(total["Participants"]):
        text += f", reaching {fmt_int(total['Participants'])} recorded participants"
    text += "."
    if len(known):
        top = known.iloc[0]
        text += (f" {top['District']} received the most ({fmt_gbp(top['Amount (£)'])}, "
                 f"{_n(top['Grants'], 'grant')}).")
    return text


def outcomes_sentence(outcomes: pd.DataFrame, period: str) -> str:
    """Plain English on the share of projects meeting their outcome target."""
    total = outcomes.iloc[-1]
    without = outcomes.attrs.get("without", 0)
    if total["Projects with a target and a result"] == 0:
        return (f"No grant awarded in {period} records both an outcome target and a result, so "
                "outcomes cannot be compared with targets.")
    text = (f"Of the {fmt_int(total['Projects with a target and a result'])} projects awarded "
            f"in {period} with an outcome target and a result, {fmt_int(total['Met target'])} "
            f"met their target ({fmt_pct(total['Share meeting target'])}; "
            f"{total['Confidence level']:.0%} confidence interval {fmt_pct(total['Lower'])} to "
            f"{fmt_pct(total['Upper'])}).")
    for _, r in outcomes.iloc[:-1].iterrows():
        text += (f" {r['Outcome measure'].capitalize()}: {fmt_int(r['Met target'])} of "
                 f"{fmt_int(r['Projects with a target and a result'])} projects met it.")
    if without:
        text += (f" {_n(without, 'grant')} without an outcome target or result "
                 f"{'is' if without == 1 else 'are'} left out.")
    return text


# ----------------------------------------------------------------------------- data quality
def data_quality_notes(register: pd.DataFrame) -> list[str]:
    """Plain sentences on the register's gaps and inconsistencies; never raises.

    Covers missing participants and completers, grants that end before they start, duplicate
    ids, zero or missing amounts, more completers than participants, missing districts,
    dates and outcome fields, and the loader's own warnings (``attrs["problems"]``).
    """
    notes: list[str] = []
    n = len(register)
    if n == 0:
        return ["The register holds no grants for this period."]
    try:  # each adds its sentences as it goes: a failure keeps those already made
        for add in (_id_and_amount_notes, _date_notes, _participant_notes,
                    _outcome_and_file_notes):
            add(register, notes)
    except Exception as exc:  # noqa: BLE001 - notes must never stop a section
        log.exception("data-quality notes incomplete")
        notes.append(f"The data-quality check could not finish ({type(exc).__name__}).")
    if not notes:
        notes.append(f"No gaps or inconsistencies were found in the {fmt_int(n)} grants.")
    return notes


def _col(register: pd.DataFrame, name: str) -> pd.Series:
    """The register's column, or all <NA> when it has none."""
    if name in register.columns:
        return register[name]
    return pd.Series(pd.NA, index=register.index)


def _count(mask: pd.Series) -> int:
    return int(mask.fillna(False).astype(bool).sum())


def _v(k: int, one: str, many: str) -> str:
    return one if k == 1 else many


def _id_and_amount_notes(register: pd.DataFrame, notes: list[str]) -> None:
    """Missing columns, shared grant ids, and amounts of £0 or none."""
    missing_cols = [c for c in COLUMNS if c not in register.columns]
    if missing_cols:
        notes.append(f"The register has no {', '.join(missing_cols)} column(s).")
    ids = _col(register, "grant_id")
    dup = _count(ids.notna() & ids.duplicated(keep=False))
    if dup:
        notes.append(f"{_n(dup, 'grant')} {_v(dup, 'shares', 'share')} a grant id with another "
                     "grant; they are counted separately, which may double-count spend.")
    amount = pd.to_numeric(_col(register, "amount_gbp"), errors="coerce")
    if k := _count(amount == 0):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} an amount of £0.")
    if k := _count(amount.isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} no amount recorded.")


def _date_notes(register: pd.DataFrame, notes: list[str]) -> None:
    """Grants that end before they start, and missing award or planned dates."""
    start = pd.to_datetime(_col(register, "start_date"))
    end = pd.to_datetime(_col(register, "end_date"))
    if k := _count(end < start):
        notes.append(f"{_n(k, 'grant')} "
                     f"{_v(k, 'ends before it starts', 'end before they start')}.")
    if k := _count(pd.to_datetime(_col(register, "award_date")).isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} no award date and "
                     f"{_v(k, 'drops', 'drop')} out of every period.")
    if k := _count(start.isna() | end.isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} no planned start or end date.")


def _participant_notes(register: pd.DataFrame, notes: list[str]) -> None:
    """Participants or completers missing, more completers than participants, or none."""
    part = pd.to_numeric(_col(register, "participants"), errors="coerce")
    comp = pd.to_numeric(_col(register, "completers"), errors="coerce")
    if k := _count(part.isna()):
        funds = _col(register, "fund").loc[part.isna()].astype("string").fillna("no fund")
        by = ", ".join(f"{f} {c}" for f, c in funds.value_counts().sort_index().items())
        notes.append(f"{_n(k, 'grant')} of {fmt_int(len(register))} "
                     f"{_v(k, 'records', 'record')} no participants ({by}); they are left out "
                     "of participation and cost per participant.")
    if k := _count(part.notna() & comp.isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'records', 'record')} participants but not "
                     "completers.")
    if k := _count(comp > part):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'records', 'record')} more completers than "
                     "participants.")
    if k := _count(part == 0):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'records', 'record')} zero participants.")


def _outcome_and_file_notes(register: pd.DataFrame, notes: list[str]) -> None:
    """Missing districts and outcomes, and the file check's warnings not already said."""
    if k := _count(_col(register, "district").isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} no district.")
    target, achieved = _col(register, "outcome_target"), _col(register, "outcome_achieved")
    if k := _count(target.isna() | achieved.isna()):
        notes.append(f"{_n(k, 'grant')} {_v(k, 'has', 'have')} no outcome target or no result.")
    for p in register.attrs.get("problems", []):
        if any(word in p.message for word in ("duplicate key", "ends before it starts",
                                               "more completers")):
            continue  # already said above
        where = f" (row {p.row})" if p.row and "(rows" not in p.message else ""
        notes.append(f"From the file check: {p.message}{where}.")


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'spend': {
        'Grants': fmt_int,
        'Amount (£)': fmt_gbp,
        'Share of spend': fmt_pct,
    },
    'grants_participation': {
        'Participants': fmt_int,
        'Completers': fmt_int,
        'Completion rate': fmt_pct,
        'Lower': fmt_pct,
        'Upper': fmt_pct,
        'Confidence level': fmt_pct,
    },
    'grants_reach': {
        'Amount (£)': fmt_gbp,
        'Participants': fmt_int,
    },
    'grants_outcomes': {
        'Share meeting target': fmt_pct,
        'Lower': fmt_pct,
        'Upper': fmt_pct,
        'Confidence level': fmt_pct,
    },
}


def cost_formats(costs: pd.DataFrame) -> dict[str, Formatter]:
    """Pounds for every money column of :func:`evaluation.measures.grants.cost_table`."""
    return {c: fmt_gbp for c in costs.columns if "£" in c}


def cost_rates(costs: pd.DataFrame) -> dict[str, list[str]]:
    """Which counts each cost-per figure rests on, for suppression: a cost per participant
    or completer is hidden with a small count of either."""
    return {c: ["Participants", "Completers"] for c in costs.columns if "Cost per" in c}


def published_what(proxy: bool = False) -> str:
    """What the published-figures appendix says the grant checks are (a PROXY register
    cannot reproduce the Commissioner's figures, and says so)."""
    text = "The 2016 paper's grant figures (paragraphs 9.2 and 10.2)"
    if proxy:
        text += (", set against a PROXY register (Oxford City Council, not the Commissioner) "
                 "that cannot reproduce them,")
    return text
