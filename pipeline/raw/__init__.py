"""The raw store: what extract fetched, kept so that transform can run offline from it.
Extract writes it; transform reads it. No network here.

Layout of ``raw/``::

    state.sqlite            one row per URL (WAL mode; schema version in ``meta``)
    bodies/ab/abcd....zst   page bodies, zstd-compressed, named by the sha256 of the body
    bodies/tmp/             bodies being written (emptied when a writer opens the store)
    .lock                   held by the run writing here (see ``raw_lock``)

Modules: ``store`` (the two together), ``state`` (rows and queries), ``state_schema`` (tables,
version, opening), ``bodies`` (the body files), ``lock``.
"""

from pipeline.raw.bodies import BodyRef
from pipeline.raw.lock import raw_lock
from pipeline.raw.state import DocumentState, FetchRecord, PageKey, PageState, StateDB
from pipeline.raw.store import RawStore, StoredPage

__all__ = [
    "BodyRef",
    "DocumentState",
    "FetchRecord",
    "PageKey",
    "PageState",
    "RawStore",
    "StateDB",
    "StoredPage",
    "raw_lock",
]
