"""Discovery from a seed file: commitment URLs or ``member-slug,ID`` lines (for example an
export of OGP's spreadsheet). Pure functions, no network."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

from pipeline.errors import ConfigError
from pipeline.ids import is_member_slug, normalize_commitment_id
from pipeline.urls import CommitmentRef, parse_commitment_url

_URL_IN_TEXT_RE = re.compile(r"""(?:https?://[^\s,"'<>]+|/(?:[a-z]{2}/)?members/[^\s,"'<>]+)""")


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
        try:
            ref = parse_commitment_url(urljoin(base_url, candidate))
        except ValueError:  # not a URL urljoin can parse (a bad IPv6 host): not a seed
            continue
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
