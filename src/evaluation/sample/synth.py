"""SYNTHETIC sample force: a seeded generator of every dataset of the contract.

Nothing made here is a real figure. The generator builds a force that *resembles*
Cambridgeshire (six districts, towns of the 2016 paper) from April 2012 to March 2019, with
victim-satisfaction responses from April 2010 so that the 12 months to March 2011 exist, and
calibrates it so that the aggregates published in the two source papers come out of it:
the Business Coordination Board paper of 25 February 2016 ("2016 paper", paragraph numbers)
and the Commissioner's letter of 22 January 2019 ("2019 letter").

Determinism
    Every dataset draws from its own ``numpy.random.Generator`` seeded by
    ``SeedSequence([seed, crc32(dataset name)])``: the same seed gives byte-identical files, and
    changing one dataset's model does not shift the random numbers of another. CSVs are written
    with ``\\n`` line endings and fixed rounding; Parquet with fixed compression and no
    timestamps in its metadata.

Modules
    This module is the entry point (``generate_sample``, ``write_call_logs``, ``main``); the
    model is in ``calls``, ``public_contact``, ``satisfaction`` (victim satisfaction, the
    comparators, public confidence), ``victims_hub``, ``grants`` and ``engagement``
    (correspondence, engagement, communications, volunteers), drawing with the helpers of
    ``common``; ``calibration`` and ``readme`` write the README beside the sample.

Calls (``call_logs`` -> ``call_handling_monthly``, ``call_handler_rota``, ``public_contact``)
    * Volumes: expected calls a day per line are interpolated linearly between mid-year anchors
      (101: 935 a day in 2012 rising to 1,015 in 2017, falling to 950 in 2019 as online
      reporting takes over; 999: 178 a day rising to 245), times a month-of-year seasonal
      factor (summer +5 %, December -4 %) and the days in the month; the month's count is
      Poisson. 101 is therefore about 30,000 a month in 2015/16 (2016 paper 8.1) and 999+101
      about 446,000 in 2016 and 453,000 in 2017 (2019 letter: "over 435,000", "over 447,000").
    * Arrivals: each call falls in an hour of the month with probability proportional to a
      weekday x hour-of-day profile (101: office-hours peak, quieter weekends; 999: evening
      peak and Friday/Saturday night surge), uniformly within the hour, to the second.
    * Primary answer: a call is answered after ring time (2-8 s for 101, 1-4 s for 999) unless
      it is *delayed*; a delayed call waits a further exponential time (mean 100 s for 101,
      9 s for 999). The probability of delay in an hour of the week is ``k * r**3`` (capped at
      0.97) where ``r`` is the hour's ratio of Erlang C requirement to rostered handlers in
      a typical 2015/16 week (the calibration year; the same week in every month, so the
      calibrated aggregates do not depend on the rota published), so thinly staffed hours
      queue most. Callers have exponential
      patience (mean 240 s for 101, 45 s for 999); a delayed caller whose patience runs out
      first abandons. ``k`` is solved by bisection *on the month's own random draws* so that
      the month's service level (calls answered within target / calls answered) equals the
      month's planned level: 101 about 64 % in 2012 ("the public were dissatisfied", 2016
      paper 8.1), improving after the Commissioner's 101 survey to exactly 94 % on average in
      every month of 2015/16 (2016 paper 8.2), then easing to about 88 % in 2018 as demand
      rises. 999 runs at 90-94 % within 10 s. Targets: 10 s for 999, 30 s for 101.
    * Secondary handling (101 only): an answered 101 call is transferred to a secondary
      handler with probability 0.44 in 2012 rising to 0.50 from April 2015 (2016 paper 8.2).
      Secondary wait (secondary_answered_at - answered_at, which includes the triage
      conversation) is gamma-distributed (shape 2) and rescaled so that the month's mean over
      answered secondaries equals the planned mean: 6.7 minutes in 2012 rising to 7.5
      minutes in October 2015, then 3.5 minutes from November 2015 when ten extra call
      handlers start (2016 paper 8.2); ``call_handlers_fte`` for 101 (primary + secondary
      handlers) rises by exactly 10 that month. From November 2015 a transferred caller may
      ask for a call-back (12 %) instead of waiting; call-backs are made 10 minutes to a few
      hours later, 3 % never. Some transferred callers hang up before secondary pick-up
      (6 % before, 3 % after November 2015). 999 calls are never transferred.
    * Handle time (``ended_at - answered_at``, the first handler's talk and wrap-up,
      including triage for 101): gamma-distributed with shape 2 (right-skewed, mode at half
      the mean) with mean the line's average handling time (420 s for 101, 200 s for 999)
      times a mild hour-of-day factor (+/- 8 %: longest around 03:00, shortest around
      15:00, scaled so that the demand-weighted mean is the average handling time), rounded
      to whole seconds, at least 20 s. Drawn from generators of their own (``handle-101``,
      ``handle-999``; ``stream-handle`` for ``write_call_logs``), so adding them changed no
      other draw. ``ended_at`` is blank for abandoned calls.
    * ``call_handling_monthly`` is aggregated from the call-level records, so the two agree;
      only the reporting year April 2018 - March 2019 is kept as ``call_logs.parquet``
      (with ``ended_at``), so handle time, patience and the Erlang A model can be measured
      and back-tested month by month in the period the board paper reports on.
    * ``call_handler_rota``: a typical 2018/19 week (the year of the call logs). Requirement
      per hour, from the mean expected demand of April 2018 - March 2019, is the smallest
      number of handlers meeting 90 % within target under Erlang C (average handling time
      420 s for 101 including triage, 200 s for 999); the rota is 60 % demand-led and 40 %
      an eight-hour shift average, in half-handler steps, so peaks are slightly under-staffed.

Other contact channels (``public_contact``)
    999 and 101 contacts equal calls offered. Online reporting starts July 2015 at a trickle
    with exactly 72 reports in January-March 2016 (2019 letter), grows slowly, jumps with the
    new website in October 2017; web chat starts that month. The 2018 quarterly online and web
    chat counts equal Appendix 1 of the 2019 letter exactly (online 887, 1,529, 1,572, 1,673;
    web chat 3,966, 3,472, 3,816, 3,882), split into months multinomially so that they sum
    exactly. Email, front counter (falling as the estate is reviewed, 2016 paper 7.3) and
    social media are plausible trends with Poisson noise.

Victim satisfaction (``victim_satisfaction``, ``satisfaction_comparators``)
    About 85 responses a month, April 2010 - March 2019, exactly 1,000 in April 2014 - March
    2015. Each response has a crime group, ethnicity (White 88 %, so Mixed, Black and Other
    are small groups) and age band; whole-experience satisfaction follows a logistic model:
    a time trend (81.5 % in 2010 rising to 87 % in 2015/16, easing to 83.5 % by 2019) plus
    crime-group, age and ethnicity effects, drawn with a logistic latent variable. Two
    windows are then fixed exactly by taking the responses with the highest latent values:
    865 of the 1,000 in the 12 months to March 2015 are satisfied (86.5 %, 2016 paper 11.4),
    and burglary in calendar 2015 is round(91 % x n) (2016 paper 7.5). The 12 months to
    March 2011 are near 82 % on about 1,000 responses, so the rise to March 2015 is
    significant (two-proportion z-test p < 0.05; 2016 paper 11.5). The seven-point label is
    drawn given satisfied or not; the other four questions are satisfied with a probability
    that depends on the whole-experience answer, and are sometimes blank (not asked / don't
    know). Comparators are rolling 12-month windows ending each quarter, 2011-03 to 2019-03:
    England and Wales with about 60,000 respondents (whole experience in the 12 months to
    March 2015 = 50,280 of 60,000 = 83.8 %, 2016 paper 11.4) and seven fictional peer forces
    "Peer force A" ... "Peer force G" (900 to 2,400 respondents, force effects on the logit
    scale, binomial noise) so that a funnel plot is possible.

Public confidence (``public_confidence``)
    A monthly survey of 250 people from January 2012; rolling 12-month sums (3,000
    respondents) from December 2012. Monthly agreeing counts are binomial around a trend and
    then nudged, within each calibration window, so that "police deal with local concerns" is
    2,046 / 3,000 = 68.2 % in the 12 months to December 2012 and 2,211 / 3,000 = 73.7 % to
    December 2015, and "satisfaction with service delivery" 2,568 = 85.6 % and 2,574 = 85.8 %
    (2016 paper 11.7).

Victims' Hub (``victims_hub``), monthly from its launch in October 2014 to March 2019
    Referrals about 700 a month (ramping up over the first two months); of those referred
    76 % contacted and 20 % not contactable after three attempts (the rest still pending);
    of those contacted 75 % supported and 16 % declined, all multinomial. October 2014 -
    January 2016 then totals about 11,000 referred, 8,400 contacted, 2,200 not contactable,
    6,300 supported and 1,300 declined (2016 paper 7.9: over 10,000 / 8,000 / 2,000 / 6,000
    / 1,000).

Grants (``grants``), recipients fictional and marked "(synthetic)"
    Youth Fund: exactly 37 projects awarded June 2013 - February 2016 totalling £56,400 and
    1,860 young people (2016 paper 10.2: over £55,000, 37 projects, over 1,800), then about
    12 projects a year. Community Safety Partnership grants: one a year to each district's
    partnership from 2013/14, £771,000 in total up to February 2016 (2016 paper 9.2: over
    £760,000). A few commissioned services and other grants. Outcome fields where
    meaningful.

Correspondence (``correspondence``), one row per item, December 2012 (the first full month
    of the Commissioner) to March 2019: 121 + Poisson(25) items every month (2016 paper 6.1:
    "in excess of 120 pieces ... per month"); topics weighted towards call handling in
    2012-13, responded a log-normal number of days later (median 5), blank if not yet
    responded by 31 March 2019.

Engagement (``engagement_activities``), December 2012 - March 2019: about 24 activities a
    month across all five modes (2016 paper 4.4), types mapped to modes; Police Contact
    Points run roughly monthly from 2015 in Peterborough, St Neots, Cambridge, Wisbech,
    Chatteris, Huntingdon, St Ives and Cambourne (2016 paper 7.4).

Communications (``communications``), monthly December 2012 - March 2019: newsletter
    subscribers grow geometrically from about 600 to about 20,000 in January 2019 (2019
    letter), with 0.8 % monthly noise around that path; survey
    responses include the 101 survey (2013), precept surveys each January, and exactly 1,990
    in January 2019 (2019 letter: "1990 responses after the first two weeks").

Volunteers (``volunteers``), monthly April 2012 - March 2019: special constables about 300
    in 2014 falling to 281-289 in January-March 2016 (2016 paper 10.6: target 300, "over
    280"), about 21.4 hours each a month; cadet units from June 2015, four by early 2016
    (10.3); Speedwatch schemes growing (10.4).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyarrow.parquet as pq

from evaluation.data import loaders
from evaluation.sample import calls
from evaluation.sample.calls import CALL_SCHEMA, simulate_calls, stream_chunks
from evaluation.sample.common import (
    SATISFIED,
    TOWNS,
    split_exact,
    write_csv,
)
from evaluation.sample.engagement import communications, correspondence, engagement, volunteers
from evaluation.sample.grants import grants
from evaluation.sample.public_contact import public_contact
from evaluation.sample.readme import readme_text
from evaluation.sample.satisfaction import (
    public_confidence,
    satisfaction_comparators,
    victim_satisfaction,
)
from evaluation.sample.victims_hub import victims_hub

# the unit tests call these helpers as synth._name
_split_exact = split_exact
_erlang_c = calls._erlang_c
_required_agents = calls._required_agents

log = logging.getLogger(__name__)

__all__ = ["DATASETS", "SATISFIED", "TOWNS", "generate_sample", "main", "write_call_logs"]

# every contract dataset of the sample force; call logs are a Parquet slice, and police.uk and
# 360Giving are real published formats, not synthesised
DATASETS = tuple(d for d in loaders.DATASETS if d not in (
    "call_logs", "policeuk_street", "policeuk_outcomes", "grants_360giving"))


# --------------------------------------------------------------------------- call logs
def write_call_logs(
    path: Path, n_calls: int, seed: int = 1, start: str = "2012-04-01",
    chunk_rows: int = 1_000_000,
) -> Path:
    """Write ``n_calls`` SYNTHETIC call-level records to Parquet, one row group per chunk.

    Memory is bounded by ``chunk_rows``: each chunk is simulated, written with
    ``pyarrow.parquet.ParquetWriter`` and released before the next. Arrivals follow the
    weekly 999 + 101 profile at 2016 volumes from ``start``; answering uses the 2015/16
    behaviour of :func:`generate_sample` (no per-month calibration); handle times
    (``ended_at``) are drawn as there, from a generator of their own.
    """
    if n_calls < 0 or chunk_rows < 1:
        raise ValueError("n_calls must be >= 0 and chunk_rows >= 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, CALL_SCHEMA, compression="zstd") as writer:
        for table in stream_chunks(n_calls, seed, start, chunk_rows):
            writer.write_table(table, row_group_size=chunk_rows)
    log.info("wrote %d synthetic calls to %s", n_calls, path)
    return path


# --------------------------------------------------------------------------- entry points
def generate_sample(out_dir: Path, seed: int = 2016) -> dict[str, Path]:
    """Write every SYNTHETIC sample dataset to ``out_dir``; return dataset name -> path.

    Same seed, same bytes. ``call_logs`` is the April 2018 - March 2019 slice of the
    simulated calls (with handle times); ``call_handling_monthly`` aggregates all of them.
    ``README`` describes the files and the calibration achieved (computed from the generated
    data).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    monthly, rota, logs = simulate_calls(seed, out_dir)
    frames = {
        "public_contact": public_contact(seed, monthly),
        "call_handling_monthly": monthly,
        "call_handler_rota": rota,
        "victim_satisfaction": victim_satisfaction(seed),
        "satisfaction_comparators": satisfaction_comparators(seed),
        "public_confidence": public_confidence(seed),
        "victims_hub": victims_hub(seed),
        "grants": grants(seed),
        "correspondence": correspondence(seed),
        "engagement_activities": engagement(seed),
        "communications": communications(seed),
        "volunteers": volunteers(seed),
    }
    paths = {name: write_csv(df, out_dir / f"{name}.csv") for name, df in frames.items()}
    paths["call_logs"] = logs
    readme = out_dir / "README.md"
    log_rows = pq.ParquetFile(logs).metadata.num_rows
    readme.write_text(readme_text(frames, seed, log_rows), encoding="utf-8", newline="\n")
    paths["README"] = readme
    log.info("wrote %d synthetic datasets to %s (seed %d)", len(paths), out_dir, seed)
    return paths


def check_sample_folder(out: Path) -> None:
    """The generator writes only into a new or empty folder, or over an earlier synthetic
    sample (its README says SYNTHETIC and it holds only the generator's files): never over a
    folder of real extracts or anything else."""
    from evaluation.data.loaders import DATASETS
    from evaluation.errors import EvaluationError

    if out.exists() and not out.is_dir():
        raise EvaluationError(f"{out} is a file, not a folder; nothing was changed.")
    if not out.is_dir() or not any(out.iterdir()):
        return
    readme = out / "README.md"
    synthetic = readme.is_file() and readme.read_text(
        encoding="utf-8", errors="replace").startswith("# SYNTHETIC")
    own = {"README.md"} | {f"{d}{s}" for d in DATASETS for s in (".csv", ".parquet")}
    others = sorted(p.name for p in out.iterdir() if p.name not in own)
    if not synthetic or others:
        shown = ", ".join(others[:4]) or "no SYNTHETIC README.md"
        raise EvaluationError(
            f"{out} holds files that are not an earlier synthetic sample ({shown}); nothing "
            "was changed. Give a new or empty folder."
        )


def main(out: str, seed: int) -> None:
    """CLI entry: ``evaluation synth --out data/sample --seed 2016``."""
    paths = generate_sample(Path(out), seed=seed)
    for name, path in sorted(paths.items()):
        log.info("%s: %s", name, path)
