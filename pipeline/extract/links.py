"""Links discovery follows, and the seed file. Pure functions, no network.

Only member pages (``/members/{slug}/``) and commitment pages
(``/members/{slug}/commitments/{ID}/``) are ever followed, so the HTML is scanned for ``href``
values containing ``members/`` and nothing else: a regular expression over the raw bytes is
~10x faster than building a DOM for a 150 KB page, and exact enough for attribute values.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urljoin

from pipeline.errors import ConfigError
from pipeline.urls import CommitmentRef, normalize_commitment_id, parse_commitment_url

_HREF_RE = re.compile(rb"""href\s*=\s*["']?([^"'\s>]*members/[^"'\s>]*)""", re.IGNORECASE)
_URL_IN_TEXT_RE = re.compile(r"""(?:https?://[^\s,"'<>]+|/(?:[a-z]{2}/)?members/[^\s,"'<>]+)""")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def extract_links(body: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the member and commitment links in a page, in page order, once each."""
    found: dict[str, None] = {}
    for match in _HREF_RE.finditer(body):
        raw = html.unescape(match.group(1).decode("utf-8", errors="replace"))
        found.setdefault(urljoin(page_url, raw.split("#", 1)[0]), None)
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
    return CommitmentRef(slug, commitment_id) if _SLUG_RE.match(slug) else None
