"""The README.md written beside the SYNTHETIC sample: what each file is and the calibration
achieved (:mod:`evaluation.sample.calibration`)."""

from __future__ import annotations

import pandas as pd

from evaluation.sample.calibration import calibration

__all__ = ["readme_text"]

_FILES = {
    "public_contact": "Contacts a month by channel, April 2012 - March 2019; 999 and 101 equal "
                      "calls offered; online reports from July 2015, web chat from October 2017.",
    "call_handling_monthly": "999 and 101 calls a month, aggregated from the simulated "
                             "call-level records (all of them, not only the bundled slice).",
    "call_logs.parquet": "One row per call, April 2018 - March 2019 only (the reporting year), "
                         "with when the first handler finished (`ended_at`, handle times); "
                         "zstd-compressed Parquet.",
    "call_handler_rota": "Handlers on shift by line, weekday and hour in a typical 2018/19 week "
                         "(101: primary handlers only).",
    "victim_satisfaction": "One row per victim survey response, April 2010 - March 2019, five "
                           "questions on the seven-point scale, ethnicity and age band.",
    "satisfaction_comparators": "England and Wales and seven fictional peer forces "
                                "(\"Peer force A\" ... \"G\"), 12-month windows ending each "
                                "quarter 2011-03 to 2019-03.",
    "public_confidence": "Rolling 12-month public confidence survey results, December 2012 - "
                         "March 2019.",
    "victims_hub": "Victims' Hub funnel a month, October 2014 - March 2019.",
    "grants": "Grant register; every recipient is fictional and marked \"(synthetic)\".",
    "correspondence": "One row per item of correspondence to the OPCC, December 2012 - "
                      "March 2019.",
    "engagement_activities": "The Commissioner's engagement diary across the five modes, "
                             "December 2012 - March 2019.",
    "communications": "Newsletter, media, social media and survey measures a month, December "
                      "2012 - March 2019.",
    "volunteers": "Special Constables (headcount and hours), cadet units and Speedwatch "
                  "schemes a month, April 2012 - March 2019.",
}


def readme_text(frames: dict[str, pd.DataFrame], seed: int, log_rows: int) -> str:
    """data/sample/README.md: what each file is and the calibration achieved."""
    lines = [
        "# SYNTHETIC sample data — not real figures",
        "",
        "Every file in this folder was made up by a computer. It describes a fictional police "
        "force that resembles Cambridgeshire (April 2012 - March 2019; victim satisfaction from "
        "April 2010) and is calibrated so that the figures published in the two source papers "
        "come out of it. Do not quote any of it as a fact about any real force, person or "
        "organisation. The modelling assumptions are documented in the docstring of "
        "`src/evaluation/sample/synth.py`; column definitions are in `docs/data.md`.",
        "",
        "Regenerate (same seed, byte-identical files):",
        "",
        "```",
        f"evaluation synth --out data/sample --seed {seed}",
        "```",
        "",
        "## Files",
        "",
        "| File | Rows | Contents |",
        "|---|---:|---|",
    ]
    for name, text in _FILES.items():
        file = name if name.endswith(".parquet") else f"{name}.csv"
        rows = f"{len(frames[name]):,}" if name in frames else f"{log_rows:,}"
        lines.append(f"| `{file}` | {rows} | {text} |")
    lines += [
        "",
        "Larger call logs for benchmarks: "
        "`evaluation.sample.synth.write_call_logs(path, n_calls)`.",
        "",
        "## Calibration",
        "",
        "Sources: \"2016 paper\" = report to the Business Coordination Board, 25 February 2016 "
        "(paragraph); \"2019 letter\" = the Commissioner's letter to the Police and Crime "
        "Panel, 22 January 2019. `tests/unit/sample/test_calibration.py` checks each row.",
        "",
        "| Target | Source | Achieved in this sample |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | {s} | {v} |" for t, s, v in calibration(frames)]
    return "\n".join(lines) + "\n"
