"""SYNTHETIC ``grants``: the grant register, every recipient fictional and marked
"(synthetic)" (see "Grants" in the docstring of :mod:`evaluation.sample.synth`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.sample.common import TOWNS, rng_for

__all__ = ["grants"]


_YOUTH_ACTIVITY = ("Boxing Club", "Youth Drop-in", "Bike Workshop", "Street Dance Project",
                   "Football Academy", "Youth Theatre", "Skate Park Project", "Detached Youth Work",
                   "Music Studio", "Outdoor Adventure Club")


def _split_amount(rng: np.random.Generator, total: int, n: int, unit: int, low: int) -> np.ndarray:
    """``n`` amounts in multiples of ``unit``, each at least ``low``, summing to ``total``."""
    raw = rng.gamma(4.0, 1.0, n)
    parts = np.maximum(low, np.floor(raw / raw.sum() * total / unit) * unit).astype(np.int64)
    parts[np.argmax(parts)] += total - int(parts.sum())
    return parts


def grants(seed: int) -> pd.DataFrame:
    """Grant register with fictional (synthetic) recipients."""
    rng = rng_for(seed, "grants")
    towns = list(TOWNS)
    rows: list[dict[str, object]] = []

    def add(fund: str, recipient: str, district: str, amount: int, award: pd.Timestamp,
            months: int, participants: int | None, completers: int | None,
            measure: str | None, target: float | None, achieved: float | None) -> None:
        start = award + pd.Timedelta(days=int(rng.integers(7, 45)))
        end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        rows.append({"fund": fund, "recipient": f"{recipient} (synthetic)", "district": district,
                     "amount_gbp": amount, "award_date": award.date().isoformat(),
                     "start_date": start.date().isoformat(), "end_date": end.date().isoformat(),
                     "participants": participants, "completers": completers,
                     "outcome_measure": measure, "outcome_target": target,
                     "outcome_achieved": achieved})

    def youth(n: int, total: int, people: int, first: str, last: str) -> None:
        amounts = _split_amount(rng, total, n, 50, 500)
        heads = _split_amount(rng, people, n, 1, 12)
        days = np.sort(rng.integers(0, (pd.Timestamp(last) - pd.Timestamp(first)).days + 1, n))
        for amount, head, day in zip(amounts, heads, days, strict=True):
            town = towns[int(rng.integers(len(towns)))]
            name = f"{town} {_YOUTH_ACTIVITY[int(rng.integers(len(_YOUTH_ACTIVITY)))]}"
            completers = int(rng.binomial(head, 0.8))
            add("Youth Fund", name, TOWNS[town], int(amount),
                pd.Timestamp(first) + pd.Timedelta(days=int(day)), int(rng.integers(3, 13)),
                int(head), completers, "young people completing the programme",
                float(round(head * 0.75)), float(completers))

    youth(37, 56_400, 1_860, "2013-06-01", "2016-02-24")  # 2016 paper 10.2
    for year in (2016, 2017, 2018):
        youth(12, int(rng.integers(17, 22)) * 1000, int(rng.integers(550, 700)),
              f"{year}-04-01", f"{year + 1}-02-28")
    districts = sorted(set(TOWNS.values()))
    csp = _split_amount(rng, 771_000, 18, 500, 20_000)  # 2016 paper 9.2: over £760,000
    yearly = [csp[i * 6:(i + 1) * 6] for i in range(3)]
    yearly += [_split_amount(rng, int(rng.integers(230, 260)) * 1000, 6, 500, 20_000)
               for _ in range(3)]
    for y, amounts in enumerate(yearly):
        for district, amount in zip(districts, amounts, strict=True):
            add("Community Safety Partnership", f"{district} Safer Communities Partnership",
                district, int(amount), pd.Timestamp(f"{2013 + y}-04-15") + pd.Timedelta(
                    days=int(rng.integers(0, 40))), 12, None, None,
                "reduction in anti-social behaviour incidents (%)", 5.0,
                float(round(rng.normal(5.5, 2.5), 1)))
    services = (("Victim Care Service", 420_000), ("Substance Misuse Service", 150_000),
                ("Restorative Justice Service", 90_000), ("Domestic Abuse Advocacy", 180_000))
    for year in range(2014, 2019):
        for name, amount in services:
            district = districts[int(rng.integers(len(districts)))]
            add("Commissioned service", f"Eastfen {name}", district,
                int(round(amount * rng.uniform(0.9, 1.1), -3)),
                pd.Timestamp(f"{year}-03-20"), 12, None, None, None, None, None)
    for _ in range(14):
        town = towns[int(rng.integers(len(towns)))]
        add("Other", f"{town} Neighbourhood Watch Association", TOWNS[town],
            int(rng.integers(4, 40)) * 250,
            pd.Timestamp("2013-01-01") + pd.Timedelta(days=int(rng.integers(0, 2200))), 12,
            None, None, None, None, None)
    df = pd.DataFrame(rows).sort_values(["award_date", "fund", "recipient"], kind="stable")
    df.insert(0, "grant_id", [f"G{i:04d}" for i in range(1, len(df) + 1)])
    for col in ("participants", "completers"):
        df[col] = df[col].astype("Int64")
    return df.reset_index(drop=True)
