"""tipgap: a domestic-legislation gap analyser for laws against trafficking in persons.

The public API is a handful of verbs; see :func:`scan` for the whole pipeline.
"""

__version__ = "0.1.0"

from .api import ScanResult, scan  # noqa: E402

__all__ = ["ScanResult", "scan", "__version__"]
