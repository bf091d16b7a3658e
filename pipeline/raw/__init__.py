"""The raw store: what extract fetched, kept so that transform can run offline from it.
Extract writes it; transform reads it. No network here.

Layout of ``raw/``::

    state.sqlite            one row per URL (WAL mode; schema version in ``meta``), and the
                            fetch log: each page's bodies and 404/410s, run by run
    state.v1-backup.sqlite  the database as it was before a migration (kept)
    bodies/ab/abcd....zst   page bodies, zstd-compressed, named by the sha256 of the body,
                            each with a metadata frame (URL, time, run, Content-Type)
    bodies/tmp/             bodies being written (emptied when a writer opens the store)
    bodies/damaged/         body files found not to match their name, moved aside
    .lock                   held by the run writing here (see ``raw_lock``)

Bodies are never deleted by a run: the old bodies of a page are what ``rebuild-history``
parses again; ``prune`` removes those no kept publish or history version needs.

Modules: ``store`` (the two together), ``state`` (rows and queries), ``fetchlog`` (the fetch
log), ``state_schema`` (tables, opening), ``migrations`` (schema versions and the steps between
them), ``bodies`` (the body files), ``rebuild`` (the state rebuilt from the bodies),
``failures`` (full disk, damaged file), ``lock``.
"""

from pipeline.raw.bodies import BodyMeta, BodyRef
from pipeline.raw.lock import raw_lock
from pipeline.raw.state import DocumentState, FetchRecord, PageKey, PageState, StateDB
from pipeline.raw.store import RawStore, StoredPage, upgrade_raw

__all__ = [
    "BodyMeta",
    "BodyRef",
    "DocumentState",
    "FetchRecord",
    "PageKey",
    "PageState",
    "RawStore",
    "StateDB",
    "StoredPage",
    "raw_lock",
    "upgrade_raw",
]
