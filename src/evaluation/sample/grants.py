"""SYNTHETIC ``grants``: the grant register, every recipient fictional and marked
"(synthetic)" (see "Grants" in the docstring of :mod:`evaluation.sample.synth`)."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class _Register:
    """The register's rows as they are added; every draw comes from the one generator, so the
    order of the calls below is part of the data."""

    rng: np.random.Generator
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(self, fund: str, recipient: str, district: str, amount: int, award: pd.Timestamp,
            months: int, participants: int | None, completers: int | None,
            measure: str | None, target: float | None, achieved: float | None) -> None:
        start = award + pd.Timedelta(days=int(self.rng.integers(7, 45)))
        end = start + pd.DateOffset(months=months) - pd.Timedelta(days=1)
        self.rows.append({
            "fund": fund, "recipient": f"{recipient} (synthetic)", "district": district,
            "amount_gbp": amount, "award_date": award.date().isoformat(),
            "start_date": start.date().isoformat(), "end_date": end.date().isoformat(),
            "participants": participants, "completers": completers,
            "outcome_measure": measure, "outcome_target": target,
            "outcome_achieved": achieved})


def _youth_round(reg: _Register, n: int, total: int, people: int, first: str, last: str
                 ) -> None:
    """``n`` Youth Fund projects awarded between ``first`` and ``last``."""
    rng, towns = reg.rng, list(TOWNS)
    amounts = _split_amount(rng, total, n, 50, 500)
    heads = _split_amount(rng, people, n, 1, 12)
    days = np.sort(rng.integers(0, (pd.Timestamp(last) - pd.Timestamp(first)).days + 1, n))
    for amount, head, day in zip(amounts, heads, days, strict=True):
        town = towns[int(rng.integers(len(towns)))]
        name = f"{town} {_YOUTH_ACTIVITY[int(rng.integers(len(_YOUTH_ACTIVITY)))]}"
        completers = int(rng.binomial(head, 0.8))
        reg.add("Youth Fund", name, TOWNS[town], int(amount),
                pd.Timestamp(first) + pd.Timedelta(days=int(day)), int(rng.integers(3, 13)),
                int(head), completers, "young people completing the programme",
                float(round(head * 0.75)), float(completers))


def _youth_fund(reg: _Register) -> None:
    """The 37 Youth Fund projects to February 2016, then 12 a year."""
    rng = reg.rng
    _youth_round(reg, 37, 56_400, 1_860, "2013-06-01", "2016-02-24")  # 2016 paper 10.2
    for year in (2016, 2017, 2018):
        _youth_round(reg, 12, int(rng.integers(17, 22)) * 1000, int(rng.integers(550, 700)),
                     f"{year}-04-01", f"{year + 1}-02-28")


def _partnerships(reg: _Register, districts: list[str]) -> None:
    """One Community Safety Partnership grant a year to each district from 2013/14."""
    rng = reg.rng
    csp = _split_amount(rng, 771_000, 18, 500, 20_000)  # 2016 paper 9.2: over £760,000
    yearly = [csp[i * 6:(i + 1) * 6] for i in range(3)]
    yearly += [_split_amount(rng, int(rng.integers(230, 260)) * 1000, 6, 500, 20_000)
               for _ in range(3)]
    for y, amounts in enumerate(yearly):
        for district, amount in zip(districts, amounts, strict=True):
            reg.add("Community Safety Partnership", f"{district} Safer Communities Partnership",
                    district, int(amount), pd.Timestamp(f"{2013 + y}-04-15") + pd.Timedelta(
                        days=int(rng.integers(0, 40))), 12, None, None,
                    "reduction in anti-social behaviour incidents (%)", 5.0,
                    float(round(rng.normal(5.5, 2.5), 1)))


def _services_and_others(reg: _Register, districts: list[str]) -> None:
    """Commissioned services each year from 2014 and 14 small Neighbourhood Watch grants."""
    rng, towns = reg.rng, list(TOWNS)
    services = (("Victim Care Service", 420_000), ("Substance Misuse Service", 150_000),
                ("Restorative Justice Service", 90_000), ("Domestic Abuse Advocacy", 180_000))
    for year in range(2014, 2019):
        for name, amount in services:
            district = districts[int(rng.integers(len(districts)))]
            reg.add("Commissioned service", f"Eastfen {name}", district,
                    int(round(amount * rng.uniform(0.9, 1.1), -3)),
                    pd.Timestamp(f"{year}-03-20"), 12, None, None, None, None, None)
    for _ in range(14):
        town = towns[int(rng.integers(len(towns)))]
        reg.add("Other", f"{town} Neighbourhood Watch Association", TOWNS[town],
                int(rng.integers(4, 40)) * 250,
                pd.Timestamp("2013-01-01") + pd.Timedelta(days=int(rng.integers(0, 2200))), 12,
                None, None, None, None, None)


def grants(seed: int) -> pd.DataFrame:
    """Grant register with fictional (synthetic) recipients."""
    reg = _Register(rng_for(seed, "grants"))
    districts = sorted(set(TOWNS.values()))
    _youth_fund(reg)
    _partnerships(reg, districts)
    _services_and_others(reg, districts)
    df = pd.DataFrame(reg.rows).sort_values(["award_date", "fund", "recipient"], kind="stable")
    df.insert(0, "grant_id", [f"G{i:04d}" for i in range(1, len(df) + 1)])
    for col in ("participants", "completers"):
        df[col] = df[col].astype("Int64")
    return df.reset_index(drop=True)
