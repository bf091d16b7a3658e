"""Links discovery follows, and the seed file. Pure functions, no network.

Only member pages (``/members/{slug}/``) and commitment pages
(``/members/{slug}/commitments/{ID}/``) are ever followed, so the raw bytes are searched for
``href`` values containing ``members/`` with one case-sensitive regular expression (see
``_HREF``): cheaper than building a DOM, and than checking every ``members/`` substring.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from pipeline.errors import ConfigError
from pipeline.ids import is_member_slug, normalize_commitment_id
from pipeline.urls import CommitmentRef, parse_commitment_url

# An href whose value contains "members/", quoted either way or bare. Case-sensitive so that
# the regex engine can jump between literal "href" occurrences (~0.2 ms for a 120 KB page,
# against ~1 ms case-insensitively); pages that spell it otherwise take the slow path.
# (No lookbehind for "data-href": it would cost the literal-prefix speed-up; the byte before a
# match is checked in Python instead, for the few hundred matches only.)
_HREF = (
    rb"""href\s*=\s*(?:"([^"]*?members/[^"]*)"|'([^']*?members/[^']*)'"""
    rb"""|([^"'\s>]*members/[^"'\s>]*))"""
)
_HREF_RE = re.compile(_HREF)
_HREF_ANY_CASE_RE = re.compile(_HREF, re.IGNORECASE)
_ABSOLUTE = ("http://", "https://")
_URL_IN_TEXT_RE = re.compile(r"""(?:https?://[^\s,"'<>]+|/(?:[a-z]{2}/)?members/[^\s,"'<>]+)""")


@lru_cache(maxsize=1 << 16)
def _resolve(base: str, link: str) -> str:
    # Pages of one site repeat the same menu and member-list links thousands of times; urljoin
    # costs ~20 us, a cache hit well under 1 us.
    return urljoin(base, link)


def extract_links(body: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the member and commitment links in a page, in page order, once each."""
    found: dict[str, None] = {}
    parts = urlsplit(page_url)
    root = f"{parts.scheme}://{parts.netloc}/"  # "/members/..." resolves the same on every page
    pattern = _HREF_RE if b"HREF" not in body and b"Href" not in body else _HREF_ANY_CASE_RE
    for match in pattern.finditer(body):
        before = body[match.start() - 1 : match.start()]
        if before and (before.isalnum() or before in b"-_:"):
            continue  # data-href=, xlink:href= and the like are not links to follow
        value = match.group(1) or match.group(2) or match.group(3)
        raw = value.decode("utf-8", errors="replace")
        link = (html.unescape(raw) if "&" in raw else raw).strip().split("#", 1)[0]
        if link.startswith(_ABSOLUTE):
            found.setdefault(link, None)
        else:
            found.setdefault(_resolve(root if link.startswith("/") else page_url, link), None)
    return list(found)


def parse_seed_file(path: Path, base_url: str) -> list[CommitmentRef]:
    """Commitments named by a seed file: one per line, either a commitment URL (any of the
    site's spellings, also as one column of a CSV export) or ``member-slug,ID``. Blank lines
    and ``#`` comments are skipped, and so is a first line that is a header. Any other line
    is a ConfigError naming its line number: a typo must not silently drop commitments."""
    refs: list[CommitmentRef] = []
    bad: list[int] = []
    header_allowed = True
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        ref = _seed_ref(text, base_url)
        if ref is not None:
            refs.append(ref)
        elif not header_allowed:
            bad.append(number)
        header_allowed = False  # only the first line with content may be a header
    if bad:
        shown = ", ".join(map(str, bad[:10])) + (" ..." if len(bad) > 10 else "")
        raise ConfigError(
            f"seed file {path}: line(s) {shown} hold neither a commitment URL nor 'member-slug,ID'"
        )
    return refs


def _seed_ref(text: str, base_url: str) -> CommitmentRef | None:
    for candidate in _URL_IN_TEXT_RE.findall(text):
        ref = parse_commitment_url(urljoin(base_url, candidate))
        if ref is not None:
            return ref
    fields = [field.strip().strip('"') for field in text.split(",")]
    if len(fields) < 2:
        return None
    slug = fields[0].lower()
    try:
        commitment_id = normalize_commitment_id(fields[1])
    except ValueError:
        return None
    return CommitmentRef(slug, commitment_id) if is_member_slug(slug) else None
