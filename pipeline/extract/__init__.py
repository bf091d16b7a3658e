"""The extract stage: discover commitment pages and fetch them politely, incrementally and
resumably into ``raw/``. The only part of the pipeline that touches the network.

``run_extract`` (in ``run.py``) is the entry point; per-page failures do not raise, they are
in the summary. Discovery methods live in ``discovery/``; fetching commitment pages in
``commitment_pages.py``; the crawl loop in ``crawl.py``; HTTP in ``fetcher.py``.
"""

from pipeline.extract.run import run_extract
from pipeline.extract.summary import FailedFetch, FetchSummary

__all__ = ["FailedFetch", "FetchSummary", "run_extract"]
