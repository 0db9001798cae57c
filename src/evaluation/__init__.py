"""Evaluate a Police and Crime Commissioner's public engagement and build board papers.

Analysts import the domain modules (``evaluation.satisfaction``, ``evaluation.calls`` ...);
the batch run is ``evaluation report --params params/sample.yaml``.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("opcc-evaluation")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"

from evaluation import reads as _reads

_reads.start_if_requested()  # the batch run notes which files each section reads

__all__ = ["__version__"]
