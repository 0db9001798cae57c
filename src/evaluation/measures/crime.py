"""Crime and confidence: REAL public data as context for the engagement evaluation.

Police.uk street-level records (monthly recorded crime and anti-social behaviour), police.uk
outcomes (outcome mix, charge/summons rate) and the Crime Survey for England and Wales
(confidence in the local police: national series and regions with standard errors).

Recorded crime and confidence are influenced by far more than the Commissioner's engagement,
so everything here is context, never an outcome of the OPCC's work. Functions that read files
are the ``load_*`` and ``*_path`` helpers; all others are pure computations on frames.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from evaluation.data.ons_pfa import force_key as _force_key
from evaluation.data.public_data import NATIONAL_LABEL
from evaluation.errors import EvaluationError
from evaluation.methods.comparisons import evidence, holm
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult, xmr

log = logging.getLogger(__name__)


ASB = "Anti-social behaviour"
CHARGED = "Suspect charged"

#: police.uk outcome type -> outcome group shown to the Board (Home Office outcome framework).
OUTCOME_GROUPS: dict[str, str] = {
    "Suspect charged": "Charged or summonsed",
    "Suspect charged as part of another case": "Taken into consideration in another case",
    "Offender given a caution": "Out-of-court disposal",
    "Offender given a drugs possession warning": "Out-of-court disposal",
    "Offender given penalty notice": "Out-of-court disposal",
    "Local resolution": "Out-of-court disposal",
    "Unable to prosecute suspect": "Suspect identified, unable to prosecute",
    "Investigation complete; no suspect identified": "No suspect identified",
    "Formal action is not in the public interest": "Not in the public interest",
    "Further action is not in the public interest": "Not in the public interest",
    "Further investigation is not in the public interest": "Not in the public interest",
    "Action to be taken by another organisation": "Action by another organisation",
}
OUTCOME_GROUP_ORDER: tuple[str, ...] = (
    "Charged or summonsed",
    "Taken into consideration in another case",
    "Out-of-court disposal",
    "Suspect identified, unable to prosecute",
    "No suspect identified",
    "Not in the public interest",
    "Action by another organisation",
    "Other (court results, status updates)",
)
OTHER_GROUP = OUTCOME_GROUP_ORDER[-1]

CHARGE_LABELS: dict[str, str] = {
    "month": "Month",
    "crimes": "Crimes recorded",
    "charged": "Charge/summons outcomes",
    "charge_rate": "Charge/summons rate (%)",
}
OUTCOME_LABELS: dict[str, str] = {
    "outcome_group": "Outcome group",
    "records": "Outcome records",
    "share": "Share of outcomes (%)",
}
CONFIDENCE_LABELS: dict[str, str] = {
    "area": "Area",
    "confidence": "Confident in local police (%)",
    "standard_error": "Standard error (pp)",
    "lower": "95% CI lower (%)",
    "upper": "95% CI upper (%)",
    "respondents": "Respondents",
    "difference": "Difference from England and Wales (pp)",
    "p_value": "p-value",
    "p_value_holm": "p-value (Holm-adjusted over the regions)",
    "significant": "Evidence of a difference (Holm)",
}
NATIONAL_LABELS: dict[str, str] = {
    "year_ending": "Survey year ending March",
    "confidence": "Confident in local police (%)",
}
PEER_LABELS: dict[str, str] = {
    "force": "Force",
    "records": "Records (crime and ASB)",
    "population": "Population (Census 2011)",
    "per_1000": "Records per 1,000 residents",
}


# ----------------------------------------------------------------------------- police.uk
def monthly_counts(street: pd.DataFrame) -> pd.DataFrame:
    """Crimes (all police.uk categories except anti-social behaviour) and anti-social
    behaviour incidents per month, from street records. Raises if a month is missing."""
    months = pd.PeriodIndex(pd.to_datetime(street["Month"]), freq="M")
    is_asb = (street["Crime type"] == ASB).to_numpy()
    frame = pd.DataFrame({"month": months, "asb": is_asb.astype(int),
                          "crimes": (~is_asb).astype(int)})
    out = frame.groupby("month", sort=True)[["crimes", "asb"]].sum()
    full = pd.period_range(out.index.min(), out.index.max(), freq="M")
    missing = full.difference(out.index)
    if len(missing):
        raise EvaluationError(
            "police.uk street files are missing for "
            + ", ".join(month_name(m) for m in missing)
            + "; an XmR chart needs an unbroken monthly series"
        )
    out["all_records"] = out["crimes"] + out["asb"]
    out = out.reset_index()
    out["month"] = out["month"].dt.to_timestamp()
    return out[["month", "crimes", "asb", "all_records"]]


def with_total(table: pd.DataFrame, label_column: str = "month",
               rate: tuple[str, str, str] | None = None) -> pd.DataFrame:
    """``table`` with a 'Total' row summing the numeric columns; ``rate`` = (rate column,
    numerator, denominator) is recomputed from the totals rather than summed."""
    body = table.copy()
    body[label_column] = [x.strftime("%Y-%m") if isinstance(x, pd.Timestamp) else str(x)
                          for x in body[label_column]]
    total: dict[str, object] = {label_column: "Total"}
    for col in body.columns:
        if col != label_column and pd.api.types.is_numeric_dtype(body[col]):
            total[col] = body[col].sum()
    if rate is not None:
        col, num, den = rate
        total[col] = total[num] / total[den] if total[den] else float("nan")
    return pd.concat([body, pd.DataFrame([total])], ignore_index=True)


def outcome_mix(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Outcome records by outcome group (:data:`OUTCOME_GROUPS`), with shares (0–1) and a
    total row. Types not in the map (court results, 'Under investigation' …) are 'Other'."""
    groups = outcomes["Outcome type"].map(OUTCOME_GROUPS).fillna(OTHER_GROUP)
    unmapped = sorted(set(outcomes.loc[groups == OTHER_GROUP, "Outcome type"].dropna()))
    if unmapped:
        log.info("outcome types counted as other: %s", ", ".join(unmapped))
    counts = groups.value_counts().reindex(list(OUTCOME_GROUP_ORDER), fill_value=0)
    counts = counts[(counts > 0) | (counts.index != OTHER_GROUP)]
    total = int(counts.sum())
    out = pd.DataFrame({"outcome_group": list(counts.index),
                        "records": counts.to_numpy(dtype=int)})
    out["share"] = out["records"] / total if total else float("nan")
    return pd.concat([out, pd.DataFrame([{"outcome_group": "Total", "records": total,
                                          "share": 1.0 if total else float("nan")}])],
                     ignore_index=True)


def charge_rate_by_month(outcomes: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """Charge/summons rate per month, Home Office convention: 'Suspect charged' outcomes
    recorded in the month divided by crimes recorded in the same month (they are not the
    same crimes: an outcome can follow months after the crime). ``counts`` is
    :func:`monthly_counts`; months without crimes recorded are dropped."""
    months = pd.to_datetime(outcomes["Month"]).dt.to_period("M").dt.to_timestamp()
    charged = (outcomes["Outcome type"] == CHARGED).groupby(months).sum()
    out = counts[["month", "crimes"]].copy()
    out["charged"] = out["month"].map(charged).fillna(0).astype(int)
    out["charge_rate"] = out["charged"] / out["crimes"]
    return out.loc[out["crimes"] > 0].reset_index(drop=True)


def series_xmr(table: pd.DataFrame, column: str, improvement: str = "neutral") -> XmRResult:
    """XmR chart of a monthly column (index = month). Trial-limit warnings are kept in the
    result (``result.trial_limits``) rather than shown."""
    values = table.set_index("month")[column].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return xmr(values, improvement=improvement)  # type: ignore[arg-type]


def xmr_table(result: XmRResult) -> pd.DataFrame:
    """The data behind an XmR chart: month, value, mean, limits, special cause, variation."""
    pts = result.points
    return pd.DataFrame({
        "month": [m.strftime("%Y-%m") for m in pts.index],
        "value": pts["value"].to_numpy(),
        "mean": pts["mean"].to_numpy(),
        "lower_limit": pts["lpl"].to_numpy(),
        "upper_limit": pts["upl"].to_numpy(),
        "special_cause": [c if c is not None else "" for c in pts["special_cause"]],
        "variation": pts["variation"].to_list(),
    })


def force_label(street: pd.DataFrame) -> str:
    """The force named in the files (the commonest 'Falls within')."""
    names = street["Falls within"].dropna()
    return str(names.mode().iloc[0]) if not names.empty else "The force"


def _region_and_nation(table: pd.DataFrame, region: str) -> tuple[pd.Series, pd.Series] | None:
    """The region's and England and Wales's rows of :func:`confidence_by_region`, or None
    when either is missing."""
    row = table.loc[table["area"] == region]
    nat = table.loc[table["area"] == NATIONAL_LABEL]
    if row.empty or nat.empty:
        return None
    return row.iloc[0], nat.iloc[0]


# ----------------------------------------------------------------------------- peers
def peer_rates(force_counts: pd.DataFrame, population: pd.DataFrame,
               peers: list[str] | None = None) -> pd.DataFrame:
    """Records (crime and ASB) per 1,000 residents by force over the months every listed
    force has data for. Forces without a population (BTP, Northern Ireland) are dropped;
    ``peers`` (name fragments) keeps only those forces."""
    counts = force_counts.copy()
    counts["key"] = counts["falls_within"].astype(str).map(_force_key)
    pop = population.assign(key=population["force"].map(_force_key))
    per_month = counts.groupby(["key", "month"])["count"].sum().unstack("month")
    if peers is not None:
        wanted = [_force_key(p) for p in peers]
        per_month = per_month.loc[[k for k in per_month.index if k in wanted]]
    complete = per_month.dropna(axis=1, how="any")
    if complete.shape[1] == 0:
        raise EvaluationError("no month has data for every force compared")
    totals = complete.sum(axis=1).astype(int).rename("records").reset_index()
    out = totals.merge(pop[["key", "force", "population"]], on="key", how="inner")
    out["per_1000"] = 1000 * out["records"] / out["population"]
    out = out.sort_values("per_1000", ascending=False, ignore_index=True)
    out.attrs["months"] = [str(m) for m in complete.columns]
    return out[["force", "records", "population", "per_1000"]]


def survey_years_to(national: pd.DataFrame, period_end: str, paper_date: str = ""
                    ) -> pd.DataFrame:
    """The Crime Survey's national series (``year_ending``: the March that ends each survey
    year) up to the survey year that ends by the period's end and, with ``paper_date``, was
    published by then (ONS publishes a year about
    :data:`evaluation.data.ons_pfa.PUBLICATION_LAG_MONTHS` months after it ends): a paper
    never quotes a year it could not have had.

    >>> years = pd.DataFrame({"year_ending": [2018, 2019, 2026], "confidence": [.7, .7, .6]})
    >>> survey_years_to(years, "2019-03-31")["year_ending"].tolist()
    [2018, 2019]
    >>> survey_years_to(years, "2019-03-31", "2019-04-30")["year_ending"].tolist()
    [2018]
    """
    from evaluation.data.ons_pfa import PUBLICATION_LAG_MONTHS

    end = pd.Timestamp(period_end)
    last = end.year if end.month >= 3 else end.year - 1
    if paper_date:
        published = pd.Timestamp(paper_date) - pd.DateOffset(months=PUBLICATION_LAG_MONTHS)
        last = min(last, published.year if published.month >= 3 else published.year - 1)
    return national.loc[national["year_ending"] <= last].reset_index(drop=True)


def confidence_by_region(regions: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Each area's estimate with its interval (estimate ± z × SE) and a z-test of the
    difference from England and Wales using both published standard errors.

    ``standard_error`` and ``difference`` are returned in percentage points, the estimate
    and its interval as proportions (0–1). The test treats the two estimates as
    independent; a region is part of England and Wales, so it is slightly conservative.
    Every region is tested, so the p-values are Holm-adjusted over the regions
    (``p_value_holm``), and ``significant`` is decided on the adjusted value by the evidence
    bands: "yes" (p < 0.01), "weak evidence" (0.01 to 0.1) or "no".
    """
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    nat = regions.loc[regions["area"] == NATIONAL_LABEL]
    if nat.empty:
        raise EvaluationError("CSEW rows have no England and Wales total")
    p0, se0 = float(nat["confidence"].iloc[0]), float(nat["standard_error"].iloc[0])
    out = regions.copy()
    out["lower"] = out["confidence"] - z * out["standard_error"]
    out["upper"] = out["confidence"] + z * out["standard_error"]
    out["standard_error"] = 100 * out["standard_error"]
    diff = out["confidence"] - p0
    se = np.sqrt(regions["standard_error"] ** 2 + se0 ** 2)
    zstat = diff / se
    out["difference"] = 100 * diff
    out["p_value"] = 2 * stats.norm.sf(np.abs(zstat))
    is_nat = out["area"] == NATIONAL_LABEL
    out.loc[is_nat, ["difference", "p_value"]] = np.nan
    out["p_value_holm"] = holm(out["p_value"].to_numpy(dtype=float))
    words = {"strong": "yes", "weak": "weak evidence", "none": "no"}
    out["significant"] = [("–" if n else words[evidence(float(p))])
                          for n, p in zip(is_nat, out["p_value_holm"], strict=True)]
    order = out.loc[~is_nat].sort_values("confidence", ascending=False)
    out = pd.concat([out.loc[is_nat], order], ignore_index=True)
    out.attrs["regions_tested"] = int((~is_nat).sum())
    return out[["area", "confidence", "standard_error", "lower", "upper", "respondents",
                "difference", "p_value", "p_value_holm", "significant"]]


def rename(table: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Columns renamed to their plain-English headings."""
    return table.rename(columns=dict(labels))


# ------------------------------------------------------------- ONS police force area tables
def force_names(rates: pd.DataFrame) -> list[str]:
    """The territorial police force areas of a table of :mod:`evaluation.data.ons_pfa`."""
    column = "area" if "area" in rates.columns else "name"
    return list(rates.loc[rates["level"] == "force", column])


def check_force(rates: pd.DataFrame, force: str) -> str:
    """``force`` as this table names it (case, "&" and "Police" forgiven, and the edition's
    own spelling, e.g. "City of London"), or an error with a suggestion."""
    from evaluation.data.ons_pfa import territorial_force

    try:
        wanted = territorial_force(force)
    except ValueError as exc:
        raise EvaluationError(f"force_name {exc}") from None
    for name in force_names(rates):
        if territorial_force(name) == wanted:
            return name
    raise EvaluationError(f"{wanted} has no row in this edition of the ONS tables")


def recorded_crime_rates(now: pd.DataFrame, before: pd.DataFrame | None = None
                         ) -> pd.DataFrame:
    """Police recorded crime (excluding fraud) per 1,000 residents for each force and England
    and Wales (Tables P1 and P3), with the year before where its edition is given.

    Columns: area, code, level, region, offences, population, rate_per_1000, edition,
    offences_before, rate_before, change_pct (of the rate), edition_before. The rate before
    is ONS's own, on that edition's population estimate."""
    keep = now.loc[now["level"].isin(["force", "country"])].copy()
    keep = keep.rename(columns={"name": "area"})
    keep.loc[keep["level"] == "country", "area"] = NATIONAL_LABEL
    cols = ["area", "code", "level", "region", "offences", "population", "rate_per_1000",
            "edition"]
    out = keep[cols].reset_index(drop=True)
    if before is None:
        out[["offences_before", "rate_before", "change_pct"]] = np.nan
        out["edition_before"] = ""
        return out
    prior = before.set_index("code")
    out["offences_before"] = out["code"].map(prior["offences"])
    out["rate_before"] = out["code"].map(prior["rate_per_1000"])
    out["change_pct"] = 100 * (out["rate_per_1000"] / out["rate_before"] - 1)
    out["edition_before"] = str(before["edition"].iloc[0])
    return out


def force_ranks(rates: pd.DataFrame, force: str, peers: list[str] | None = None
                ) -> pd.DataFrame:
    """Every force ranked by its rate per 1,000 (1 = lowest, the fewest crimes per
    resident), with its rank in the peer group: ``peers`` as the user names them (the force's
    most similar group), or by default the forces of the force's region (Wales for a Welsh
    force). A force whose rate ONS suppresses (City of London, "+") is listed unranked.
    Columns: area, region, offences, population, rate_per_1000, rank, in_peers,
    peer_rank, is_force; ``attrs["peers"]`` says which group was used."""
    force = check_force(rates, force)
    forces = rates.loc[rates["level"] == "force"].copy()
    if peers:
        wanted = [check_force(rates, p) for p in peers]
        if force not in wanted:
            wanted.append(force)
        group = f"the {len(wanted)} forces named as its peer group"
    else:
        region = str(forces.loc[forces["area"] == force, "region"].iloc[0])
        wanted = list(forces.loc[forces["region"] == region, "area"])
        group = f"the {len(wanted)} forces of the {region} region"
    forces = forces.sort_values("rate_per_1000", ignore_index=True)  # no rate (City) last
    forces["rank"] = forces["rate_per_1000"].rank(method="min").astype("Int64")
    forces["in_peers"] = forces["area"].isin(wanted)
    forces["peer_rank"] = forces["rate_per_1000"].where(forces["in_peers"]).rank(
        method="min").astype("Int64")
    forces["is_force"] = forces["area"] == force
    out = forces[["area", "region", "offences", "population", "rate_per_1000", "rank",
                  "in_peers", "peer_rank", "is_force"]]
    ranked = int(forces["rank"].notna().sum())
    out.attrs.update(peers=group, force=force, forces=ranked, peer_count=len(wanted),
                     unranked=list(forces.loc[forces["rank"].isna(), "area"]))
    return out


def crime_rate_funnel(rates: pd.DataFrame, levels: tuple[float, float] = (0.95, 0.998)
                      ) -> pd.DataFrame:
    """Each force's recorded crime per resident against England and Wales's, on funnel
    limits by population (Spiegelhalter 2005), tested for overdispersion and, where it is
    present (forces differ far more than chance), on random-effects limits. Columns: area,
    offences, population, rate_per_1000, z, band; ``attrs`` as
    :func:`evaluation.measures.victim_satisfaction.funnel_table`."""
    from evaluation.methods.proportions import funnel_assess, overdispersion_test

    forces = rates.loc[(rates["level"] == "force")
                       & rates["rate_per_1000"].notna()].reset_index(drop=True)
    national = rates.loc[rates["level"] == "country"].iloc[0]
    target = float(national["offences"]) / float(national["population"])
    test = overdispersion_test(forces["offences"], forces["population"], target)
    method = "additive" if test.present else None
    assessed = funnel_assess(forces["offences"], forces["population"], target, levels=levels,
                             overdispersion_method=method)
    out = forces[["area", "offences", "population", "rate_per_1000"]].copy()
    out["z"] = assessed["z"].to_numpy()
    out["band"] = assessed["band"].to_numpy()
    out.attrs.update({"target": target, "levels": tuple(levels),
                      "edition": str(national["edition"]),
                      "overdispersion": {"method": method, "phi": test.phi, "tau2": test.tau2,
                                         "p_value": test.p_value, "present": test.present}})
    return out


def asb_significance(asb: pd.DataFrame, design_factor: float = 1.0,
                     alpha: float = 0.05) -> pd.DataFrame:
    """The package's own test of each force's Crime Survey anti-social behaviour measure
    against the rest of England and Wales, set beside ONS's published flag.

    Two-proportion z-test of the force against England and Wales less the force (the rest's
    share from the published percentages and unweighted bases), its standard error multiplied
    by ``design_factor`` (the survey's clustering and weighting widen intervals; 1.0 is a
    simple random sample). ``lower`` and ``upper`` are the force's 95% interval with the same
    design factor (ONS publishes none). Columns: area, percent, lower, upper, base,
    rest_percent, z, p_value, different (ours), ons_different (ONS's ``*``), agree."""
    if design_factor <= 0:
        raise ValueError(f"design_factor must be positive, got {design_factor!r}")
    national = asb.loc[asb["level"] == "country"].iloc[0]
    forces = asb.loc[asb["level"] == "force"].reset_index(drop=True)
    n_all, p_all = float(national["base"]), float(national["percent"]) / 100
    n = forces["base"].astype(float)
    p = forces["percent"].astype(float) / 100
    rest_n = n_all - n
    rest_p = (p_all * n_all - p * n) / rest_n
    pooled = (p * n + rest_p * rest_n) / n_all
    se = np.sqrt(pooled * (1 - pooled) * (1 / n + 1 / rest_n)) * design_factor
    z = (p - rest_p) / se
    p_value = 2 * stats.norm.sf(np.abs(z))
    half = stats.norm.ppf(0.975) * np.sqrt(p * (1 - p) / n) * design_factor
    out = pd.DataFrame({"area": forces["name"], "percent": forces["percent"],
                        "lower": 100 * (p - half), "upper": 100 * (p + half),
                        "base": forces["base"], "rest_percent": 100 * rest_p, "z": z,
                        "p_value": p_value, "different": p_value < alpha,
                        "ons_different": forces["different_from_ew"].astype(bool)})
    out["agree"] = out["different"] == out["ons_different"]
    out.attrs.update(design_factor=design_factor, alpha=alpha,
                     edition=str(national["edition"]))
    return out


def crime_rate_summary(rates: pd.DataFrame, ranks: pd.DataFrame) -> pd.DataFrame:
    """The force and England and Wales in one table: crimes, rate, the year before, change,
    and the force's ranks (all forces with a rate, and its peers) with how many are ranked:
    every figure the chapter's finding quotes."""
    force = ranks.attrs["force"]
    rows = rates.loc[(rates["area"] == force) | (rates["level"] == "country")].copy()
    r = ranks.loc[ranks["is_force"]].iloc[0]
    rows["rank"] = [int(r["rank"]) if a == force else pd.NA for a in rows["area"]]
    rows["forces_ranked"] = ranks.attrs["forces"]
    rows["peer_rank"] = [int(r["peer_rank"]) if a == force else pd.NA for a in rows["area"]]
    rows["peers"] = ranks.attrs["peer_count"]
    cols = ["area", "edition", "offences", "population", "rate_per_1000", "edition_before",
            "rate_before", "change_pct", "rank", "forces_ranked", "peer_rank", "peers"]
    return rows[cols].reset_index(drop=True)


def rank_within(values: pd.DataFrame, column: str, force: str, peers: list[str],
                highest_first: bool = True) -> pd.DataFrame:
    """Forces ranked by ``column`` (``values`` has ``force`` and the column; an "England and
    Wales" row is kept aside), with the rank among all forces with a value and among
    ``peers`` (the peer group of :func:`force_ranks`). Columns: force, the column, rank,
    in_peers, peer_rank, is_force; ``attrs``: forces, peer_count, england_wales."""
    national = values.loc[values["force"] == NATIONAL_LABEL]
    forces = values.loc[(values["force"] != NATIONAL_LABEL) & values[column].notna()].copy()
    order = forces[column] * (-1 if highest_first else 1)
    forces["rank"] = order.rank(method="min").astype("Int64")
    forces["in_peers"] = forces["force"].isin(peers)
    forces["peer_rank"] = order.where(forces["in_peers"]).rank(method="min").astype("Int64")
    forces["is_force"] = forces["force"] == force
    out = forces.sort_values("rank", ignore_index=True)
    out.attrs.update(forces=len(forces), peer_count=int(forces["in_peers"].sum()),
                     england_wales=float(national[column].iloc[0]) if len(national) else
                     float("nan"), highest_first=highest_first)
    return out


def officers_per_1000(officers: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """Officers (FTE) per 1,000 residents, on the population of the ONS rates table (its
    mid-year estimate). Columns: force, officers, population, per_1000."""
    population = rates.set_index("area")["population"]
    out = officers.assign(population=officers["force"].map(population))
    out["per_1000"] = 1000 * out["officers"] / out["population"]
    return out[["force", "year", "officers", "population", "per_1000"]]


def policeuk_is_of(street: pd.DataFrame, force: str) -> bool:
    """Whether the police.uk street records are the force's own (their commonest "Falls
    within" is the force), so that another force's files are never shown as this one's."""
    from evaluation.data.ons_pfa import territorial_force

    if street.empty:
        return False
    found = str(street["Falls within"].dropna().mode().iloc[0])
    try:
        return territorial_force(found) == territorial_force(force)
    except ValueError:
        return False
