"""Rebuild the state database from the body files alone, for a ``state.sqlite`` that is damaged
or lost (``python -m pipeline rebuild-state``).

Every body file is read and verified (a damaged one is moved aside). A body's metadata frame
says which commitment page it was stored for, when, and with which Content-Type and
validators; a body written before metadata frames existed is attributed by its
``<link rel="canonical">``, when it has one. For each commitment the newest body becomes the
page's row ("ok", as last seen); its bodies are recorded oldest first, so that the fetch log
(schema 3) holds every version of the page the bodies keep, in the run that fetched it (the
404/410 outcomes and failures it held are lost with the database). Robots.txt, sitemaps and
member pages are not restored: the next run fetches them again. The damaged database is
moved aside first, never deleted.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

from pipeline.clock import utc_now
from pipeline.raw.bodies import BodyFiles, BodyMeta, BodyRef
from pipeline.raw.state import FetchRecord, PageKey, StateDB
from pipeline.raw.state_schema import create
from pipeline.urls import commitment_url, parse_commitment_url

STATE_FILE = "state.sqlite"
REBUILT_RUN = "rebuilt-from-bodies"  # the run id of rows whose first fetch is not known
_HEAD_BYTES = 256 * 1024  # the canonical link is in <head>, within the first KBs of a page
_CANONICAL_RE = re.compile(
    rb"""<link\b[^>]{0,1000}?\brel\s*=\s*["']?canonical\b[^>]{0,1000}>""", re.IGNORECASE
)
_HREF_RE = re.compile(rb"""\bhref\s*=\s*(?:"([^"]{1,2000})"|'([^']{1,2000})'|([^"'\s>]{1,2000}))""")


@dataclass
class RebuildReport:
    body_files: int = 0
    pages: int = 0  # commitment pages restored
    other_bodies: int = 0  # robots.txt, sitemaps, member pages, older versions of a page
    unattributed: int = 0  # bodies without metadata or canonical link: refetched next run
    damaged: int = 0  # moved to bodies/damaged/
    moved_aside: list[Path] = field(default_factory=list)

    def render(self, raw_dir: Path) -> str:
        moved = ", ".join(str(p) for p in self.moved_aside) or "nothing"
        return (
            f"rebuilt {raw_dir / STATE_FILE} from {self.body_files} body files: "
            f"{self.pages} commitment pages restored, {self.other_bodies} other bodies kept, "
            f"{self.unattributed} bodies with no known URL, {self.damaged} damaged bodies moved "
            f"to {raw_dir / 'bodies' / 'damaged'}; moved aside: {moved}. The next run "
            "revalidates every page and fetches robots.txt, sitemaps and member pages again."
        )


@dataclass
class _Candidate:
    when: datetime
    body: BodyRef
    key: PageKey
    meta: BodyMeta | None


def rebuild_state(raw_dir: Path, base_url: str) -> RebuildReport:
    """Move the state database aside and build a new one from ``raw_dir/bodies``. The caller
    holds the raw/ lock. ``base_url`` resolves relative canonical links of old bodies."""
    report = RebuildReport()
    path = raw_dir / STATE_FILE
    report.moved_aside = _move_aside(path)
    bodies = BodyFiles(raw_dir / "bodies")
    bodies.prepare_for_writing()
    versions: dict[tuple[str, str], list[_Candidate]] = {}
    stored: list[BodyRef] = []
    for file in bodies.files():
        report.body_files += 1
        found = bodies.read_file(file)
        if found is None:
            report.damaged += 1
            continue
        body, meta = found
        ref = BodyRef(file.name.removesuffix(".zst"), len(body), file.stat().st_size)
        stored.append(ref)
        candidate = _candidate(file, ref, body, meta, base_url)
        if candidate is None:
            report.unattributed += meta is None
            report.other_bodies += meta is not None
            continue
        slot = (candidate.key.language, candidate.key.commitment_id)
        report.other_bodies += slot in versions
        versions.setdefault(slot, []).append(candidate)
    db = StateDB(create(path), path)
    try:
        for ref in stored:
            db.record_body(ref, utc_now())
        for kept in versions.values():
            # Oldest first (the newest is the page's row); a tie goes to the body's name.
            for candidate in sorted(kept, key=lambda c: (c.when, c.body.sha256)):
                _restore(db, candidate)
    finally:
        db.close()
    report.pages = len(versions)
    return report


def _move_aside(path: Path) -> list[Path]:
    stamp = f"{utc_now():%Y%m%dT%H%M%SZ}"
    moved = []
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        source = path.with_name(name)
        if source.exists():
            target = path.with_name(f"{name}.damaged-{stamp}")
            source.replace(target)
            moved.append(target)
    return moved


def _candidate(
    file: Path, ref: BodyRef, body: bytes, meta: BodyMeta | None, base_url: str
) -> _Candidate | None:
    url: str | None = None
    when: datetime | None = None
    if meta is not None:
        if meta.kind != "page":
            return None
        url, when = meta.url, meta.fetched_time
    else:
        url = _canonical_link(body, base_url)
    page = parse_commitment_url(url) if url else None
    if page is None or url is None:
        return None
    key = PageKey(commitment_url(page, url), page.commitment_id, page.member_slug, page.language)
    when = when or datetime.fromtimestamp(file.stat().st_mtime, UTC)
    return _Candidate(when, ref, key, meta)


def _canonical_link(body: bytes, base_url: str) -> str | None:
    tag = _CANONICAL_RE.search(body, 0, _HEAD_BYTES)
    href = _HREF_RE.search(tag.group(0)) if tag else None
    if href is None:
        return None
    value = (href.group(1) or href.group(2) or href.group(3)).decode("utf-8", errors="replace")
    try:
        return urljoin(base_url, html.unescape(value).strip())
    except ValueError:
        return None


def _restore(db: StateDB, candidate: _Candidate) -> None:
    meta = candidate.meta
    record = FetchRecord(
        meta.run_id if meta else REBUILT_RUN,
        candidate.when,
        0,
        meta.etag if meta else None,
        meta.last_modified if meta else None,
        meta.content_type if meta else None,
    )
    fetched_url = meta.fetched_url if meta else candidate.key.url
    db.record_page_body(
        candidate.key, record, fetched_url=fetched_url, body=candidate.body, discoveries=None
    )
