"""The frontier: every commitment and member page a run knows of, in canonical form, once.

Sources (sitemaps, links, the seed file, the raw store, ID probes) all offer URLs here; the
frontier folds them to canonical URLs in the run's language, drops what is off-site or out of
scope (``--only``), deduplicates commitments by ID, and answers which IDs to probe next.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pipeline.ids import id_number, id_prefix
from pipeline.urls import (
    CommitmentRef,
    commitment_url,
    member_url,
    parse_commitment_url,
    parse_member_url,
    same_site,
)


class Frontier:
    def __init__(self, base_url: str, language: str, only_member: str | None) -> None:
        self.base_url = base_url
        self.language = language
        self.only_member = only_member.lower() if only_member else None
        self.commitments: dict[str, str] = {}  # commitment ID -> canonical URL
        self.refs: dict[str, CommitmentRef] = {}  # canonical URL -> ref
        self.changed_by: dict[str, datetime] = {}  # canonical URL -> sitemap lastmod bound
        self.members: set[str] = set()  # canonical member page URLs
        self._highest: dict[tuple[str, str], int] = {}  # (slug, ID prefix) -> highest number
        self._probed: set[tuple[str, str, int]] = set()  # (slug, ID prefix, number) asked for
        # Links as written in pages, already offered: every page of a member repeats the same
        # list, so most links are seen many times; skip re-parsing them (without lastmod only).
        self._seen_links: set[str] = set()
        # Discovery method ("sitemaps", "links", "probes") -> canonical commitment URLs it
        # offered, known before or not: what each method finds (a dry run reports it).
        self.found_by: dict[str, set[str]] = {}

    def in_scope(self, ref: CommitmentRef) -> bool:
        return self.only_member is None or ref.member_slug == self.only_member

    def offer_commitment(
        self, ref: CommitmentRef, changed_by: datetime | None = None, source: str | None = None
    ) -> str | None:
        """Canonical URL when this commitment is new to the run (to be fetched), else None.
        ``source`` names the discovery method that found it (see ``found_by``)."""
        if not self.in_scope(ref):
            return None
        ref = replace(ref, language=self.language)
        known = self.commitments.get(ref.commitment_id)
        url = known or commitment_url(ref, self.base_url)
        if source is not None:
            self.found_by.setdefault(source, set()).add(url)
        if changed_by is not None:
            previous = self.changed_by.get(url)
            self.changed_by[url] = changed_by if previous is None else max(previous, changed_by)
        if known is not None:
            return None
        self.commitments[ref.commitment_id] = url
        self.refs[url] = ref
        series = (ref.member_slug, id_prefix(ref.commitment_id))
        self._highest[series] = max(self._highest.get(series, 0), id_number(ref.commitment_id))
        return url

    def offer_member(self, slug: str) -> str | None:
        """Canonical member page URL when new to the run and in scope, else None."""
        if self.only_member is not None and slug != self.only_member:
            return None
        url = member_url(slug, self.base_url, self.language)
        if url in self.members:
            return None
        self.members.add(url)
        return url

    def offer_link(
        self, url: str, changed_by: datetime | None = None, source: str | None = None
    ) -> tuple[str, str] | None:
        """("commitment" | "member", canonical URL) for a new in-scope link, else None."""
        if changed_by is None:
            if url in self._seen_links:
                return None
            self._seen_links.add(url)
        if not same_site(url, self.base_url):
            return None
        ref = parse_commitment_url(url)
        if ref is not None:
            new = self.offer_commitment(ref, changed_by, source)
            return ("commitment", new) if new else None
        member = parse_member_url(url)
        if member is not None:
            new = self.offer_member(member[0])
            return ("member", new) if new else None
        return None

    def is_known(self, commitment_id: str) -> bool:
        return commitment_id in self.commitments

    def series(self) -> list[tuple[str, str, int]]:
        """(member slug, ID prefix, highest number known) for every numbering series seen."""
        return sorted((slug, prefix, top) for (slug, prefix), top in self._highest.items())

    def highest(self, slug: str, prefix: str) -> int:
        return self._highest.get((slug, prefix), 0)

    def claim_probe(self, slug: str, prefix: str, number: int) -> bool:
        """True the first time this ID of a series is to be probed (and not already known)."""
        key = (slug, prefix, number)
        if key in self._probed or self.is_known(self.probe_ref(slug, prefix, number).commitment_id):
            return False
        self._probed.add(key)
        return True

    def probe_ref(self, slug: str, prefix: str, number: int) -> CommitmentRef:
        return CommitmentRef(slug, f"{prefix}{number:04d}", self.language)
