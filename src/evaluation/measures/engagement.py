"""Engagement activities: the Commissioner's diary by mode, type and place, and attendance.

The 2016 paper (sections 4 and 6-10) sorts engagement into five modes - listen, respond,
consult, collaborate and empower. This module counts activities by mode and by type, per
month and for a reporting period, against the period of the same length just before it;
totals and medians of attendance (blank attendance - e.g. media interviews - is left out of
both); and the Police Contact Points by place. It also holds the helpers the section's other
modules share: reporting months, an exact test for a change in a count, and the check of a
figure published in a source paper against the data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

import pandas as pd

from evaluation.data.published import published_verdict
from evaluation.methods.comparisons import compare_monthly_rates, holm
from evaluation.methods.periods import months_of, previous_months, reporting_months

log = logging.getLogger(__name__)

MODES: tuple[str, ...] = ("listen", "respond", "consult", "collaborate", "empower")
ACTIVITY_TYPES: tuple[str, ...] = (
    "surgery", "street surgery", "parish council meeting", "town council meeting",
    "local police panel", "police contact point", "community event", "conference",
    "partnership meeting", "school visit", "media interview",
)
CONTACT_POINT = "police contact point"


def check_published(figures: pd.DataFrame, figure_id: str, value: float, in_data: str,
                    verdict: str | None = None) -> dict[str, object]:
    """One row of the published-figures table: the paper's figure against the data.

    ``figures`` is :func:`evaluation.data.published.seed_figures`. The qualifier decides the
    verdict:
    "over" needs the data above the figure; "around" within 5%; "exact" equal once the data
    are rounded as the paper rounds (20,000 is stated to the nearest 10,000). ``verdict``
    replaces the rule for a figure the data cannot check ("not in the data").
    """
    if figure_id not in figures.index:
        raise ValueError(f"no published figure {figure_id!r} in the seed figures")
    fig = figures.loc[figure_id]
    published = float(fig["value"])
    qualifier = str(fig["qualifier"])
    if verdict is None:
        verdict = published_verdict(value, published, qualifier, round_as_published=True)
    words = {"over": "over ", "around": "around ", "exact": ""}[qualifier]
    unit = str(fig.get("unit", ""))
    shown = f"{published:,.{0 if published.is_integer() else 1}f}"
    shown = {"GBP": f"£{shown}", "percent": f"{shown}%", "minutes": f"{shown} minutes"}.get(
        unit, shown)
    return {
        "figure_id": figure_id,
        "Published figure": str(fig["measure"]),
        "Source": f"{'2016 paper' if fig['document'] == 'BCB-2016' else '2019 letter'} "
                  f"{fig['paragraph']}",
        "As published": f"{words}{shown}",
        "In the data": float(value),
        "Which data": in_data,
        "Verdict": verdict,
    }


def published_checks(rows: Iterable[dict[str, object]]) -> pd.DataFrame:
    """Rows from :func:`check_published` as one table."""
    return pd.DataFrame(list(rows))


# --------------------------------------------------------------------------- activities
def _check_activities(activities: pd.DataFrame) -> None:
    missing = {"activity_id", "date", "activity_type", "mode", "attendees"} - set(activities)
    if missing:
        raise ValueError(f"engagement activities need columns {sorted(missing)}")


def _select(activities: pd.DataFrame, p0: pd.Period, p1: pd.Period) -> pd.DataFrame:
    month = months_of(activities["date"])
    return activities.loc[(month >= p0) & (month <= p1)]


def activities_by_month(activities: pd.DataFrame, start: str, end: str, by: str = "mode"
                        ) -> pd.DataFrame:
    """Activities per month and per ``by`` ("mode" or "activity_type"), zeros filled in.

    Long table with columns month ('YYYY-MM'), ``by``, activities; every month from ``start``
    to ``end`` and every known category appear.
    """
    _check_activities(activities)
    if by not in ("mode", "activity_type"):
        raise ValueError(f"by must be 'mode' or 'activity_type', got {by!r}")
    p0, p1 = reporting_months(start, end)
    known = MODES if by == "mode" else ACTIVITY_TYPES
    extra = sorted(set(activities[by].dropna()) - set(known))
    cats = [*known, *extra]
    sel = _select(activities, p0, p1)
    counts = sel.groupby([months_of(sel["date"]), sel[by]]).size()
    grid = pd.MultiIndex.from_product([pd.period_range(p0, p1, freq="M"), cats],
                                      names=["month", by])
    counts.index = counts.index.set_names(["month", by])
    out = counts.reindex(grid, fill_value=0).rename("activities").reset_index()
    out["month"] = out["month"].astype(str)
    out["activities"] = out["activities"].astype("int64")
    return out


def activity_summary(activities: pd.DataFrame, start: str, end: str, by: str = "mode"
                     ) -> pd.DataFrame:
    """Activities and attendance in the period by ``by`` ("mode" or "activity_type").

    All five modes are listed, with zeros where there was no activity; activity types only
    when they occur in the data.

    Columns: the category (heading "Mode" or "Activity type"), Activities, Previous period
    (activities in the months just before, same length), Share of activities (0-1), With
    attendance recorded, Attendees (total of recorded attendance), Median attendees per
    activity (over activities with attendance recorded). Last row: "All activities".
    """
    _check_activities(activities)
    if by not in ("mode", "activity_type"):
        raise ValueError(f"by must be 'mode' or 'activity_type', got {by!r}")
    p0, p1 = reporting_months(start, end)
    q0, q1 = previous_months(start, end)
    now, before = _select(activities, p0, p1), _select(activities, q0, q1)
    known = MODES if by == "mode" else ACTIVITY_TYPES
    # all five modes always appear (a mode with no activity is a result); types only if used
    cats = list(MODES) if by == "mode" else [c for c in known if c in set(activities[by])]
    cats += sorted(set(activities[by].dropna()) - set(known))
    rows = []
    for label, n_sel, b_sel in [*((c, now[now[by] == c], before[before[by] == c]) for c in cats),
                                ("All activities", now, before)]:
        att = pd.to_numeric(n_sel["attendees"], errors="coerce").dropna().astype(float)
        rows.append({
            "label": label,
            "Activities": len(n_sel),
            "Previous period": len(b_sel),
            "With attendance recorded": len(att),
            "Attendees": float(att.sum()) if len(att) else float("nan"),
            "Median attendees per activity": float(att.median()) if len(att) else float("nan"),
        })
    out = pd.DataFrame(rows)
    total = out["Activities"].iloc[-1]
    out.insert(3, "Share of activities", out["Activities"] / total if total else float("nan"))
    heading = "Mode" if by == "mode" else "Activity type"
    out["label"] = [str(v)[0].upper() + str(v)[1:] for v in out["label"]]
    return out.rename(columns={"label": heading})


def activity_change_tests(activities: pd.DataFrame, start: str, end: str, by: str = "mode"
                          ) -> pd.DataFrame:
    """The change in activities a month on the period before (the same months a year earlier
    for a year), for each category of :func:`activity_summary` and for all activities, by
    Welch's t-test on the monthly counts: the test the indicator table uses, so the chapters
    and the scorecard give the same p for the same counts. The categories' p-values are also
    Holm-adjusted over the categories tested together (``p_value_holm``).

    Columns: the category (as in :func:`activity_summary`), p_value, p_value_holm (equal to
    p_value for "All activities")."""
    _check_activities(activities)
    p0, p1 = reporting_months(start, end)
    q0, q1 = previous_months(start, end)
    month = months_of(activities["date"])
    summary = activity_summary(activities, start, end, by)
    heading = summary.columns[0]
    labels = {str(v)[0].upper() + str(v)[1:]: v for v in activities[by].dropna().unique()}
    rows = []
    for label in summary[heading]:
        keep = (pd.Series(True, index=activities.index) if label == "All activities"
                else activities[by] == labels.get(label, label.lower()))
        counts = month[keep].value_counts()
        now = counts.reindex(pd.period_range(p0, p1, freq="M"), fill_value=0)
        before = counts.reindex(pd.period_range(q0, q1, freq="M"), fill_value=0)
        p = compare_monthly_rates(now.to_numpy(float), before.to_numpy(float)).p_value
        rows.append({heading: label, "p_value": float(p)})
    out = pd.DataFrame(rows)
    family = out[heading] != "All activities"
    out["p_value_holm"] = out["p_value"]
    if family.any():
        out.loc[family, "p_value_holm"] = holm(out.loc[family, "p_value"].tolist())
    return out


def mode_by_type(activities: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Activities in the period by type (rows) and mode (columns), with totals."""
    _check_activities(activities)
    p0, p1 = reporting_months(start, end)
    sel = _select(activities, p0, p1)
    table = pd.crosstab(sel["activity_type"], sel["mode"])
    modes = [m for m in MODES if m in table.columns] + \
        sorted(set(table.columns) - set(MODES))
    types = [t for t in ACTIVITY_TYPES if t in table.index] + \
        sorted(set(table.index) - set(ACTIVITY_TYPES))
    table = table.reindex(index=types, columns=modes, fill_value=0)
    table["All modes"] = table.sum(axis=1)
    table.loc["All types"] = table.sum(axis=0)
    table.columns = [str(c).capitalize() for c in table.columns]
    table = table.reset_index(names="Activity type")
    table["Activity type"] = [str(v)[0].upper() + str(v)[1:] for v in table["Activity type"]]
    return table


# --------------------------------------------------------------------------- contact points
def contact_points(activities: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Police Contact Point sessions and attendance by place in the period.

    Columns: Place, District, First session (ever, 'YYYY-MM-DD'), Sessions, Previous period,
    Attendees, Median attendees per session; last row "All places".
    """
    _check_activities(activities)
    p0, p1 = reporting_months(start, end)
    q0, q1 = previous_months(start, end)
    pcp = activities.loc[activities["activity_type"] == CONTACT_POINT]
    places = sorted(set(pcp["place"]))
    now, before = _select(pcp, p0, p1), _select(pcp, q0, q1)
    rows = []
    for place in [*places, None]:
        n_sel = now if place is None else now[now["place"] == place]
        b_sel = before if place is None else before[before["place"] == place]
        ever = pcp if place is None else pcp[pcp["place"] == place]
        att = pd.to_numeric(n_sel["attendees"], errors="coerce").dropna().astype(float)
        district = "" if place is None else ", ".join(sorted(set(ever["district"].dropna())))
        rows.append({
            "Place": "All places" if place is None else place,
            "District": district,
            "First session": pd.Timestamp(ever["date"].min()).strftime("%Y-%m-%d")
            if len(ever) else "",
            "Sessions": len(n_sel),
            "Previous period": len(b_sel),
            "Attendees": float(att.sum()) if len(att) else float("nan"),
            "Median attendees per session": float(att.median()) if len(att) else float("nan"),
        })
    return pd.DataFrame(rows)


def contact_point_places(activities: pd.DataFrame, by_date: str) -> int:
    """Number of places that had held a Police Contact Point session on or before a date."""
    pcp = activities.loc[activities["activity_type"] == CONTACT_POINT]
    return int(pcp.loc[pd.to_datetime(pcp["date"]) <= pd.Timestamp(by_date), "place"].nunique())


def monthly_by_type(activities: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Activities per month (rows) by type (columns) in the period, with an All types column."""
    long = activities_by_month(activities, start, end, by="activity_type")
    wide = long.pivot_table(index="month", columns="activity_type", values="activities",
                            aggfunc="sum", fill_value=0)
    types: Sequence[str] = [t for t in ACTIVITY_TYPES if t in wide.columns] + \
        sorted(set(wide.columns) - set(ACTIVITY_TYPES))
    wide = wide[list(types)]
    wide["all types"] = wide.sum(axis=1)
    wide.columns = [str(c)[0].upper() + str(c)[1:] for c in wide.columns]
    return wide.reset_index().rename(columns={"month": "Month"})


def published_figure_checks(figures: pd.DataFrame, activities: pd.DataFrame
                            ) -> list[dict[str, object]]:
    """The 2016 paper's eight Police Contact Point towns against the places with a session
    by the paper's date."""
    fid = "police_contact_points"
    date = str(figures.loc[fid, "period_end"])
    return [check_published(figures, fid, contact_point_places(activities, date),
                            f"places with a session by {pd.Timestamp(date):%d %B %Y}")]


