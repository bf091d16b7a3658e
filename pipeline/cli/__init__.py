"""The command line (``python -m pipeline``, ``ogp-pipeline``): options in ``options.py``, the
commands in ``commands.py``, ``main`` and the mapping of errors to exit codes in ``program.py``.
"""

from pipeline.cli.options import build_config, build_parser
from pipeline.cli.program import main

__all__ = ["build_config", "build_parser", "main"]
