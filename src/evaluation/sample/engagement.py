"""SYNTHETIC records of the OPCC's own work: ``correspondence``, ``engagement_activities``,
``communications`` and ``volunteers`` (see those headings in the docstring of
:mod:`evaluation.sample.synth`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.sample.common import END, OPCC_START, START, TOWNS, lerp, month_range, rng_for

__all__ = [
    "CONTACT_POINT_START",
    "EXTRACT_DATE",
    "communications",
    "correspondence",
    "engagement",
    "volunteers",
]

EXTRACT_DATE = np.datetime64("2019-03-31")
CONTACT_POINT_START: dict[str, str] = {
    "Peterborough": "2015-01",
    "St Neots": "2015-03",
    "Cambridge": "2015-04",
    "Wisbech": "2015-06",
    "Chatteris": "2015-08",
    "Huntingdon": "2015-09",
    "St Ives": "2015-11",
    "Cambourne": "2015-12",
}


_TOPICS = ("police visibility", "burglary", "anti-social behaviour", "call handling",
           "mental health", "speeding", "other")
_CHANNELS = ("email", "letter", "phone", "web form", "social media")


def correspondence(seed: int) -> pd.DataFrame:
    """One row per item received by the OPCC."""
    rng = rng_for(seed, "correspondence")
    frames = []
    for m in month_range(OPCC_START, END):
        n = 121 + int(rng.poisson(25))
        call = lerp(m, {"2012-12": 0.20, "2013-12": 0.14, "2015-06": 0.07, "2019-03": 0.05})
        w = np.array([0.20, 0.10, 0.20, call, 0.07, 0.12, 0.31 - call + 0.05])
        topic = np.array(_TOPICS, dtype=object)[rng.choice(7, n, p=w / w.sum())]
        channel = np.array(_CHANNELS, dtype=object)[rng.choice(5, n, p=[0.55, 0.15, 0.10, 0.15,
                                                                        0.05])]
        start = np.datetime64(m.start_time.date(), "D")
        received = start + rng.integers(0, m.days_in_month, n).astype("timedelta64[D]")
        lag = np.rint(np.exp(rng.normal(np.log(5), 0.7, n))).astype(np.int64)
        responded = received + lag.astype("timedelta64[D]")
        never = rng.random(n) < 0.015
        responded = np.where(never | (responded > EXTRACT_DATE), np.datetime64("NaT"),
                             responded)
        frames.append(pd.DataFrame({"received_date": received, "topic": topic,
                                    "channel": channel, "responded_date": responded}))
    df = pd.concat(frames, ignore_index=True).sort_values("received_date", kind="stable")
    df.insert(0, "item_id", [f"CR{i:06d}" for i in range(1, len(df) + 1)])
    for col in ("received_date", "responded_date"):
        df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d")
    return df.reset_index(drop=True)


_ACTIVITY = {  # activity_type: (weight, {mode: p}, attendees (mean) or None)
    "surgery": (0.12, {"listen": 1.0}, 4),
    "street surgery": (0.08, {"listen": 0.8, "respond": 0.2}, 35),
    "parish council meeting": (0.14, {"listen": 0.6, "respond": 0.4}, 18),
    "town council meeting": (0.07, {"listen": 0.6, "respond": 0.4}, 25),
    "local police panel": (0.08, {"respond": 0.7, "listen": 0.3}, 22),
    "community event": (0.12, {"consult": 0.6, "empower": 0.4}, 80),
    "conference": (0.04, {"collaborate": 0.7, "consult": 0.3}, 120),
    "partnership meeting": (0.15, {"collaborate": 1.0}, 14),
    "school visit": (0.08, {"empower": 0.7, "listen": 0.3}, 60),
    "media interview": (0.12, {"respond": 0.8, "consult": 0.2}, None),
}


def engagement(seed: int) -> pd.DataFrame:
    """Engagement diary across the five modes, with Police Contact Points from 2015."""
    rng = rng_for(seed, "engagement_activities")
    types = list(_ACTIVITY)
    weights = np.array([v[0] for v in _ACTIVITY.values()])
    towns = list(TOWNS)
    town_w = np.array([4 if t in ("Peterborough", "Cambridge") else 1 for t in towns], float)
    rows: list[dict[str, object]] = []
    for m in month_range(OPCC_START, END):
        start = m.start_time
        for _ in range(int(rng.poisson(24))):
            kind = types[int(rng.choice(len(types), p=weights / weights.sum()))]
            modes = _ACTIVITY[kind][1]
            mode = list(modes)[int(rng.choice(len(modes), p=list(modes.values())))]
            town = towns[int(rng.choice(len(towns), p=town_w / town_w.sum()))]
            mean = _ACTIVITY[kind][2]
            rows.append({"date": start + pd.Timedelta(days=int(rng.integers(m.days_in_month))),
                         "activity_type": kind, "mode": mode, "place": town,
                         "district": TOWNS[town],
                         "attendees": None if mean is None else max(1, int(rng.poisson(mean)))})
        for town, first in CONTACT_POINT_START.items():
            if m >= pd.Period(first, "M") and rng.random() < 0.85:
                rows.append({"date": start + pd.Timedelta(days=int(rng.integers(m.days_in_month))),
                             "activity_type": "police contact point", "mode": "listen",
                             "place": town, "district": TOWNS[town],
                             "attendees": int(rng.poisson(45))})
    df = pd.DataFrame(rows).sort_values(["date", "place", "activity_type"], kind="stable")
    df["date"] = df["date"].dt.strftime("%Y-%m-%d")
    df["attendees"] = df["attendees"].astype("Int64")
    df.insert(0, "activity_id", [f"EA{i:05d}" for i in range(1, len(df) + 1)])
    return df.reset_index(drop=True)


def communications(seed: int) -> pd.DataFrame:
    """Monthly communications measures."""
    rng = rng_for(seed, "communications")
    months = month_range(OPCC_START, END)
    rows = []
    growth = (20_000 / 600) ** (1 / (pd.Period("2019-01", "M").ordinal - OPCC_START.ordinal))
    for m in months:
        subscribers = 600.0 * growth ** (m.ordinal - OPCC_START.ordinal) * (
            1 + rng.normal(0, 0.008))
        surveys = int(rng.poisson(40))
        if m == pd.Period("2013-05", "M"):
            surveys += 1150  # 101 call handling survey (2016 paper 4.4, 8.1)
        if m.month == 1 and m.year < 2019:
            surveys += int(rng.integers(600, 1300))  # precept survey
        if m == pd.Period("2019-01", "M"):
            surveys = 1990  # precept survey, 2019 letter
        rows.append({
            "month": str(m),
            "newsletter_subscribers": int(round(subscribers)),
            "media_mentions_positive": int(rng.poisson(14)),
            "media_mentions_neutral": int(rng.poisson(22)),
            "media_mentions_negative": int(rng.poisson(6)),
            "media_interviews": int(rng.poisson(5)),
            "social_media_reach": int(rng.poisson(lerp(m, {"2012-12": 4000, "2016-06": 40000,
                                                            "2019-03": 140000}))),
            "survey_responses": surveys,
        })
    return pd.DataFrame(rows)


def volunteers(seed: int) -> pd.DataFrame:
    """Monthly Special Constables, cadet units and Speedwatch schemes."""
    rng = rng_for(seed, "volunteers")
    rows = []
    for m in month_range(START, END):
        specials = int(round(lerp(m, {"2012-04": 262, "2014-04": 301, "2015-01": 296,
                                       "2016-02": 284, "2017-06": 255, "2019-03": 228})
                             + rng.normal(0, 1.5)))
        hours = lerp(m, {"2012-04": 19.5, "2015-06": 21.4, "2016-03": 21.5, "2019-03": 20.5})
        cadets = 0 if m < pd.Period("2015-06", "M") else int(min(6, 1 + (
            m.ordinal - pd.Period("2015-06", "M").ordinal) // 3)) if m < pd.Period(
            "2016-04", "M") else int(min(7, 4 + (m.ordinal - pd.Period("2016-04", "M").ordinal)
                                         // 12))
        rows.append({"month": str(m), "special_constables": specials,
                     "special_hours": int(round(specials * (hours + rng.normal(0, 0.2)))),
                     "cadet_units": cadets,
                     "speedwatch_schemes": int(round(lerp(m, {"2012-04": 38, "2016-02": 62,
                                                               "2019-03": 88})))})
    return pd.DataFrame(rows)
