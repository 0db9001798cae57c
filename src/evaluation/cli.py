"""Command line: ``evaluation report | validate | synth | verify``.

Every user error (bad parameters, bad data, a failed section) ends in one clear message on
standard error and a non-zero exit code, never a bare traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from evaluation.errors import DataValidationError, EvaluationError

log = logging.getLogger("evaluation")


def _report(args: argparse.Namespace) -> int:
    from evaluation.run.pipeline import run_report

    if args.out is not None and not args.out.strip():
        raise EvaluationError("--out is empty: give a folder for the board pack, or leave "
                              "--out out for reports/<run_name>.")
    summary = run_report(args.params, args.out, previous=args.previous,
                         use_cache=not args.no_cache)
    if summary.ok:
        sys.stdout.write(
            f"Board pack written to {summary.run_dir}\n  paper (HTML): {summary.html}\n"
            f"  paper (PDF):  {summary.pdf}\n"
            + (f"  public version for the Police and Crime Panel (HTML): {summary.public_html}\n"
               f"  public version for the Police and Crime Panel (PDF):  {summary.public_pdf}\n"
               if summary.public_html else "")
            + f"  rendered with {summary.engine}\n"
            f"  sections run: {sum(not o.cached for o in summary.outcomes)}, "
            f"reused unchanged: {sum(o.cached for o in summary.outcomes)}\n"
        )
        return 0
    sys.stderr.write(
        "The board pack is INCOMPLETE: "
        + "; ".join(f"section {o.section} failed: {o.error}" for o in summary.failed)
        + f"\nA draft marked DRAFT — INCOMPLETE was written to {summary.run_dir} for diagnosis"
        " (any complete pack at --out is unchanged); the executed notebooks under executed/"
        " show the failing cell.\n"
    )
    return 1


def _validate(args: argparse.Namespace) -> int:
    from evaluation.data.loaders import validate_command

    code, text = validate_command(args.dataset, args.paths)
    sys.stdout.write(text + ("\n" if text and not text.endswith("\n") else ""))
    return code


def _synth(args: argparse.Namespace) -> int:
    from evaluation.sample import synth

    if args.calls is not None:
        out = Path(args.out)
        if out.suffix != ".parquet":
            out = out / "call_logs.parquet"
        if out.exists() and not args.overwrite:
            raise EvaluationError(f"{out} exists; nothing was changed. Give a new file name, or "
                                  "--overwrite to replace it.")
        path = synth.write_call_logs(out, args.calls, seed=args.seed)
        sys.stdout.write(f"Wrote {args.calls:,} synthetic call records to {path}\n")
        return 0
    synth.check_sample_folder(Path(args.out))
    synth.main(args.out, args.seed)
    sys.stdout.write(f"Wrote the synthetic sample force to {args.out}\n")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from evaluation.run.provenance import verify_run

    ok, text = verify_run(Path(args.run_dir), allow_dirty=args.allow_dirty)
    sys.stdout.write(text + "\n")
    return 0 if ok else 1


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least {least}, "
                                         f"found {value}")
    return value


def _positive(text: str) -> int:
    return _whole(text, 1)


def _non_negative(text: str) -> int:
    return _whole(text, 0)


def _stop_on_sigterm() -> None:
    """SIGTERM (e.g. ``kill``) stops a run as Ctrl-C does: workers and kernels stopped, no
    half pack left, exit 143."""
    import signal

    def _handler(signum: int, frame: object) -> None:
        raise _Terminated(signum)

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGHUP, _handler)  # a closed terminal stops the run cleanly too


class _Terminated(BaseException):
    """Raised in the main process on SIGTERM or SIGHUP."""


def _import_policeuk(args: argparse.Namespace) -> int:
    from evaluation.data.policeuk_archive import import_archive, month_range

    try:
        months = month_range(args.months)
        done = import_archive(args.archive, args.force, months, args.out)
    except ValueError as exc:  # a force that is not a force
        raise EvaluationError(str(exc)) from None
    for kind, files in done.files.items():
        sys.stdout.write(f"{kind}: {len(files)} files, {done.rows[kind]:,} rows -> "
                         f"{Path(args.out) / kind}\n")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaluation",
        description="Evaluate a Police and Crime Commissioner's public engagement and build "
        "the Business Coordination Board pack.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="run the section notebooks and build the board pack")
    rep.add_argument("--params", required=True, help="run parameters, e.g. params/sample.yaml")
    rep.add_argument("--out", default=None, help="output folder (default reports/<run_name>)")
    rep.add_argument("--previous", default=None,
                     help="an earlier run folder: the summary says what changed since it")
    rep.add_argument("--no-cache", action="store_true",
                     help="run every section even if nothing changed since the last run")
    rep.set_defaults(func=_report)

    val = sub.add_parser("validate", help="check data files against their data contract")
    val.add_argument("dataset", help="dataset name, e.g. victims_hub")
    val.add_argument("paths", nargs="+", help="file(s) to check")
    val.set_defaults(func=_validate)

    syn = sub.add_parser("synth", help="generate the synthetic sample force or call logs")
    syn.add_argument("--out", default="data/sample", help="output folder (or .parquet file)")
    syn.add_argument("--seed", type=_non_negative, default=2016,
                     help="random seed (default 2016)")
    syn.add_argument("--overwrite", action="store_true",
                     help="with --calls: replace an existing Parquet file")
    syn.add_argument("--calls", type=_positive, default=None,
                     help="write only N call-level records (streamed to Parquet)")
    syn.set_defaults(func=_synth)

    imp = sub.add_parser("import", help="bring public data into the pack's real-data layout")
    imp_sub = imp.add_subparsers(dest="source", required=True)
    puk = imp_sub.add_parser("policeuk", help="one force's months from a data.police.uk zip")
    puk.add_argument("archive", help="the zip downloaded from data.police.uk")
    puk.add_argument("--force", required=True,
                     help="the police force area, e.g. Cambridgeshire (as ONS names it)")
    puk.add_argument("--months", required=True, help="YYYY-MM:YYYY-MM (or one YYYY-MM)")
    puk.add_argument("--out", required=True,
                     help="folder for street/, outcomes/ and stop-and-search/ (e.g. a "
                          "sub-folder of data/real)")
    puk.set_defaults(func=_import_policeuk)

    ver = sub.add_parser("verify", help="check a produced pack still matches its inputs")
    ver.add_argument("run_dir", help="a run folder, e.g. reports/sample")
    ver.add_argument("--allow-dirty", action="store_true",
                     help="accept a paper made from uncommitted code")
    ver.set_defaults(func=_verify)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("papermill", "nbconvert", "matplotlib", "fontTools"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # jupyter_client's notices about zmq contexts of finished kernel clients are not errors
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    _stop_on_sigterm()
    try:
        return int(args.func(args))
    except DataValidationError as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    except EvaluationError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: the run was stopped; no pack was written or changed\n")
        return 130
    except _Terminated as stop:
        sys.stderr.write("terminated: the run was stopped; no pack was written or changed\n")
        return 128 + int(stop.args[0])
    except OSError as exc:  # a disk that filled or a folder that became unwritable mid-run
        where = f" ({exc.filename})" if exc.filename else ""
        after = " Any earlier pack is unchanged." if args.command == "report" else ""
        sys.stderr.write(f"error: cannot read or write a file{where}: {exc.strerror or exc}."
                         f"{after}\n")
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
