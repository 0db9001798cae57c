"""Words, charts and display tables for the crime chapter of the paper.

The figures come from :mod:`evaluation.measures.crime` (crime and confidence: REAL public data
as context for the engagement evaluation); this module only describes them.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from evaluation.measures.crime import (
    _force_key,
    _region_and_nation,
)
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult
from evaluation.report import narrative
from evaluation.report.charts import (
    OKABE_ITO,
    PALETTE,
    Chart,
    apply_house_style,
    finish_axes,
    percent,
)
from evaluation.report.formatting import (
    Formatter,
    fmt_int,
    fmt_number,
    fmt_p,
    fmt_pct,
)

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)


MONTHLY_LABELS: dict[str, str] = {
    "month": "Month",
    "crimes": "Crimes recorded",
    "asb": "Anti-social behaviour incidents",
    "all_records": "All records",
}


#: columns of the monthly table that count cases (for disclosure control) and their formats.
MONTHLY_COUNTS: tuple[str, ...] = tuple(list(MONTHLY_LABELS.values())[1:])


MONTHLY_FORMATS = dict.fromkeys(MONTHLY_COUNTS, fmt_int)


def the(region: str) -> str:
    """'the East of England', 'the South East', but 'Wales' and 'London'."""
    return region if region in ("Wales", "London", "England", "England and Wales") \
        else f"the {region}"


def _fmt_value(value: float, y_format: str) -> str:
    return fmt_pct(value) if y_format == "percent" else fmt_int(value)


def xmr_sentence(result: XmRResult, measure: str, y_format: str = "thousands") -> str:
    """What the XmR chart of a monthly series shows (:func:`narrative.xmr_sentence`)."""
    per = "" if y_format == "percent" else " a month"
    return narrative.xmr_sentence(result, f"The {measure}",
                                  lambda v: _fmt_value(v, y_format), per=per)


def crime_summary_sentence(counts: pd.DataFrame, force: str) -> str:
    """Totals and range of monthly crime and anti-social behaviour."""
    first, last = month_name(counts["month"].iloc[0]), month_name(counts["month"].iloc[-1])
    lo, hi = counts["crimes"].idxmin(), counts["crimes"].idxmax()
    return (
        f"{force} recorded {fmt_int(counts['crimes'].sum())} crimes and "
        f"{fmt_int(counts['asb'].sum())} incidents of anti-social behaviour on police.uk "
        f"between {first} and {last}; monthly crime ranged from "
        f"{fmt_int(counts.loc[lo, 'crimes'])} ({month_name(counts.loc[lo, 'month'])}) to "
        f"{fmt_int(counts.loc[hi, 'crimes'])} ({month_name(counts.loc[hi, 'month'])})."
    )


def charge_rate_sentence(rates: pd.DataFrame) -> str:
    """The charge/summons rate over the period, with its convention stated."""
    charged, crimes = int(rates["charged"].sum()), int(rates["crimes"].sum())
    first, last = month_name(rates["month"].iloc[0]), month_name(rates["month"].iloc[-1])
    lo, hi = rates["charge_rate"].idxmin(), rates["charge_rate"].idxmax()
    return (
        f"Between {first} and {last}, {fmt_int(charged)} charge/summons outcomes were recorded "
        f"against {fmt_int(crimes)} crimes recorded: a charge/summons rate of "
        f"{fmt_pct(charged / crimes)} (monthly {fmt_pct(rates.loc[lo, 'charge_rate'])} to "
        f"{fmt_pct(rates.loc[hi, 'charge_rate'])}). As in the Home Office outcomes "
        "statistics, outcomes recorded in the period are set against crimes recorded in the "
        "period; they are not the same crimes."
    )


def outcome_mix_sentence(mix: pd.DataFrame) -> str:
    """The commonest outcome groups and the share charged."""
    body = mix.loc[mix["outcome_group"] != "Total"].sort_values("records", ascending=False)
    total = int(mix.loc[mix["outcome_group"] == "Total", "records"].iloc[0])
    top = body.iloc[:2]
    charged = mix.loc[mix["outcome_group"] == "Charged or summonsed", "share"]
    text = (f"Of {fmt_int(total)} outcomes recorded, the commonest were "
            + " and ".join(f"'{r.outcome_group.lower()}' ({fmt_pct(r.share)})"
                           for r in top.itertuples()))
    if not charged.empty:
        text += f"; {fmt_pct(float(charged.iloc[0]))} were a charge or summons"
    return text + "."


def _variation_phrase(result: XmRResult) -> str:
    special = result.points["special_cause"].dropna()
    if special.empty:
        return "every month within the XmR process limits (common-cause variation only)"
    return f"{len(special)} month(s) showing special-cause variation on the XmR chart"


def crime_finding(counts: pd.DataFrame, crimes_xmr: XmRResult, force: str) -> str:
    """Headline: crime and ASB totals, monthly range and what the XmR chart shows."""
    first, last = month_name(counts["month"].iloc[0]), month_name(counts["month"].iloc[-1])
    return (
        f"{force} recorded {fmt_int(counts['crimes'].sum())} crimes and "
        f"{fmt_int(counts['asb'].sum())} anti-social behaviour incidents on police.uk from "
        f"{first} to {last} (REAL data); monthly crime ranged from "
        f"{fmt_int(counts['crimes'].min())} to {fmt_int(counts['crimes'].max())}, with "
        f"{_variation_phrase(crimes_xmr)}."
    )


def charge_finding(rates: pd.DataFrame) -> str:
    """Headline: the period's charge/summons rate."""
    charged, crimes = int(rates["charged"].sum()), int(rates["crimes"].sum())
    first, last = month_name(rates["month"].iloc[0]), month_name(rates["month"].iloc[-1])
    return (
        f"From {first} to {last}, {fmt_int(charged)} charge/summons outcomes were recorded "
        f"against {fmt_int(crimes)} crimes: a charge/summons rate of {fmt_pct(charged / crimes)} "
        "(police.uk, REAL data)."
    )


def confidence_finding(table: pd.DataFrame, region: str, period: str) -> str:
    """Headline: the region's confidence in the local police against England and Wales."""
    rows = _region_and_nation(table, region)
    if rows is None:
        return f"The Crime Survey table has no figure for {region}."
    r, n = rows
    verdict = {"yes": "significantly different from",
               "weak evidence": "with weak evidence of a difference from"}.get(
                   str(r["significant"]), "not significantly different from")
    return (
        f"In the {period}, {fmt_pct(r['confidence'])} of adults in {the(region)} had "
        f"confidence in their local police, {verdict} England and Wales "
        f"({fmt_pct(n['confidence'])}; Crime Survey, REAL data; no force-level figure exists)."
    )


def peer_sentence(rates: pd.DataFrame, force: str) -> str:
    """Where the force sits among its peers on records per 1,000 residents."""
    months = rates.attrs.get("months", [])
    span = (f"{month_name(months[0])} to {month_name(months[-1])}" if months
            else "the months compared")
    row = rates.loc[rates["force"].map(_force_key) == _force_key(force)]
    if row.empty:
        return f"{force} is not among the forces compared."
    rank = int(row.index[0]) + 1
    median = float(rates["per_1000"].median())
    value = float(row["per_1000"].iloc[0])
    side = "above" if value > median else "below" if value < median else "at"
    return (f"From {span}, {force} published {fmt_number(value)} police.uk records (crime "
            f"and anti-social behaviour) per 1,000 residents, {side} the median of the "
            f"{len(rates)} forces compared ({fmt_number(median)}); it ranks {rank} of "
            f"{len(rates)} (1 = highest). Rates use Census 2011 populations and police.uk "
            "street records, so they are indicative only.")


def peer_chart(rates: pd.DataFrame, force: str) -> Chart:
    """Horizontal bars of records per 1,000 residents, the force highlighted."""
    apply_house_style()
    data = rates.sort_values("per_1000")
    colours = [PALETTE[1] if _force_key(f) == _force_key(force) else PALETTE[0]
               for f in data["force"]]
    fig, ax = plt.subplots(figsize=(8.0, max(3.0, 0.32 * len(data) + 1)))
    ax.barh(data["force"], data["per_1000"], color=colours)
    median = float(rates["per_1000"].median())
    ax.axvline(median, color=OKABE_ITO["black"], linestyle="--", linewidth=1,
               label=f"Median {fmt_number(median)}")
    months = rates.attrs.get("months", [])
    span = f", {month_name(months[0])} to {month_name(months[-1])}" if months else ""
    title = f"Police.uk records per 1,000 residents, by force{span}"
    finish_axes(ax, title, "Records (crime and anti-social behaviour) per 1,000 residents", "")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    top, bottom = rates.iloc[0], rates.iloc[-1]
    row = rates.loc[rates["force"].map(_force_key) == _force_key(force)]
    own = (f" {force} (highlighted) has {fmt_number(float(row['per_1000'].iloc[0]))}."
           if not row.empty else "")
    alt = (f"Bar chart of police.uk records per 1,000 residents{span} for {len(rates)} forces. "
           f"Highest {top['force']} {fmt_number(top['per_1000'])}, lowest {bottom['force']} "
           f"{fmt_number(bottom['per_1000'])}, median {fmt_number(median)}.{own}")
    return Chart(figure=fig, title=title, alt_text=alt)


def confidence_sentence(table: pd.DataFrame, region: str, period: str) -> str:
    """The region's confidence against England and Wales, with significance."""
    rows = _region_and_nation(table, region)
    if rows is None:
        return f"The Crime Survey table has no figure for {region}."
    r, n = rows
    regions = table.attrs.get("regions_tested", len(table) - 1)
    verdict = narrative.evidence_phrase(
        float(r["p_value_holm"]), float(r["difference"]) / 100, "increase",
        f"z-test on the published standard errors, Holm-adjusted over the {regions} regions")
    return (
        f"In the {period}, {fmt_pct(r['confidence'])} of adults in {the(region)} "
        f"(95% confidence interval {fmt_pct(r['lower'])} to {fmt_pct(r['upper'])}; "
        f"{fmt_int(r['respondents'])} respondents) had confidence in their local police, "
        f"against {fmt_pct(n['confidence'])} in England and Wales: "
        f"{_points_phrase(r['difference'] / 100)}: {verdict}. The Crime Survey publishes no "
        "figure for a single police "
        "force area, so the region is the nearest measure for this force."
    )


def _points_phrase(diff: float) -> str:
    """0.0114 -> '1.1 percentage points above'."""
    side = "above" if diff > 0 else "below" if diff < 0 else "level with"
    if side == "level with":
        return side
    return f"{fmt_number(abs(100 * diff))} percentage points {side}"


def national_sentence(national: pd.DataFrame) -> str:
    """Peak, latest and gaps of the national confidence series."""
    peak = national.loc[national["confidence"].idxmax()]
    last = national.iloc[-1]
    years = set(national["year_ending"])
    gaps = [y for y in range(int(national["year_ending"].min()),
                             int(national["year_ending"].max())) if y not in years]
    text = (f"Across England and Wales, confidence in the local police peaked at "
            f"{fmt_pct(peak['confidence'])} in the year ending March {int(peak['year_ending'])} "
            f"and was {fmt_pct(last['confidence'])} in the year ending March "
            f"{int(last['year_ending'])}, {_points_phrase(last['confidence'] - peak['confidence'])}"
            " the peak.")
    if gaps:
        text += (" There are no figures for the years ending March "
                 + ", ".join(str(g) for g in gaps)
                 + ", when the survey's face-to-face interviews were suspended.")
    return text


def confidence_chart(national: pd.DataFrame, regions: pd.DataFrame, region: str,
                     regional_year: float, regional_period: str) -> Chart:
    """National confidence by survey year (gaps left as gaps) with the region's estimate and
    its 95% interval marked at ``regional_year`` (e.g. 2018.75 for year ending December 2018).
    ``regions`` is :func:`confidence_by_region`."""
    apply_house_style()
    fig, ax = plt.subplots()
    years = pd.Series(np.arange(national["year_ending"].min(), national["year_ending"].max() + 1))
    full = years.to_frame("year_ending").merge(national, on="year_ending", how="left")
    ax.plot(full["year_ending"], full["confidence"], color=PALETTE[0], marker="o",
            markersize=4, label="England and Wales (year ending March)")
    row = regions.loc[regions["area"] == region]
    if not row.empty:
        r = row.iloc[0]
        ax.errorbar([regional_year], [r["confidence"]],
                    yerr=[[r["confidence"] - r["lower"]], [r["upper"] - r["confidence"]]],
                    fmt="s", color=PALETTE[1], capsize=4,
                    label=f"{region}, {regional_period} (95% CI)")
    title = "Confidence in the local police, Crime Survey for England and Wales"
    finish_axes(ax, title, "Survey year (ending March)", "Adults confident in local police (%)")
    ax.yaxis.set_major_formatter(percent)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0.5, 0.9)
    ax.legend(loc="lower left")
    fig.tight_layout()
    peak = national.loc[national["confidence"].idxmax()]
    last = national.iloc[-1]
    alt = (f"Line chart of the share of adults in England and Wales confident in their local "
           f"police, years ending March {int(national['year_ending'].min())} to "
           f"{int(last['year_ending'])}: from {fmt_pct(national['confidence'].iloc[0])} to a "
           f"peak of {fmt_pct(peak['confidence'])} ({int(peak['year_ending'])}), latest "
           f"{fmt_pct(last['confidence'])} ({int(last['year_ending'])}); a gap where no survey "
           "figures exist.")
    if not row.empty:
        alt += (f" A single marker shows {the(region)}, {regional_period}: "
                f"{fmt_pct(r['confidence'])} (95% CI {fmt_pct(r['lower'])} to "
                f"{fmt_pct(r['upper'])}).")
    return Chart(figure=fig, title=title, alt_text=alt)


# ----------------------------------------------------------------------------- notes
def context_note(source: str) -> str:
    """What this section is context for, with the licence attribution."""
    return (
        "REAL public data: " + source + ". Recorded crime, anti-social behaviour, outcomes and "
        "public confidence are shaped by many things (policing, reporting and recording "
        "practice, the economy, national events), not by the Commissioner's engagement alone. "
        "They are context for the engagement evaluation, not measures of its success. "
        + OGL_ATTRIBUTION
    )


def after_period_reason(months: pd.Series, period_end: str) -> str | None:
    """Why the police.uk part stays out of the paper (its files all lie after the period, so
    no paper of the period could have quoted them), or None when they overlap the period.

    >>> after_period_reason(pd.Series(["2024-01", "2024-12"]), "2019-03-31")[:60]
    'The police.uk street files bundled (January 2024 to December'
    >>> after_period_reason(pd.Series(["2018-10", "2019-02"]), "2019-03-31") is None
    True
    """
    have = pd.PeriodIndex(pd.to_datetime(months), freq="M")
    if have.empty or have.min() <= pd.Period(str(period_end)[:7], "M"):
        return None
    return (f"The police.uk street files bundled ({month_name(have.min())} to "
            f"{month_name(have.max())}) are from after the period, so their charts and tables "
            "are in the crime section's HTML for analysts, not in this paper.")


def coverage_note(period_start: str, period_end: str, months: pd.Series) -> str:
    """Say whether the run's reporting period is covered by the police.uk months bundled."""
    p0, p1 = pd.Period(period_start[:7], "M"), pd.Period(period_end[:7], "M")
    have = pd.PeriodIndex(pd.to_datetime(months), freq="M")
    inside = have[(have >= p0) & (have <= p1)]
    span = f"{month_name(have.min())} to {month_name(have.max())}"
    if len(inside) == len(pd.period_range(p0, p1, freq="M")):
        return f"The police.uk data cover the whole reporting period ({span} bundled)."
    return (
        f"The reporting period {p0.strftime('%B %Y')} to {p1.strftime('%B %Y')} is "
        f"{'partly' if len(inside) else 'not'} covered by the police.uk extract bundled with "
        f"this pack ({span})"
        + ("; the police.uk charts show those months as the most recent real context "
           "available." if len(inside) else ".")
    )


#: How each of the chapter's tables is printed: table name -> column -> format.
FORMATS: dict[str, dict[str, Formatter]] = {
    'charge_rate': {
        'Crimes recorded': fmt_int,
        'Charge/summons outcomes': fmt_int,
        'Charge/summons rate (%)': fmt_pct,
    },
    'outcome_mix': {
        'Outcome records': fmt_int,
        'Share of outcomes (%)': fmt_pct,
    },
    'peer_ranks': {
        'Crimes': fmt_int,
        'Residents': fmt_int,
        'Per 1,000': fmt_number,
    },
    'peer_rates': {
        'Records (crime and ASB)': fmt_int,
        'Population (Census 2011)': fmt_int,
        'Records per 1,000 residents': fmt_number,
    },
    'confidence_by_region': {
        'Confident in local police (%)': fmt_pct,
        '95% CI lower (%)': fmt_pct,
        '95% CI upper (%)': fmt_pct,
        'Standard error (pp)': fmt_number,
        'Respondents': fmt_int,
        'Difference from England and Wales (pp)': fmt_number,
        'p-value (Holm-adjusted over the regions)': fmt_p,
        'p-value': fmt_p,
    },
    'confidence_national': {
        'Confident in local police (%)': fmt_pct,
    },
}


# ------------------------------------------------------------- ONS police force area tables
def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ...

    >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 42)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '42nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


ONS_SOURCE = ("ONS, Crime in England and Wales: Police Force Area data tables (police recorded "
              "crime, Home Office)")


def recorded_crime_sentence(rates: pd.DataFrame, ranks: pd.DataFrame, period_note: str = ""
                            ) -> str:
    """The force's recorded crime and rate against England and Wales and the year before,
    and its place among all forces and its peers (lowest rate first)."""
    force = ranks.attrs["force"]
    f = rates.loc[rates["area"] == force].iloc[0]
    ew = rates.loc[rates["level"] == "country"].iloc[0]
    r = ranks.loc[ranks["is_force"]].iloc[0]
    text = (f"In the {f['edition']}, {force} recorded {fmt_int(f['offences'])} crimes "
            f"(excluding fraud), {fmt_number(f['rate_per_1000'])} per 1,000 residents against "
            f"{fmt_number(ew['rate_per_1000'])} for England and Wales")
    if not pd.isna(f["rate_before"]):
        text += (f"; in the {f['edition_before']} the rates were "
                 f"{fmt_number(f['rate_before'])} and {fmt_number(ew['rate_before'])}, so "
                 f"{force}'s rate {'rose' if f['change_pct'] > 0 else 'fell'} "
                 f"{fmt_number(abs(f['change_pct']))}% while England and Wales's "
                 f"{'rose' if ew['change_pct'] > 0 else 'fell'} "
                 f"{fmt_number(abs(ew['change_pct']))}%")
    text += (f". It had the {ordinal(int(r['rank']))} lowest rate of the "
             f"{ranks.attrs['forces']} forces with a published rate, and was "
             f"{ordinal(int(r['peer_rank']))} lowest of {ranks.attrs['peers']}.")
    if ranks.attrs.get("unranked"):
        names = ranks.attrs["unranked"]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        text += f" (ONS publishes no rate for {listed} in this edition.)"
    return text + (f" {period_note}" if period_note else "")


def edition_note(edition_label: str, period_start: str, period_end: str,
                 paper_date: str = "") -> str:
    """Which year the ONS figures cover, against the paper's period (and its date)."""
    end = pd.Timestamp(str(period_end))
    if edition_label == f"year ending {end:%B %Y}":
        return ""
    published = ""
    if paper_date:
        date = pd.Timestamp(str(paper_date))
        published = f" published by the paper's date ({date.day} {date:%B %Y})"
    return (f"The latest ONS edition{published} is for the {edition_label}; the period ends "
            f"in {end:%B %Y}.")


def funnel_sentence(funnel: pd.DataFrame, force: str) -> str:
    """Where the force lies on the funnel of crime per resident, and the overdispersion."""
    row = funnel.loc[funnel["area"] == force].iloc[0]
    od = funnel.attrs["overdispersion"]
    band = "within the limits" if row["band"] == "within limits" else row["band"]
    outside = int((funnel["band"] != "within limits").sum())
    text = (f"On a funnel plot of crime per resident by population, {force} lies {band} "
            f"around the England and Wales rate of {fmt_number(1000 * funnel.attrs['target'])} "
            f"per 1,000; {outside} of the {len(funnel)} forces lie outside the 95% limits.")
    if od["present"]:
        text += (f" Recorded crime is a count of every crime, not a sample, and forces differ "
                 f"far more than chance allows (overdispersion ratio {fmt_number(od['phi'], 0)}), "
                 "so the limits are Spiegelhalter's random-effects limits: they show how far a "
                 "force stands from the spread of the others, not a test of chance.")
    return text


def crime_funnel_chart(funnel: pd.DataFrame, force: str) -> Chart:
    """Funnel plot of recorded crime per resident by force population."""
    from evaluation.report.charts import funnel_chart

    od = funnel.attrs["overdispersion"]
    row = funnel.loc[funnel["area"] == force].iloc[0]
    outside = funnel.loc[funnel["band"].astype(str).str.contains("99.8"), "area"].tolist()
    alt = (f"Funnel plot of recorded crime per resident against resident population for "
           f"{len(funnel)} police force areas, {funnel_edition(funnel)}, around the England "
           f"and Wales rate of {fmt_number(1000 * funnel.attrs['target'])} per 1,000, with 95% "
           f"and 99.8% limits"
           f"{' (random-effects, for overdispersion)' if od['present'] else ''}. {force}: "
           f"{fmt_number(row['rate_per_1000'])} per 1,000, "
           f"{'within the limits' if row['band'] == 'within limits' else row['band']}. "
           + (f"Outside the 99.8% limits: {', '.join(outside)}." if outside
              else "No force lies outside the 99.8% limits."))
    return funnel_chart(
        funnel["offences"], funnel["population"], funnel.attrs["target"],
        f"Recorded crime per resident by police force area, {funnel_edition(funnel)}",
        "Resident population (log scale)", "Crimes per resident (8% = 80 per 1,000)",
        labels=list(funnel["area"]), overdispersion_method=od["method"],
        improvement="decrease", highlight=force, alt_text=alt,
        target_label=f"England and Wales ({fmt_number(1000 * funnel.attrs['target'])} per "
                     "1,000)")


def funnel_edition(funnel: pd.DataFrame) -> str:
    return str(funnel.attrs.get("edition", ""))


def rank_table(ranks: pd.DataFrame) -> pd.DataFrame:
    """The peer group's forces by rate, as printed."""
    peers = ranks.loc[ranks["in_peers"]]
    return pd.DataFrame({
        "Force": peers["area"], "Crimes": peers["offences"],
        "Residents": peers["population"], "Per 1,000": peers["rate_per_1000"],
        "Rank of all": peers["rank"], "Rank in peers": peers["peer_rank"]})


def asb_sentence(asb: pd.DataFrame, ours: pd.DataFrame, force: str,
                 simple: pd.DataFrame | None = None, source: str = "") -> str:
    """The force's Crime Survey anti-social behaviour measure with ONS's verdict, and how
    often the package's own test agrees with ONS's flags."""
    f = asb.loc[asb["name"] == force]
    ew = asb.loc[asb["level"] == "country"].iloc[0]
    edition = ours.attrs["edition"]
    if f.empty:
        text = f"The Crime Survey table has no row for {force}."
    else:
        r = f.iloc[0]
        verdict = ("significantly different from" if r["different_from_ew"]
                   else "not significantly different from")
        change = {"up": " It rose significantly on the year before.",
                  "down": " It fell significantly on the year before."}.get(
                      r["change_on_year"], " ONS finds no significant change on the year before.")
        mine = ours.loc[ours["area"] == force]
        interval = (f"; 95% interval {fmt_number(mine['lower'].iloc[0])}% to "
                    f"{fmt_number(mine['upper'].iloc[0])}% with the standard error widened by the "
                    f"design factor of {fmt_number(ours.attrs['design_factor'])}"
                    if not mine.empty else "")
        text = (f"In the Crime Survey for England and Wales, {edition}, "
                f"{fmt_number(r['percent'])}% of adults in {force} had experienced or witnessed "
                f"anti-social behaviour ({fmt_int(r['base'])} adults interviewed{interval}), "
                "against "
                f"{fmt_number(ew['percent'])}% in England and Wales: {verdict} it, by ONS's "
                f"test.{change}")
    n, k = len(ours), int(ours["agree"].sum())
    if simple is not None:
        extra = int(simple["different"].sum()) - int(simple["ons_different"].sum())
        text += (f" As a check of ONS's test, our own test of each force against the rest of "
                 f"England and Wales, as a simple random sample, agrees with ONS's flag for "
                 f"{int(simple['agree'].sum())} of {n} forces"
                 + (f" and flags {extra} more than ONS does, as expected when the survey's "
                    "clustering and weighting are ignored" if extra > 0 else ""))
        text += (f"; widening its standard error by a design factor of "
                 f"{fmt_number(ours.attrs['design_factor'])}"
                 f"{' (' + source + ')' if source else ''} gives {k} of {n}")
    else:
        text += (f" Our own test, with a design factor of "
                 f"{fmt_number(ours.attrs['design_factor'])}, agrees with ONS's flag for {k} "
                 f"of {n} forces")
    return text + "."


def no_edition_note(editions: list, period_end: str, what: str = "ONS police force area tables"
                    ) -> str:
    """Said when no edition of the ONS tables ends by the period's end."""
    end = pd.Timestamp(str(period_end))
    first = editions[0].label if editions else "none"
    return (f"Not available for this period: the bundled {what} begin with the {first}, "
            f"after the period ending {end:%B %Y}; no figure from a later year is shown in "
            "its place.")


def _place(ranked: pd.DataFrame, peers: str) -> str:
    r = ranked.loc[ranked["is_force"]].iloc[0]
    word = "highest" if ranked.attrs["highest_first"] else "lowest"
    return (f"the {ordinal(int(r['rank']))} {word} of {ranked.attrs['forces']} forces and "
            f"{ordinal(int(r['peer_rank']))} {word} of {peers}")


def charge_rate_sentence_ho(charges: pd.DataFrame, ranked: pd.DataFrame, force: str,
                            peers: str, period_start: str) -> str:
    """The Home Office charge/summons rate for the latest year bundled, saying when that year
    ends before the period starts."""
    f = charges.loc[charges["force"] == force].iloc[0]
    ew = charges.loc[charges["force"] == "England and Wales"].iloc[0]
    year = str(f["financial_year"])
    start = pd.Timestamp(str(period_start))
    before = int(year[:4]) + 1 < start.year or (int(year[:4]) + 1 == start.year
                                                and start.month > 3)
    when = (f"In {year}, the latest year of Home Office outcomes data in the pack (it ends "
            f"before the period starts)" if before else f"In {year}")
    return (f"{when}, {fmt_pct(f['rate'])} of the crimes {force} recorded were charged or "
            f"summonsed ({fmt_int(f['charged'])} of {fmt_int(f['offences'])}), against "
            f"{fmt_pct(ew['rate'])} for England and Wales: {_place(ranked, peers)}.")


def officers_sentence(per_1000: pd.DataFrame, ranked: pd.DataFrame, force: str, peers: str
                      ) -> str:
    """Officers per 1,000 residents at 31 March of the year, against England and Wales."""
    f = per_1000.loc[per_1000["force"] == force].iloc[0]
    ew = per_1000.loc[per_1000["force"] == "England and Wales"].iloc[0]
    return (f"At 31 March {int(f['year'])}, {force} had {fmt_number(f['officers'])} police "
            f"officers (full-time equivalent), {fmt_number(f['per_1000'], 2)} per 1,000 "
            f"residents against {fmt_number(ew['per_1000'], 2)} for England and Wales: "
            f"{_place(ranked, peers)}.")


def other_force_note(force_name: str, files_force: str, folder: str) -> str:
    """Said when the bundled police.uk files are another force's: they are not shown."""
    return (f"Street-level police.uk records for {force_name} are not in the data folder "
            f"({folder} holds {files_force}'s), so that part of the chapter is not available "
            f"for {force_name}; import them with 'evaluation import policeuk' and set "
            "policeuk_folder.")


def sources_text(files_force: str, folder: str, own: bool) -> str:
    """The sources of the chapter for its opening note."""
    street = (f"data.police.uk street and outcomes files for {files_force} ({folder}); "
              if own else "")
    return (f"ONS police force area tables and Home Office outcomes and workforce statistics; "
            f"{street}ONS Crime Survey for England and Wales perceptions tables")
