"""Crime and confidence: REAL public data as context for the engagement evaluation.

Police.uk street-level records (monthly recorded crime and anti-social behaviour), police.uk
outcomes (outcome mix, charge/summons rate) and the Crime Survey for England and Wales
(confidence in the local police: national series and regions with standard errors).

Recorded crime and confidence are influenced by far more than the Commissioner's engagement,
so everything here is context, never an outcome of the OPCC's work. Functions that read files
are the ``load_*`` and ``*_path`` helpers; all others are pure computations on frames.
"""

from __future__ import annotations

import json
import logging
import math
import warnings
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator
from scipy import stats

from evaluation.errors import EvaluationError
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult, xmr
from evaluation.report.charts import (
    OKABE_ITO,
    PALETTE,
    Chart,
    apply_house_style,
    finish_axes,
    percent,
)
from evaluation.report.formatting import fmt_int, fmt_number, fmt_pct

log = logging.getLogger(__name__)

OGL_ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
POLICEUK_FOLDER = "policeuk-cambs-2024"
CSEW_REGIONAL_FILE = "csew-perceptions-cjs-2018q4/perceptions-cjs-ew-2018q4-tidy.csv.gz"
CSEW_NATIONAL_FILE = "csew-perceptions-national-series/perceptions.json"
FORCE_COUNTS_FILE = (
    "policeuk-forces-monthly-counts-2018-10-to-2019-02/street-crime-counts-by-force-month-type.csv"
)
POPULATION_FILE = "census2011-population-by-pfa/force-demographics.csv"

ASB = "Anti-social behaviour"
CHARGED = "Suspect charged"
CONFIDENCE_MEASURE = "patt7"  # CSEW: overall confidence in the local police
NATIONAL_LABEL = "England and Wales"

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

MONTHLY_LABELS: dict[str, str] = {
    "month": "Month",
    "crimes": "Crimes recorded",
    "asb": "Anti-social behaviour incidents",
    "all_records": "All records",
}
#: columns of the monthly table that count cases (for disclosure control) and their formats.
MONTHLY_COUNTS: tuple[str, ...] = tuple(list(MONTHLY_LABELS.values())[1:])
MONTHLY_FORMATS = dict.fromkeys(MONTHLY_COUNTS, fmt_int)
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
    "standard_error": "Standard error (points)",
    "lower": "95% CI lower (%)",
    "upper": "95% CI upper (%)",
    "respondents": "Respondents",
    "difference": "Difference from England and Wales (points)",
    "p_value": "p-value",
    "significant": "Significant at 5%",
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


# ----------------------------------------------------------------------------- paths & loads
def policeuk_path(real_dir: str | Path, kind: str, folder: str = POLICEUK_FOLDER) -> Path:
    """The folder of police.uk ``kind`` files ('street' or 'outcomes') under ``real_dir``."""
    path = Path(real_dir) / folder / kind
    if not path.is_dir():
        raise EvaluationError(
            f"no police.uk {kind} folder at {path}: real_dir must point at the repository's "
            "data/real folder"
        )
    return path


def load_csew_national(path: str | Path, series: str = "confidence") -> pd.DataFrame:
    """The CSEW national series (perceptions.json) as year_ending (int) and value (0–1).

    Years with no survey (2021, 2022: face-to-face fieldwork suspended) are simply absent.
    """
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"CSEW national series not found at {p}")
    data = json.loads(p.read_text(encoding="utf-8"))
    if series not in data:
        raise EvaluationError(f"CSEW national series '{series}' not in {p.name}")
    values = data[series]["values"]
    out = pd.DataFrame({"year_ending": [int(y) for y in values],
                        "confidence": [float(v) / 100 for v in values.values()]})
    return out.sort_values("year_ending", ignore_index=True)


def load_csew_regional(path: str | Path, measure: str = CONFIDENCE_MEASURE) -> pd.DataFrame:
    """The ONS CSEW perceptions open data, rows of ``measure`` for all adults aged 16+ by
    region (``gor``) plus the England and Wales total. Estimates and SEs are proportions."""
    p = Path(path)
    if not p.is_file():
        raise EvaluationError(f"CSEW perceptions open data not found at {p}")
    raw = pd.read_csv(p)
    return csew_regions(raw, measure)


def load_force_counts(path: str | Path) -> pd.DataFrame:
    """The derived police.uk counts by force × month × crime type (all columns as read)."""
    return pd.read_csv(Path(path))


def load_population(path: str | Path) -> pd.DataFrame:
    """Census 2011 usual residents by police force area: columns force, population."""
    raw = pd.read_csv(Path(path))
    total = next(c for c in raw.columns if "All categories" in c)
    return pd.DataFrame({"force": raw["PFA16NM"].astype(str),
                         "population": raw[total].astype(int)})


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


def _fmt_value(value: float, y_format: str) -> str:
    return fmt_pct(value) if y_format == "percent" else fmt_int(value)


def xmr_sentence(result: XmRResult, measure: str, y_format: str = "thousands") -> str:
    """Plain-English reading of an XmR chart of a monthly series."""
    pts = result.points
    n = len(pts)
    first, last = month_name(pts.index[0]), month_name(pts.index[-1])
    mean = _fmt_value(pts["mean"].iloc[-1], y_format)
    lo, hi = _fmt_value(pts["lpl"].iloc[-1], y_format), _fmt_value(pts["upl"].iloc[-1], y_format)
    per = "" if y_format == "percent" else " a month"
    text = (f"From {first} to {last} ({n} months) the {measure} averaged {mean}{per}; "
            f"a month between {lo} and {hi} is within the expected range of common-cause "
            "variation.")
    special = pts.loc[pts["special_cause"].notna()]
    if special.empty:
        text += (" Every month fell within that range and no run or trend rule fired: there "
                 "is no evidence of a real change in the level during the period.")
    else:
        parts = []
        for cause in dict.fromkeys(special["special_cause"]):
            months = special.index[special["special_cause"] == cause]
            sides = {"above" if v > m else "below"
                     for v, m in zip(special.loc[months, "value"], special.loc[months, "mean"],
                                     strict=True)}
            where = " and ".join(sorted(sides))
            parts.append(f"{cause} ({', '.join(month_name(m) for m in months)}; "
                         f"{where} the mean)")
        text += (" Special-cause variation: " + "; ".join(parts)
                 + ". These months differ from the rest by more than chance would explain "
                 "and are worth explaining (for example seasonal demand or a recording "
                 "change).")
    if result.trial_limits:
        text += (f" With only {n} points the limits are trial limits and will settle as "
                 "more months are added.")
    return text


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


def force_label(street: pd.DataFrame) -> str:
    """The force named in the files (the commonest 'Falls within')."""
    names = street["Falls within"].dropna()
    return str(names.mode().iloc[0]) if not names.empty else "The force"


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


def _region_and_nation(table: pd.DataFrame, region: str) -> tuple[pd.Series, pd.Series] | None:
    """The region's and England and Wales's rows of :func:`confidence_by_region`, or None
    when either is missing."""
    row = table.loc[table["area"] == region]
    nat = table.loc[table["area"] == NATIONAL_LABEL]
    if row.empty or nat.empty:
        return None
    return row.iloc[0], nat.iloc[0]


def confidence_finding(table: pd.DataFrame, region: str, period: str) -> str:
    """Headline: the region's confidence in the local police against England and Wales."""
    rows = _region_and_nation(table, region)
    if rows is None:
        return f"The Crime Survey table has no figure for {region}."
    r, n = rows
    verdict = ("significantly different from" if r["significant"] == "yes"
               else "not significantly different from")
    return (
        f"In the {period}, {fmt_pct(r['confidence'])} of adults in the {region} had "
        f"confidence in their local police, {verdict} England and Wales "
        f"({fmt_pct(n['confidence'])}; Crime Survey, REAL data; no force-level figure exists)."
    )


# ----------------------------------------------------------------------------- peers
def _force_key(name: str) -> str:
    key = name.lower().replace("&", "and")
    for word in ("constabulary", "police service of", "police", "service"):
        key = key.replace(word, "")
    return " ".join(key.split())


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


# ----------------------------------------------------------------------------- CSEW
def csew_regions(raw: pd.DataFrame, measure: str = CONFIDENCE_MEASURE) -> pd.DataFrame:
    """Rows of ``measure`` for all adults 16+: each region (``gor``) and England and Wales.

    Returns area, confidence, standard_error (both 0–1) and respondents (unweighted base).
    """
    rows = raw.loc[(raw["measurement_var"] == measure) & (raw["sex"] == "All adults")
                   & (raw["age"] == "16+")
                   & raw["characteristic_var"].isin(["gor", "Total"])]
    if rows.empty:
        raise EvaluationError(f"no CSEW rows for measure '{measure}' (all adults, 16+)")
    area = np.where(rows["characteristic_var"] == "Total", NATIONAL_LABEL, rows["characteristic"])
    out = pd.DataFrame({"area": area.astype(str),
                        "confidence": rows["estimate"].astype(float).to_numpy(),
                        "standard_error": rows["standard_error"].astype(float).to_numpy(),
                        "respondents": rows["unweighted_count"].astype(int).to_numpy()})
    return out.reset_index(drop=True)


def confidence_by_region(regions: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Each area's estimate with its interval (estimate ± z × SE) and a z-test of the
    difference from England and Wales using both published standard errors.

    ``standard_error`` and ``difference`` are returned in percentage points, the estimate
    and its interval as proportions (0–1). The test treats the two estimates as
    independent; a region is part of England and Wales, so it is slightly conservative.
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
    out["significant"] = [("–" if n else ("yes" if p < 1 - confidence else "no"))
                          for n, p in zip(is_nat, out["p_value"], strict=True)]
    order = out.loc[~is_nat].sort_values("confidence", ascending=False)
    out = pd.concat([out.loc[is_nat], order], ignore_index=True)
    return out[["area", "confidence", "standard_error", "lower", "upper", "respondents",
                "difference", "p_value", "significant"]]


def confidence_sentence(table: pd.DataFrame, region: str, period: str) -> str:
    """The region's confidence against England and Wales, with significance."""
    rows = _region_and_nation(table, region)
    if rows is None:
        return f"The Crime Survey table has no figure for {region}."
    r, n = rows
    verdict = ("statistically significant" if r["significant"] == "yes"
               else "not statistically significant")
    return (
        f"In the {period}, {fmt_pct(r['confidence'])} of adults in the {region} "
        f"(95% confidence interval {fmt_pct(r['lower'])} to {fmt_pct(r['upper'])}; "
        f"{fmt_int(r['respondents'])} respondents) had confidence in their local police, "
        f"against {fmt_pct(n['confidence'])} in England and Wales: "
        f"{_points_phrase(r['difference'] / 100)}, a difference that is {verdict} "
        f"(p = {r['p_value']:.2f}). The Crime Survey publishes no figure for a single police "
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
        alt += (f" A single marker shows the {region}, {regional_period}: "
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
        f"this pack ({span}); the police.uk charts show those months as the most recent "
        "real context available."
    )


def fmt_p(p: float | None) -> str:
    """A p-value as 0.03 (or '<0.001'); missing → '–'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "–"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def rename(table: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Columns renamed to their plain-English headings."""
    return table.rename(columns=dict(labels))
