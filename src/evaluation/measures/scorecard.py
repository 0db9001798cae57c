"""The objectives scorecard: each objective's indicators, their latest value and SPC verdict.

``params/framework.yaml`` maps the Police and Crime Plan objectives (Victims, Offenders,
Communities, Transformation) and the communications objectives of the 2019 strategy to
indicators. Each indicator names a *source measure*: a function registered in
:data:`MEASURES` that reads its data through :mod:`evaluation.data.loaders` and returns a monthly
series computed by the domain module that owns the calculation (contact, callhandling,
satisfaction, hub, correspondence, engagement, communications, volunteers, crime).

For each indicator the scorecard takes the last ``months`` months up to the period end, draws
an XmR chart (:func:`evaluation.methods.spc.xmr`, with the indicator's direction of improvement and
target), and reports the latest value, the change against 12 months earlier, the Making Data
Count variation and assurance icons (glyph and words) and a one-line verdict written by rules.
Indicators marked as context (real data for a different period) are shown but not counted in
the overall verdict.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from evaluation.config.framework import Framework, Indicator, Objective, read_framework
from evaluation.config.params import _suggest
from evaluation.data import loaders, public_data
from evaluation.errors import EvaluationError
from evaluation.measures import (
    call_handling,
    communications,
    correspondence,
    crime,
    engagement,
    public_contact,
    victim_satisfaction,
    victims_hub,
    volunteers,
)
from evaluation.methods.periods import month_name
from evaluation.methods.spc import XmRResult, xmr

log = logging.getLogger(__name__)

SCORECARD_COLUMNS: tuple[str, ...] = (
    "objective", "indicator", "latest_period", "latest_value", "unit", "change", "variation",
    "assurance", "verdict",
)
"""Columns of the scorecard table every later module relies on (in this order)."""


def load_framework(path: str | Path) -> Framework:
    """Read and validate a framework YAML file (:func:`evaluation.config.framework.read_framework`)
    and check that every measure it names is registered in :data:`MEASURES`.

    Raises :class:`ParameterError` naming the file and the key.
    """
    return read_framework(path, measures=MEASURES)


# =========================================================================== source measures
@dataclass
class Sources:
    """Where the measures read their data, with each dataset loaded once.

    ``data_dir`` holds the datasets named ``<dataset>.csv`` (the sample layout); ``real_dir``
    the REAL public data (police.uk). ``period_end`` ends series that need an end (e.g. months
    with no correspondence are counted up to it).
    """

    data_dir: str | Path
    real_dir: str | Path | None = None
    period_end: str = "2019-03-31"
    correspondence_target_days: int = 20
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def load(self, dataset: str) -> pd.DataFrame:
        """The dataset through :func:`evaluation.data.loaders.load` (read once)."""
        if dataset not in self._cache:
            path = loaders.dataset_path(self.data_dir, dataset)
            self._cache[dataset] = loaders.load(dataset, path)
        return self._cache[dataset]

    def policeuk(self, kind: str) -> pd.DataFrame:
        """police.uk ``kind`` ('street' or 'outcomes') files under ``real_dir`` (read once)."""
        key = f"policeuk_{kind}"
        if key not in self._cache:
            if not self.real_dir:
                raise EvaluationError("real_dir is needed for police.uk measures")
            folder = public_data.policeuk_path(self.real_dir, kind)
            months = sorted(m.group(0) for f in Path(folder).glob("*.csv*")
                            if (m := re.match(r"\d{4}-\d{2}", f.name)))
            if months and months[0] > str(self.period_end)[:7]:
                # files named by month: a paper cannot use data from after its period, and
                # reading them (seconds for a year of a force) would be for nothing
                raise EvaluationError(f"the bundled police.uk {kind} files start in "
                                      f"{months[0]}, after the period")
            quiet = logging.getLogger(loaders.__name__)
            level = quiet.level
            quiet.setLevel(logging.ERROR)  # the crime section reports these files' warnings
            try:
                self._cache[key] = loaders.load_policeuk(folder, kind)
            finally:
                quiet.setLevel(level)
        return self._cache[key]


MeasureFunction = Callable[[Sources], pd.Series]
SeriesKind = Literal["monthly", "rolling", "cumulative"]
PeriodRule = Literal["pooled", "mean", "last"]
CountsFunction = Callable[[Sources], pd.DataFrame]


@dataclass(frozen=True)
class Measure:
    """A registered source measure: a monthly series computed by a domain module."""

    name: str
    description: str
    compute: MeasureFunction
    context: bool = False
    series: SeriesKind = "monthly"
    """``monthly``: each point is its own month (XmR applies); ``rolling``: each point is a
    12-month window, so neighbours share 11 months of data; ``cumulative``: a running total
    that accumulates from month to month. Only monthly series get XmR limits and icons;
    the others are drawn as lines (their points are not independent)."""
    period: PeriodRule = "mean"
    """How the months of a reporting period make the period's value: ``pooled`` (sum of the
    numerators over sum of the denominators, from the measure's registered counts),
    ``mean`` (the mean month) or ``last`` (the value at the end of the period: a stock, or
    a rolling 12-month rate whose last window is the period)."""


MEASURES: dict[str, Measure] = {}
"""Every source measure a framework may name."""


COUNTS: dict[str, CountsFunction] = {}
NOT_PROPORTIONS: set[str] = set()  # pooled ratios that are not binomial proportions
"""For rate measures: month, numerator and denominator, so a period's rate is pooled."""


def register(name: str, description: str, context: bool = False,
             series: SeriesKind = "monthly", period: PeriodRule | None = None
             ) -> Callable[[MeasureFunction], MeasureFunction]:
    """Register ``function`` as the source measure ``name`` (``series`` and ``period``: see
    :class:`Measure`; ``period`` defaults to ``last`` for rolling and cumulative series and
    ``mean`` otherwise, or ``pooled`` once counts are registered)."""
    rule: PeriodRule = period or ("last" if series != "monthly" else "mean")

    def wrap(function: MeasureFunction) -> MeasureFunction:
        MEASURES[name] = Measure(name, description, function, context, series, rule)
        return function
    return wrap


def register_counts(name: str, proportion: bool = True
                    ) -> Callable[[CountsFunction], CountsFunction]:
    """Register the monthly numerator and denominator of the rate measure ``name``; its
    period value becomes pooled. ``proportion=False`` for a ratio that is not successes out
    of trials (a net share can be negative): it gets no Wilson interval."""
    def wrap(function: CountsFunction) -> CountsFunction:
        COUNTS[name] = function
        if not proportion:
            NOT_PROPORTIONS.add(name)
        if name in MEASURES:
            m = MEASURES[name]
            MEASURES[name] = Measure(m.name, m.description, m.compute, m.context, m.series,
                                     "pooled")
        return function
    return wrap


def monthly(series: pd.Series) -> pd.Series:
    """``series`` indexed by monthly Period, sorted, without missing values, as floats."""
    index = series.index
    if isinstance(index, pd.PeriodIndex):
        months = index.asfreq("M")
    elif isinstance(index, pd.DatetimeIndex):
        months = index.to_period("M")
    else:
        months = pd.PeriodIndex([str(v)[:7] for v in index], freq="M")
    out = pd.Series(pd.to_numeric(series, errors="coerce").to_numpy(dtype=float),
                    index=pd.PeriodIndex(months, name="month"), name=series.name)
    if out.index.has_duplicates:
        raise ValueError(f"measure {series.name!r} has more than one value for a month")
    return out.dropna().sort_index()


def confidence_rate(confidence: pd.DataFrame, measure: str) -> pd.Series:
    """Rolling 12-month rate (agreeing / respondents, 0–1) of one public confidence measure,
    by the last month of each window. (No domain module computes it: added here.)"""
    rows = confidence.loc[confidence["measure"] == measure]
    if rows.empty:
        known = sorted(set(confidence["measure"]))
        raise EvaluationError(f"public_confidence has no measure {measure!r}; it has {known}")
    rate = rows["agreeing"].astype(float) / rows["respondents"].astype(float).where(
        rows["respondents"] > 0)
    return pd.Series(rate.to_numpy(), index=pd.PeriodIndex(
        rows["period_end"].astype(str).str[:7], freq="M"), name=measure)


def comparator_rate(comparators: pd.DataFrame, area: str = "England and Wales",
                    question: str = "whole_experience") -> pd.Series:
    """Satisfied / respondents (0–1) of a comparator area for each 12-month window, by the
    window's last month. (No domain module returns the series: added here.)"""
    rows = comparators.loc[(comparators["area"] == area) & (comparators["question"] == question)]
    if rows.empty:
        raise EvaluationError(f"satisfaction_comparators has no {question} rows for {area}")
    rate = rows["satisfied"].astype(float) / rows["respondents"].astype(float).where(
        rows["respondents"] > 0)
    return pd.Series(rate.to_numpy(), index=pd.PeriodIndex(
        rows["period_end"].astype(str).str[:7], freq="M"), name=f"{area} {question}")


def correspondence_within_target_by_month(items: pd.DataFrame, end: str, target_days: int = 20,
                                          holidays: Sequence[str] = ()) -> pd.Series:
    """Share (0–1) of the items received each month answered within ``target_days`` working
    days, as known at the end of the month of ``end``.

    Classified as in :func:`evaluation.measures.correspondence.response_times`: answered within the
    target; late = answered after it or still open past it. Months whose items were not all
    due by the end (fewer than ``target_days`` working days from the month's last day) are
    left out, so a recent month is not flattered by the quick replies alone. (The domain
    module gives this for one period, not by month: added here.)
    """
    g = correspondence_within_target_counts(items, end, target_days, holidays)
    g = g.loc[g["complete"]]
    share = g["within"] / g["decided"].where(g["decided"] > 0)
    return pd.Series(share.to_numpy(dtype=float), index=pd.PeriodIndex(g["month"], freq="M"),
                     name="correspondence_within_target")


def correspondence_within_target_counts(items: pd.DataFrame, end: str, target_days: int = 20,
                                        holidays: Sequence[str] = ()) -> pd.DataFrame:
    """Per month received: items answered within the target (``within``), items decided
    (within, or late: answered after the target or open past it) and whether every item of
    the month was due by the end (``complete``)."""
    if target_days < 1:
        raise ValueError(f"target_days must be at least 1, got {target_days!r}")
    cut = pd.Period(str(end)[:7], "M").end_time.normalize()
    received = pd.to_datetime(items["received_date"])
    got = items.loc[received <= cut]
    days = correspondence.working_days(got["received_date"], got["responded_date"], holidays)
    age = correspondence.working_days(got["received_date"], pd.Series(cut, index=got.index),
                                      holidays)
    open_ = days.isna()
    within = ~open_ & (days <= target_days)
    late = (~open_ & (days > target_days)) | (open_ & (age > target_days))
    month = engagement.months_of(got["received_date"])
    counts = pd.DataFrame({"month": month, "within": within, "decided": within | late})
    g = counts.groupby("month")[["within", "decided"]].sum()
    months = pd.PeriodIndex(g.index, freq="M")
    month_ends = months.end_time.normalize().to_numpy().astype("datetime64[D]")
    due = np.busday_count(month_ends, np.datetime64(cut.date(), "D"),
                          holidays=np.array(list(holidays), dtype="datetime64[D]"))
    return pd.DataFrame({"month": months.astype(str), "within": g["within"].to_numpy(float),
                         "decided": g["decided"].to_numpy(float), "complete": due >= target_days})


def _calls(src: Sources, line: str, column: str) -> pd.Series:
    m = call_handling.monthly_series(src.load("call_handling_monthly"))
    m = m.loc[m["line"] == line]
    return pd.Series(m[column].to_numpy(dtype=float), index=pd.DatetimeIndex(m["month"]),
                     name=f"{line} {column}")


@register("digital_share", "Digital contacts as a share of all public contacts (0–1)")
def _digital_share(src: Sources) -> pd.Series:
    share = public_contact.digital_share(src.load("public_contact"))
    return share.set_index("month")["digital_share"]


@register("calls_101_within_target", "101 calls answered within the target time (0–1)")
def _calls_101_within(src: Sources) -> pd.Series:
    return _calls(src, "101", "within_target_share")


@register("calls_999_within_target", "999 calls answered within the target time (0–1)")
def _calls_999_within(src: Sources) -> pd.Series:
    return _calls(src, "999", "within_target_share")


@register("calls_101_abandonment", "101 calls abandoned before answer (0–1 of offered)")
def _calls_101_abandoned(src: Sources) -> pd.Series:
    return _calls(src, "101", "abandonment_rate")


@register("calls_101_secondary_wait_minutes", "Mean wait for a secondary 101 handler, minutes")
def _secondary_wait(src: Sources) -> pd.Series:
    return _calls(src, "101", "mean_secondary_wait_s") / 60


@register("victim_satisfaction", "Victims satisfied with the whole experience, monthly (0–1)")
def _victim_satisfaction(src: Sources) -> pd.Series:
    counts = victim_satisfaction.monthly_counts(src.load("victim_satisfaction"),
                                         questions=("whole_experience",))
    return counts.set_index("month")["rate"]


@register("england_wales_satisfaction",
          "England and Wales victims satisfied with the whole experience, 12 months (0–1)",
          series="rolling")
def _england_wales(src: Sources) -> pd.Series:
    return comparator_rate(src.load("satisfaction_comparators"))


@register("hub_contact_rate", "Victims' Hub: referred victims contacted (0–1)")
def _hub_contact_rate(src: Sources) -> pd.Series:
    return victims_hub.monthly(src.load("victims_hub")).set_index("month")["contact_rate"]


@register("correspondence_received", "Items of correspondence received a month")
def _correspondence_received(src: Sources) -> pd.Series:
    received = correspondence.monthly_received(src.load("correspondence"), end=src.period_end)
    return received.set_index("month")["received"]


@register("correspondence_within_target",
          "Correspondence answered within the target working days, by month received (0–1)")
def _correspondence_within(src: Sources) -> pd.Series:
    return correspondence_within_target_by_month(src.load("correspondence"), src.period_end,
                                                 src.correspondence_target_days)


def _activities(src: Sources, mode: str | None) -> pd.Series:
    acts = src.load("engagement_activities")
    first = str(pd.to_datetime(acts["date"]).min().date())
    by_mode = engagement.activities_by_month(acts, first, src.period_end, by="mode")
    if mode is not None:
        by_mode = by_mode.loc[by_mode["mode"] == mode]
    return by_mode.groupby("month")["activities"].sum()


@register("engagement_activities", "Engagement activities in the Commissioner's diary a month")
def _engagement_activities(src: Sources) -> pd.Series:
    return _activities(src, None)


@register("partnership_activities", "Engagement activities in the collaborate mode a month")
def _partnership_activities(src: Sources) -> pd.Series:
    return _activities(src, "collaborate")


def _communications_column(src: Sources, column: str) -> pd.Series:
    m = communications._monthly(src.load("communications"))  # noqa: SLF001 - month typing
    return m.set_index("month")[column]


@register("newsletter_subscribers", "Newsletter subscribers at the end of the month",
          series="cumulative")
def _newsletter(src: Sources) -> pd.Series:
    return _communications_column(src, "newsletter_subscribers")


@register("social_media_reach", "Social-media reach in the month")
def _social_reach(src: Sources) -> pd.Series:
    return _communications_column(src, "social_media_reach")


@register("media_net_tone", "Media mentions: positive share less negative share (-1 to 1)")
def _net_tone(src: Sources) -> pd.Series:
    tone = communications.monthly_net_tone(src.load("communications"))
    return pd.Series(tone["net_tone"].to_numpy(), index=pd.PeriodIndex(tone["month"]),
                     name="media_net_tone")


@register("special_constables", "Special Constables in post at the end of the month",
          period="last")
def _specials(src: Sources) -> pd.Series:
    return volunteers.volunteers_monthly(src.load("volunteers")).set_index("month")[
        "special_constables"]


@register("public_confidence_local_concerns",
          "Public agreeing the police deal with local concerns, rolling 12 months (0–1)",
          series="rolling")
def _local_concerns(src: Sources) -> pd.Series:
    return confidence_rate(src.load("public_confidence"), "police deal with local concerns")


@register("public_confidence_service_delivery",
          "Public satisfied with police service delivery, rolling 12 months (0–1)",
          series="rolling")
def _service_delivery(src: Sources) -> pd.Series:
    return confidence_rate(src.load("public_confidence"), "satisfaction with service delivery")


@register("charge_rate", "REAL police.uk: charge/summons outcomes over crimes recorded (0–1)",
          context=True)
def _charge_rate(src: Sources) -> pd.Series:
    counts = crime.monthly_counts(src.policeuk("street"))
    rates = crime.charge_rate_by_month(src.policeuk("outcomes"), counts)
    return rates.set_index("month")["charge_rate"]


def _frame(month: pd.Series, numerator: pd.Series, denominator: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"month": pd.PeriodIndex(pd.to_datetime(month.astype(str).str[:7]
                                                                + "-01"), freq="M"),
                         "numerator": numerator.to_numpy(dtype=float),
                         "denominator": denominator.to_numpy(dtype=float)})


def _call_counts(src: Sources, line: str, num: str, den: str) -> pd.DataFrame:
    m = call_handling.monthly_series(src.load("call_handling_monthly"))
    m = m.loc[m["line"] == line]
    return _frame(m["month"], m[num], m[den])


@register_counts("calls_101_within_target")
def _calls_101_within_counts(src: Sources) -> pd.DataFrame:
    return _call_counts(src, "101", "answered_within_target", "answered")


@register_counts("calls_999_within_target")
def _calls_999_within_counts(src: Sources) -> pd.DataFrame:
    return _call_counts(src, "999", "answered_within_target", "answered")


@register_counts("calls_101_abandonment")
def _calls_101_abandoned_counts(src: Sources) -> pd.DataFrame:
    return _call_counts(src, "101", "abandoned", "offered")


@register_counts("digital_share")
def _digital_share_counts(src: Sources) -> pd.DataFrame:
    share = public_contact.digital_share(src.load("public_contact"))
    return _frame(share["month"], share["digital_contacts"], share["contacts"])


@register_counts("victim_satisfaction")
def _victim_satisfaction_counts(src: Sources) -> pd.DataFrame:
    counts = victim_satisfaction.monthly_counts(src.load("victim_satisfaction"),
                                                questions=("whole_experience",))
    return _frame(counts["month"], counts["satisfied"], counts["respondents"])


@register_counts("hub_contact_rate")
def _hub_counts(src: Sources) -> pd.DataFrame:
    m = victims_hub.monthly(src.load("victims_hub"))
    return _frame(m["month"], m["contacted"], m["referred"])


@register_counts("calls_101_secondary_wait_minutes")
def _secondary_wait_counts(src: Sources) -> pd.DataFrame:
    m = call_handling.monthly_series(src.load("call_handling_monthly"))
    m = m.loc[(m["line"] == "101") & m["mean_secondary_wait_s"].notna()]
    weight = m["transferred_to_secondary"].astype(float)
    return _frame(m["month"], m["mean_secondary_wait_s"].astype(float) / 60 * weight, weight)


def measure_counts(name: str, sources: Sources) -> pd.DataFrame | None:
    """The monthly numerator and denominator of a rate measure (None when it has none)."""
    return COUNTS[name](sources) if name in COUNTS else None


def measure_series(name: str, sources: Sources) -> pd.Series:
    """The monthly series of a registered measure (Period index, floats, no gaps dropped)."""
    if name not in MEASURES:
        raise EvaluationError(f"unknown measure {name!r}.{_suggest(name, sorted(MEASURES))}")
    series = MEASURES[name].compute(sources)
    series.name = name
    return monthly(series)


# =========================================================================== assessment
@dataclass(frozen=True)
class Assessment:
    """One indicator assessed: its XmR chart over the window, and the scorecard row."""

    indicator: Indicator
    objective: Objective
    window: pd.Series
    result: XmRResult | None
    target: float | None
    change: float
    context: bool
    span: str = ""  # the window's months in words, e.g. "April 2017 to March 2019"
    unavailable: str | None = None  # why the source could not be used, if it could not
    series: SeriesKind = "monthly"  # rolling and cumulative series get no XmR chart
    history: pd.Series | None = None  # the measure's whole monthly series, computed once

    @property
    def latest_period(self) -> pd.Period | None:
        return self.window.index[-1] if len(self.window) else None

    @property
    def latest_value(self) -> float:
        return float(self.window.iloc[-1]) if len(self.window) else math.nan


def target_value(indicator: Indicator, sources: Sources, period_end: str) -> float | None:
    """The indicator's target: the fixed number, or the latest value of ``target_measure`` up
    to the month of ``period_end`` (None when there is none)."""
    if indicator.target is not None:
        return float(indicator.target)
    if indicator.target_measure is None:
        return None
    series = measure_series(indicator.target_measure, sources)
    series = series.loc[series.index <= pd.Period(str(period_end)[:7], "M")]
    return float(series.iloc[-1]) if len(series) else None


def change_on_year(series: pd.Series) -> float:
    """Latest value less the value 12 months earlier (NaN when that month is missing)."""
    if series.empty:
        return math.nan
    earlier = series.index[-1] - 12
    return float(series.iloc[-1] - series[earlier]) if earlier in series.index else math.nan


def _latest_group_size(result: XmRResult) -> int:
    groups = result.rebase_group or (0,) * len(result.points)
    return sum(1 for g in groups if g == groups[-1])


def assess(indicator: Indicator, objective: Objective, series: pd.Series, period_end: str,
           months: int = 24, target: float | None = None, context: bool = False,
           kind: SeriesKind = "monthly") -> Assessment:
    """XmR over the last ``months`` months up to the month of ``period_end`` (the verdict is
    written from it by :func:`evaluation.report.chapters.scorecard.verdict`).

    A context measure whose data end before the period uses all its months as they are. A
    rolling or cumulative series (``kind``) gets no XmR chart: its points are not separate
    periods, so runs and limits would mislead.
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 2:
        raise ValueError(f"months must be a whole number of at least 2, got {months!r}")
    series = monthly(series)
    end = pd.Period(str(period_end)[:7], "M")
    upto = series.loc[series.index <= end]
    if context and upto.empty:
        upto = series
    window = upto.iloc[-months:]
    span = (f"{month_name(window.index[0])} to {month_name(window.index[-1])}"
            if len(window) else f"up to {month_name(end)}")
    result = None
    if len(window) >= 2 and kind == "monthly":
        values = pd.Series(window.to_numpy(), index=window.index.to_timestamp())
        changes = [(pd.Period(c.month, "M").to_timestamp(), c.reason)
                   for c in indicator.rebase_at]
        changes = [(r, why) for r, why in changes if values.index[1] <= r <= values.index[-1]
                   and (values.index >= r).sum() >= 2]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # trial limits go in the verdict
            result = xmr(values, improvement=indicator.improvement, target=target,
                         rebase_at=[r for r, _ in changes],
                         reasons=[why for _, why in changes])
    return Assessment(indicator=indicator, objective=objective, window=window, result=result,
                      target=target, change=change_on_year(upto), context=context, span=span,
                      series=kind, history=series)


def assess_framework(framework: Framework, sources: Sources, period_end: str,
                     months: int = 24) -> list[Assessment]:
    """Every indicator of the framework assessed, in the framework's order."""
    out = []
    for ind in framework.indicators:
        measure = MEASURES[ind.measure]
        objective = framework.objective(ind.objective)
        try:
            series = measure_series(ind.measure, sources)
            target = target_value(ind, sources, period_end)
        except (EvaluationError, ValueError, KeyError, OSError) as exc:
            # one unreadable source must not take the whole scorecard down: say so in its row
            log.warning("scorecard: %s not available: %s", ind.id, exc)
            reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            out.append(Assessment(
                indicator=ind, objective=objective, window=pd.Series(dtype=float),
                result=None, target=None, change=math.nan, context=measure.context,
                unavailable=reason))
            continue
        out.append(assess(ind, objective, series, period_end, months=months, target=target,
                          context=measure.context, kind=measure.series))
    return out


def _is(table: pd.DataFrame, column: str, value: str) -> pd.Series:
    return table[column].astype(str) == value


SUMMARY_ROWS: tuple[str, ...] = (
    "Indicators assessed", "Special-cause improvement", "Special-cause concern",
    "Special-cause variation (no better or worse direction)", "Common-cause variation only",
    "Not stable (most months special cause)", "Shown as a line (rolling or running total)",
    "Assessed with a target", "Consistently meet the target", "Consistently miss the target",
    "Hit and miss the target at random", "Context only (not counted)", "No data",
)


def summary_table(table: pd.DataFrame) -> pd.DataFrame:
    """How many indicators show each kind of variation and assurance (context and no-data
    indicators counted apart). Columns: Result, Indicators."""
    has_data = table["months"] > 0
    counted = table.loc[~table["context"].astype(bool) & has_data]
    values = [
        len(counted),
        int(_is(counted, "latest_variation", "improvement").sum()),
        int(_is(counted, "latest_variation", "concern").sum()),
        int(_is(counted, "latest_variation", "neutral").sum()),
        int(_is(counted, "latest_variation", "common cause").sum()),
        int(_is(counted, "latest_variation", "not stable").sum()),
        int(_is(counted, "latest_variation", "line only").sum()),
        int((counted["assurance_result"].astype(str) != "").sum()),
        int(_is(counted, "assurance_result", "pass").sum()),
        int(_is(counted, "assurance_result", "fail").sum()),
        int(_is(counted, "assurance_result", "inconsistent").sum()),
        int((table["context"].astype(bool) & has_data).sum()),
        int((~has_data).sum()),
    ]
    return pd.DataFrame({"Result": list(SUMMARY_ROWS), "Indicators": values})


def _n(summary: pd.DataFrame, row: str) -> int:
    return int(summary.set_index("Result").loc[row, "Indicators"])


# =========================================================================== chart
def chart_data(assessments: Sequence[Assessment]) -> pd.DataFrame:
    """The points behind the sparkline grid: indicator, month, value, mean, limits, variation."""
    frames = []
    for a in assessments:
        if a.result is None:
            continue
        p = a.result.points
        frames.append(pd.DataFrame({
            "indicator": a.indicator.name, "unit": a.indicator.unit,
            "month": [d.strftime("%Y-%m") for d in p.index], "value": p["value"].to_numpy(),
            "mean": p["mean"].to_numpy(), "lower_limit": p["lpl"].to_numpy(),
            "upper_limit": p["upl"].to_numpy(), "target": a.target,
            "special_cause": p["special_cause"].to_numpy(), "variation": p["variation"].to_numpy(),
        }))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()




@register_counts("media_net_tone", proportion=False)
def _net_tone_counts(src: Sources) -> pd.DataFrame:
    """Positive less negative mentions over all mentions, so the period's net tone pools its
    mentions (as the communications chapter computes it), not the mean of the months'."""
    tone = communications.monthly_net_tone(src.load("communications"))
    return _frame(tone["month"].astype(str), tone["net"], tone["mentions"])


@register_counts("correspondence_within_target")
def _correspondence_within_counts(src: Sources) -> pd.DataFrame:
    """Items answered within the target over items due, by month received: the period's
    share pools its items, as the correspondence chapter counts them."""
    g = correspondence_within_target_counts(src.load("correspondence"), src.period_end,
                                            src.correspondence_target_days)
    return _frame(g["month"], g["within"], g["decided"])
