"""What every dataset of the SYNTHETIC sample force shares: its months, places, the
satisfaction scale and the helpers each generator draws with (see ``synth`` for the model)."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "END",
    "NOT_SATISFIED",
    "OPCC_START",
    "SATISFIED",
    "START",
    "TOWNS",
    "lerp",
    "logit",
    "month_range",
    "rng_for",
    "split_exact",
    "write_csv",
]

START = pd.Period("2012-04", freq="M")
END = pd.Period("2019-03", freq="M")
OPCC_START = pd.Period("2012-12", freq="M")  # first full month of the Commissioner
TOWNS: dict[str, str] = {
    "Cambridge": "Cambridge",
    "Ely": "East Cambridgeshire",
    "Soham": "East Cambridgeshire",
    "Littleport": "East Cambridgeshire",
    "Wisbech": "Fenland",
    "March": "Fenland",
    "Chatteris": "Fenland",
    "Whittlesey": "Fenland",
    "Huntingdon": "Huntingdonshire",
    "St Neots": "Huntingdonshire",
    "St Ives": "Huntingdonshire",
    "Ramsey": "Huntingdonshire",
    "Peterborough": "Peterborough",
    "Cambourne": "South Cambridgeshire",
    "Sawston": "South Cambridgeshire",
    "Histon": "South Cambridgeshire",
}
SATISFIED = ("completely satisfied", "very satisfied", "fairly satisfied")
NOT_SATISFIED = (
    "neither satisfied nor dissatisfied",
    "fairly dissatisfied",
    "very dissatisfied",
    "completely dissatisfied",
)


def rng_for(seed: int, name: str) -> np.random.Generator:
    """An independent, reproducible generator for one dataset."""
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode())]))


def month_range(start: pd.Period, end: pd.Period) -> pd.PeriodIndex:
    return pd.period_range(start, end, freq="M")


def lerp(month: pd.Period, anchors: dict[str, float]) -> float:
    """Linear interpolation of a monthly path between ``{"YYYY-MM": value}`` anchors."""
    keys = [pd.Period(k, freq="M").ordinal for k in anchors]
    return float(np.interp(month.ordinal, keys, list(anchors.values())))


def split_exact(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into parts proportional to ``weights`` on average, summing exactly."""
    w = np.asarray(weights, dtype=float)
    return rng.multinomial(total, w / w.sum())


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def logit(p: np.ndarray | float) -> np.ndarray | float:
    return np.log(p / (1 - p))
