"""Evaluate a Police and Crime Commissioner's public engagement and build board papers.

Analysts import the domain modules (``evaluation.measures.victim_satisfaction``,
``evaluation.methods.queueing`` ...);
the batch run is ``evaluation report --params params/sample.yaml``.
"""

from importlib.metadata import PackageNotFoundError, version

from evaluation.data import read_log as _reads

try:
    __version__ = version("opcc-evaluation")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

_reads.start_if_requested()  # the batch run notes which files each section reads

__all__ = ["__version__"]
