"""Grants: spend by fund, district and financial year; participants, completion and cost per
participant; reach; outcomes against targets; data-quality notes. (The 2016 paper's grant
figures are checked in :mod:`evaluation.measures.calibration`.)

Works on the ``grants`` register (``data_dir/grants.csv``) or on a 360Giving file (read by
:func:`evaluation.data.loaders.load_360giving`, which maps it to the same columns). Only
:func:`load_register` touches files; every other function works on frames. Tables carry
plain-English column headings; amounts are pounds, rates 0–1.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from evaluation.data import loaders
from evaluation.data.schemas import FUNDS
from evaluation.errors import EvaluationError
from evaluation.methods.periods import financial_years
from evaluation.methods.proportions import wilson_interval

log = logging.getLogger(__name__)

SOURCES = ("sample", "360giving")
REAL_360GIVING = Path("oxford-cc-grants-360giving") / (
    "oxford-city-council-grants-awarded-2014-15-to-2017-18.csv")
"""The bundled real 360Giving file, relative to ``real_dir``."""
BY_LABELS = {"fund": "Fund", "district": "District", "financial_year": "Financial year"}


# ----------------------------------------------------------------------------- loading
def load_register(grants_source: str = "sample", data_dir: str | Path = "../data/sample",
                  giving360_path: str | Path = "", real_dir: str | Path = "../data/real"
                  ) -> pd.DataFrame:
    """The grant register in the ``grants`` contract shape, from the chosen source.

    ``"sample"`` reads ``data_dir/grants.csv``; ``"360giving"`` reads ``giving360_path``
    (default: the bundled Oxford City Council proxy under ``real_dir``). A sample-format
    register whose only faults are cross-field values (a grant that ends before it starts,
    more completers than participants) is read leniently, so those become data-quality notes;
    a repeated grant id, or a value that cannot be read, stops the run (a duplicated register
    would double every total). The problems are kept in ``attrs["problems"]`` and
    ``attrs["source"]`` says which source was read.
    """
    if grants_source not in SOURCES:
        raise EvaluationError(f"grants_source must be one of {', '.join(SOURCES)}, "
                              f"not '{grants_source}'")
    if grants_source == "360giving":
        path = Path(giving360_path) if str(giving360_path) else Path(real_dir) / REAL_360GIVING
        df = loaders.load_360giving(path)
        df.attrs["source"] = "360giving"
        return df
    df = loaders.load("grants", loaders.dataset_path(data_dir, "grants"), lenient=True)
    df.attrs["source"] = "sample"
    return df


def is_proxy(register: pd.DataFrame) -> bool:
    """True when the register came from the 360Giving proxy file, not the sample register."""
    return register.attrs.get("source") == "360giving"


# ----------------------------------------------------------------------------- periods
def in_period(register: pd.DataFrame, start: object = None, end: object = None
              ) -> pd.DataFrame:
    """Grants awarded from ``start`` to ``end`` inclusive (dates; None = open)."""
    keep = pd.Series(True, index=register.index)
    award = pd.to_datetime(register["award_date"])
    if start not in (None, ""):
        keep &= award >= pd.Timestamp(str(start))
    if end not in (None, ""):
        keep &= award <= pd.Timestamp(str(end))
    out = register.loc[keep.fillna(False).astype(bool)].reset_index(drop=True)
    out.attrs = dict(register.attrs)
    return out


def _group_key(register: pd.DataFrame, by: str) -> pd.Series:
    if by == "financial_year":
        return financial_years(register["award_date"]).fillna("date not known")
    if by not in register.columns:
        raise ValueError(f"cannot group grants by {by!r}")
    return register[by].astype("string").fillna("not recorded")


def _with_total(table: pd.DataFrame, label_col: str, sums: list[str]) -> pd.DataFrame:
    total = {c: table[c].sum() for c in sums}
    total[label_col] = "Total"
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


# ----------------------------------------------------------------------------- spend
def spend_table(register: pd.DataFrame, by: str = "fund") -> pd.DataFrame:
    """Grants and amount awarded by ``by`` (fund, district or financial_year), with each
    group's share of the amount and a Total row (last)."""
    label = BY_LABELS.get(by, by)
    key = _group_key(register, by)
    g = pd.DataFrame({label: key, "amount": register["amount_gbp"].astype("float64")})
    out = g.groupby(label, as_index=False).agg(**{"Grants": ("amount", "size"),
                                                  "Amount (£)": ("amount", "sum")})
    if by == "fund":
        order = {f: i for i, f in enumerate(FUNDS)}
        out = out.sort_values(label, key=lambda s: s.map(order).fillna(99))
    elif by == "district":
        out = out.sort_values("Amount (£)", ascending=False)
    out = _with_total(out.reset_index(drop=True), label, ["Grants", "Amount (£)"])
    out[label] = out[label].astype(str)
    total = out["Amount (£)"].iloc[-1]
    out["Share of spend"] = out["Amount (£)"] / total if total > 0 else float("nan")
    out["Grants"] = out["Grants"].astype(int)
    return out


# ----------------------------------------------------------------------------- participants
def _per_project(register: pd.DataFrame) -> pd.DataFrame:
    p = pd.DataFrame({
        "amount": register["amount_gbp"].astype("float64"),
        "participants": pd.to_numeric(register["participants"]).astype("float64"),
        "completers": pd.to_numeric(register["completers"]).astype("float64"),
    }, index=register.index)
    p["cpp"] = p["amount"] / p["participants"].where(p["participants"] > 0)
    p["cpc"] = p["amount"] / p["completers"].where(p["completers"] > 0)
    return p


def participation_table(register: pd.DataFrame, by: str = "fund", confidence: float = 0.95
                        ) -> pd.DataFrame:
    """Projects, participants and completers by ``by`` with the completion rate (completers /
    participants over projects recording both) and its Wilson interval; Total row last."""
    label = BY_LABELS.get(by, by)
    p = _per_project(register)
    p[label] = _group_key(register, by)
    both = p["participants"].notna() & p["completers"].notna()
    rows = []
    keys = sorted(p[label].drop_duplicates(),
                  key=lambda k: (FUNDS.index(k) if k in FUNDS else len(FUNDS), str(k)))
    groups = [(k, p.loc[p[label] == k]) for k in keys]
    groups.append(("Total", p))
    for name, g in groups:
        b = both.loc[g.index]
        part, comp = g.loc[b, "participants"].sum(), g.loc[b, "completers"].sum()
        rate = lower = upper = float("nan")
        if part > 0:
            rate = comp / part
            lower, upper = wilson_interval(comp, part, confidence)
        rows.append({label: name, "Projects": len(g),
                     "Projects recording participants": int(g["participants"].notna().sum()),
                     "Participants": g["participants"].sum(min_count=1),
                     "Completers": g["completers"].sum(min_count=1),
                     "Completion rate": rate, "Lower": lower, "Upper": upper,
                     "Confidence level": confidence})
    return pd.DataFrame(rows)


def cost_table(register: pd.DataFrame, by: str = "fund") -> pd.DataFrame:
    """Cost per participant and per completer by ``by``, over projects that record them.

    Two kinds of figure, named in the headings: "total-based" = the group's amount divided by
    its participants (or completers), i.e. the cost of the average person; "median" and
    "quartiles" = the spread of each project's own cost per person across projects (the
    typical project). Groups with no project recording participants are left out.
    """
    label = BY_LABELS.get(by, by)
    p = _per_project(register)
    p[label] = _group_key(register, by)
    rows = []
    keys = [k for k in p[label].drop_duplicates() if p.loc[p[label] == k, "cpp"].notna().any()]
    groups = [(k, p.loc[p[label] == k]) for k in keys]
    if groups:
        groups.append(("Total", p.loc[p[label].isin(keys)]))
    for name, g in groups:
        withp = g.loc[g["cpp"].notna()]
        withc = g.loc[g["cpc"].notna()]
        rows.append({
            label: name,
            "Projects with participants": len(withp),
            "Amount (£)": withp["amount"].sum(),
            "Participants": withp["participants"].sum(),
            "Completers": withc["completers"].sum(),
            "Cost per participant, total-based (£)": withp["amount"].sum()
            / withp["participants"].sum(),
            "Cost per participant, median project (£)": withp["cpp"].median(),
            "Cost per participant, lower quartile (£)": withp["cpp"].quantile(0.25),
            "Cost per participant, upper quartile (£)": withp["cpp"].quantile(0.75),
            "Cost per completer, total-based (£)": (withc["amount"].sum()
                                                    / withc["completers"].sum())
            if len(withc) else float("nan"),
            "Cost per completer, median project (£)": withc["cpc"].median(),
            "Cost per completer, lower quartile (£)": withc["cpc"].quantile(0.25),
            "Cost per completer, upper quartile (£)": withc["cpc"].quantile(0.75),
        })
    return pd.DataFrame(rows, columns=[label, "Projects with participants", "Amount (£)",
                                       "Participants", "Completers",
                                       "Cost per participant, total-based (£)",
                                       "Cost per participant, median project (£)",
                                       "Cost per participant, lower quartile (£)",
                                       "Cost per participant, upper quartile (£)",
                                       "Cost per completer, total-based (£)",
                                       "Cost per completer, median project (£)",
                                       "Cost per completer, lower quartile (£)",
                                       "Cost per completer, upper quartile (£)"])


# ----------------------------------------------------------------------------- reach
def reach_table(register: pd.DataFrame) -> pd.DataFrame:
    """Reach by district: grants, recipients, amount and participants; Total row last."""
    p = _per_project(register)
    p["District"] = _group_key(register, "district")
    p["recipient"] = register["recipient"].astype("string")
    out = p.groupby("District", as_index=False).agg(
        **{"Grants": ("amount", "size"), "Recipients": ("recipient", "nunique"),
           "Amount (£)": ("amount", "sum"),
           "Participants": ("participants", lambda s: s.sum(min_count=1))})
    out = out.sort_values("Amount (£)", ascending=False).reset_index(drop=True)
    total = {"District": "Total", "Grants": len(p), "Recipients": p["recipient"].nunique(),
             "Amount (£)": p["amount"].sum(), "Participants": p["participants"].sum(min_count=1)}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


# ----------------------------------------------------------------------------- outcomes
def outcomes_table(register: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """By outcome measure: projects with a target and a result, how many met their target
    (achieved >= target; every measure in the register is higher-is-better) and the share
    with its Wilson interval; Total row last."""
    has = (register["outcome_target"].notna() & register["outcome_achieved"].notna())
    r = register.loc[has]
    met = (r["outcome_achieved"].astype(float) >= r["outcome_target"].astype(float))
    rows = []
    measures = r["outcome_measure"].astype("string").fillna("not named")
    for name in list(measures.drop_duplicates()) + ["Total"]:
        mask = pd.Series(True, index=r.index) if name == "Total" else measures == name
        n, k = int(mask.sum()), int(met[mask].sum())
        lower, upper = wilson_interval(k, n, confidence) if n else (float("nan"),) * 2
        rows.append({"Outcome measure": name, "Projects with a target and a result": n,
                     "Met target": k, "Share meeting target": k / n if n else float("nan"),
                     "Lower": lower, "Upper": upper, "Confidence level": confidence})
    out = pd.DataFrame(rows)
    out.attrs["without"] = int((~has).sum())
    return out
