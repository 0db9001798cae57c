"""SYNTHETIC ``public_contact``: contacts a month by channel (see "Other contact channels" in
the docstring of :mod:`evaluation.sample.synth`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation.sample.common import END, START, lerp, month_range, rng_for, split_exact

__all__ = ["public_contact"]


def public_contact(seed: int, monthly_calls: pd.DataFrame) -> pd.DataFrame:
    """Contacts by channel and month; 999/101 equal calls offered."""
    rng = rng_for(seed, "public_contact")
    months = month_range(START, END)
    rows: list[dict[str, object]] = [
        {"month": r.month, "channel": r.line, "contacts": int(r.offered)}
        for r in monthly_calls.itertuples()
    ]
    online: dict[pd.Period, int] = {}
    for m in month_range(pd.Period("2015-07", "M"), pd.Period("2015-12", "M")):
        online[m] = int(rng.poisson(lerp(m, {"2015-07": 8, "2015-12": 20})))
    q1_2016 = month_range(pd.Period("2016-01", "M"), pd.Period("2016-03", "M"))
    online.update(zip(q1_2016, split_exact(rng, 72, np.array([0.31, 0.33, 0.36])), strict=True))
    for m in month_range(pd.Period("2016-04", "M"), pd.Period("2017-12", "M")):
        mean = lerp(m, {"2016-04": 26, "2017-09": 75}) if m < pd.Period("2017-10", "M") else (
            lerp(m, {"2017-10": 190, "2017-12": 260}))
        online[m] = int(rng.poisson(mean))
    web: dict[pd.Period, int] = {}
    for m in month_range(pd.Period("2017-10", "M"), pd.Period("2017-12", "M")):
        web[m] = int(rng.poisson(lerp(m, {"2017-10": 900, "2017-12": 1250})))
    appendix_online = (887, 1529, 1572, 1673)  # 2019 letter, Appendix 1
    appendix_web = (3966, 3472, 3816, 3882)
    for q in range(4):
        qm = month_range(pd.Period(f"2018-{3 * q + 1:02d}", "M"), pd.Period(f"2018-{3 * q + 3:02d}",
                                                                        "M"))
        days = np.array([m.days_in_month for m in qm], dtype=float)
        online.update(zip(qm, split_exact(rng, appendix_online[q], days), strict=True))
        web.update(zip(qm, split_exact(rng, appendix_web[q], days), strict=True))
    for m in month_range(pd.Period("2019-01", "M"), END):
        online[m] = int(rng.poisson(600))
        web[m] = int(rng.poisson(1330))
    for m in months:
        if m in online:
            rows.append({"month": str(m), "channel": "online report", "contacts": online[m]})
        if m in web:
            rows.append({"month": str(m), "channel": "web chat", "contacts": web[m]})
        rows.append({"month": str(m), "channel": "email", "contacts": int(rng.poisson(
            lerp(m, {"2012-04": 1500, "2016-04": 2300, "2019-03": 2900})))})
        rows.append({"month": str(m), "channel": "front counter", "contacts": int(rng.poisson(
            lerp(m, {"2012-04": 6200, "2015-06": 4800, "2019-03": 2900})))})
        if m >= pd.Period("2014-01", "M"):
            rows.append({"month": str(m), "channel": "social media", "contacts": int(
                rng.poisson(lerp(m, {"2014-01": 90, "2017-10": 420, "2019-03": 650})))})
    order = {c: i for i, c in enumerate(
        ["999", "101", "online report", "web chat", "email", "front counter", "social media"])}
    df = pd.DataFrame(rows)
    df["_o"] = df["channel"].map(order)
    return df.sort_values(["month", "_o"], kind="stable").drop(columns="_o").reset_index(
        drop=True)
