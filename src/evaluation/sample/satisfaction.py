"""SYNTHETIC ``victim_satisfaction``, ``satisfaction_comparators`` and ``public_confidence``
(see "Victim satisfaction" and "Public confidence" in the docstring of
:mod:`evaluation.sample.synth`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.sample.common import (
    END,
    NOT_SATISFIED,
    SATISFIED,
    lerp,
    logit,
    month_range,
    rng_for,
    split_exact,
)

__all__ = [
    "QUESTIONS",
    "SATISFACTION_START",
    "public_confidence",
    "satisfaction_comparators",
    "victim_satisfaction",
]

SATISFACTION_START = pd.Period("2010-04", freq="M")
QUESTIONS = ("ease_of_contact", "actions_taken", "kept_informed", "treatment", "whole_experience")

_GROUPS = {"burglary": (0.22, 0.45), "vehicle crime": (0.25, 0.05), "violent crime": (0.20, -0.45),
           "criminal damage": (0.10, -0.10), "theft": (0.15, 0.0), "hate crime": (0.03, -0.55),
           "other": (0.05, 0.0)}
_ETHNICITY = {"White": (0.88, 0.05), "Mixed": (0.02, -0.30), "Asian": (0.05, -0.25),
              "Black": (0.02, -0.35), "Other": (0.01, -0.20), "": (0.02, 0.0)}
_AGE = {"16-24": (0.10, -0.45), "25-34": (0.16, -0.25), "35-44": (0.18, -0.10),
        "45-54": (0.20, 0.0), "55-64": (0.16, 0.15), "65+": (0.18, 0.40), "": (0.02, 0.0)}
_OTHER_Q = {  # question: (P(sat | whole satisfied), P(sat | not), P(blank))
    "ease_of_contact": (0.97, 0.80, 0.02),
    "actions_taken": (0.88, 0.35, 0.04),
    "kept_informed": (0.80, 0.25, 0.07),
    "treatment": (0.96, 0.60, 0.02),
}
_SAT_TREND = {"2010-04": 0.815, "2011-03": 0.82, "2012-06": 0.84, "2014-03": 0.855,
              "2015-03": 0.865, "2016-03": 0.87, "2017-06": 0.855, "2019-03": 0.835}


def _pick(rng: np.random.Generator, table: dict[str, tuple[float, float]], n: int
          ) -> tuple[np.ndarray, np.ndarray]:
    keys = list(table)
    probs = np.array([table[k][0] for k in keys])
    idx = rng.choice(len(keys), size=n, p=probs / probs.sum())
    effects = np.array([table[k][1] for k in keys])
    return np.array(keys, dtype=object)[idx], effects[idx]


def _force_exact(score: np.ndarray, eligible: np.ndarray, k: int, sat: np.ndarray) -> None:
    """Make exactly ``k`` of the eligible responses satisfied: those with highest scores."""
    idx = np.flatnonzero(eligible)
    if not 0 <= k <= idx.size:
        raise ValueError(f"cannot make {k} of {idx.size} responses satisfied")
    ranked = idx[np.argsort(-score[idx], kind="stable")]
    sat[idx] = False
    sat[ranked[:k]] = True


def victim_satisfaction(seed: int) -> pd.DataFrame:
    """One row per survey response, April 2010 - March 2019."""
    rng = rng_for(seed, "victim_satisfaction")
    months = month_range(SATISFACTION_START, END)
    calib = (pd.Period("2014-04", "M"), pd.Period("2015-03", "M"))
    counts = np.array([rng.poisson(85) for _ in months])
    in_calib = np.array([calib[0] <= m <= calib[1] for m in months])
    counts[in_calib] = split_exact(rng, 1000, np.ones(in_calib.sum()))
    month = np.repeat(np.array([str(m) for m in months], dtype=object), counts)
    n = month.size
    group, g_eff = _pick(rng, {k: v for k, v in _GROUPS.items()}, n)
    eth, e_eff = _pick(rng, _ETHNICITY, n)
    age, a_eff = _pick(rng, _AGE, n)
    base = np.repeat(np.array([logit(lerp(m, _SAT_TREND)) for m in months]), counts)
    centre = 0.45 * 0.22 + 0.05 * 0.25 - 0.45 * 0.20 - 0.10 * 0.10 - 0.55 * 0.03
    centre += sum(p * e for p, e in _AGE.values()) + sum(p * e for p, e in _ETHNICITY.values())
    score = base + g_eff + e_eff + a_eff - centre + rng.logistic(size=n)
    sat = score > 0
    _force_exact(score, (month >= "2014-04") & (month <= "2015-03"), 865, sat)
    burg = group == "burglary"
    fixed = burg & (month >= "2015-01") & (month <= "2015-03")
    rest = burg & (month >= "2015-04") & (month <= "2015-12")
    n_b = int(fixed.sum() + rest.sum())
    _force_exact(score, rest, int(round(0.91 * n_b)) - int(sat[fixed].sum()), sat)
    labels = np.where(sat, np.array(SATISFIED, dtype=object)[rng.choice(3, n, p=[0.32, 0.43,
                                                                                  0.25])],
                      np.array(NOT_SATISFIED, dtype=object)[rng.choice(4, n, p=[0.30, 0.28,
                                                                                 0.22, 0.20])])
    out = pd.DataFrame({"response_id": [f"VS-{m.replace('-', '')}-{i:05d}" for i, m in
                                        enumerate(month, start=1)],
                        "interview_month": month, "crime_group": group})
    for q, (p_sat, p_not, p_blank) in _OTHER_Q.items():
        q_sat = rng.random(n) < np.where(sat, p_sat, p_not)
        lab = np.where(q_sat, np.array(SATISFIED, dtype=object)[rng.choice(3, n, p=[0.35, 0.42,
                                                                                     0.23])],
                       np.array(NOT_SATISFIED, dtype=object)[rng.choice(4, n, p=[0.35, 0.28,
                                                                                  0.20, 0.17])])
        out[q] = np.where(rng.random(n) < p_blank, "", lab)
    out["whole_experience"] = labels
    out["ethnicity"] = eth
    out["age_band"] = age
    return out


def satisfaction_comparators(seed: int) -> pd.DataFrame:
    """England and Wales and seven fictional peer forces, quarterly 12-month windows."""
    rng = rng_for(seed, "satisfaction_comparators")
    ends = [p for p in month_range(pd.Period("2011-03", "M"), END) if p.month in (3, 6, 9, 12)]
    offsets = {"ease_of_contact": (0.110, 0.985), "actions_taken": (-0.040, 0.955),
               "kept_informed": (-0.100, 0.92), "treatment": (0.085, 0.985),
               "whole_experience": (0.0, 1.0)}
    national = {"2011-03": 0.842, "2013-03": 0.848, "2015-03": 0.838, "2017-03": 0.826,
                "2019-03": 0.812}
    rows: list[dict[str, object]] = []
    for end in ends:
        base = lerp(end, national)
        size = int(rng.normal(60000, 1500))
        for q, (off, share) in offsets.items():
            resp = int(round(size * share))
            rate = base + off + rng.normal(0, 0.002)
            if end == pd.Period("2015-03", "M") and q == "whole_experience":
                resp, rate = 60000, 0.838  # 2016 paper 11.4
            rows.append({"area": "England and Wales", "period_end": str(end), "question": q,
                         "respondents": resp, "satisfied": int(round(resp * rate))})
    peers = [f"Peer force {c}" for c in "ABCDEFG"]
    effects = rng.normal(0.0, 0.22, len(peers))
    sizes = rng.integers(900, 2400, len(peers))
    for name, eff, size in zip(peers, effects, sizes, strict=True):
        for end in ends:
            base = lerp(end, national)
            for q, (off, share) in offsets.items():
                p = 1 / (1 + np.exp(-(logit(min(base + off, 0.99)) + eff)))
                resp = int(rng.poisson(size * share))
                rows.append({"area": name, "period_end": str(end), "question": q,
                             "respondents": resp, "satisfied": int(rng.binomial(resp, p))})
    return pd.DataFrame(rows)


def public_confidence(seed: int) -> pd.DataFrame:
    """Rolling 12-month public confidence measures from December 2012."""
    rng = rng_for(seed, "public_confidence")
    months = month_range(pd.Period("2012-01", "M"), END)
    per_month = 250
    measures = {
        "police deal with local concerns": (
            {"2012-01": 0.675, "2013-06": 0.70, "2015-12": 0.74, "2017-06": 0.73,
             "2019-03": 0.715}, {"2012-12": 2046, "2015-12": 2211}),
        "satisfaction with service delivery": (
            {"2012-01": 0.856, "2014-01": 0.86, "2015-12": 0.858, "2019-03": 0.85},
            {"2012-12": 2568, "2015-12": 2574}),
    }
    rows: list[dict[str, object]] = []
    for measure, (trend, targets) in measures.items():
        agree = np.array([rng.binomial(per_month, lerp(m, trend)) for m in months])
        for end, target in targets.items():
            stop = months.get_loc(pd.Period(end, "M"))
            window = slice(stop - 11, stop + 1)
            delta = target - int(agree[window].sum())
            step = 1 if delta > 0 else -1
            while delta != 0:  # spread the nudge over the window's months
                i = window.start + int(rng.integers(0, 12))
                if 0 <= agree[i] + step <= per_month:
                    agree[i] += step
                    delta -= step
        for i in range(11, len(months)):
            rows.append({"period_end": str(months[i]), "measure": measure,
                         "respondents": per_month * 12,
                         "agreeing": int(agree[i - 11:i + 1].sum())})
    return pd.DataFrame(rows).sort_values(["period_end", "measure"], kind="stable").reset_index(
        drop=True)
