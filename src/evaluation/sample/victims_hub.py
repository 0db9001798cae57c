"""SYNTHETIC ``victims_hub``: the Victims' Hub funnel a month (see "Victims' Hub" in the
docstring of :mod:`evaluation.sample.synth`)."""

from __future__ import annotations

import pandas as pd

from evaluation.sample.common import END, lerp, month_range, rng_for

__all__ = ["victims_hub"]


def victims_hub(seed: int) -> pd.DataFrame:
    """Monthly Victims' Hub funnel from launch in October 2014."""
    rng = rng_for(seed, "victims_hub")
    rows = []
    for m in month_range(pd.Period("2014-10", "M"), END):
        mean = lerp(m, {"2014-10": 480, "2014-12": 700, "2016-06": 720, "2019-03": 780})
        referred = int(rng.poisson(mean))
        contacted, not_contactable, _pending = rng.multinomial(referred, [0.76, 0.20, 0.04])
        supported, declined, _other = rng.multinomial(contacted, [0.75, 0.16, 0.09])
        rows.append({"month": str(m), "referred": referred, "contacted": int(contacted),
                     "not_contactable": int(not_contactable), "supported": int(supported),
                     "declined": int(declined)})
    return pd.DataFrame(rows)
