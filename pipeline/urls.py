"""Canonical forms of the site's URLs and commitment IDs. Pure functions, no network.

The site answers the same commitment at many addresses (with or without ``www``, with or
without a trailing slash, lower-case IDs, ``/es/`` and ``/fr/`` prefixes, tracking query
strings). Everything downstream keys on the canonical form built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from pipeline.ids import COMMITMENT_ID

LANGUAGES = ("en", "es", "fr")  # English has no prefix; the others are path prefixes.

_COMMITMENT_PATH_RE = re.compile(
    rf"^/(?:(?P<lang>es|fr)/)?members/(?P<slug>[^/]+)/commitments/(?P<id>{COMMITMENT_ID})/?$",
    re.IGNORECASE,
)
_MEMBER_PATH_RE = re.compile(r"^/(?:(?P<lang>es|fr)/)?members/(?P<slug>[^/]+)/?$", re.IGNORECASE)
_SITE_HOSTS = {"opengovpartnership.org", "www.opengovpartnership.org"}
_CANONICAL_HOST = "www.opengovpartnership.org"


@dataclass(frozen=True, slots=True)
class CommitmentRef:
    """A commitment as addressed by a URL: who, which ID, in which interface language."""

    member_slug: str
    commitment_id: str
    language: str = "en"


def site_root(url: str) -> str:
    """scheme://host[:port] of a URL, with the OGP site folded onto its www host over https."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _SITE_HOSTS:
        return f"https://{_CANONICAL_HOST}"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return f"{parts.scheme.lower()}://{netloc}"


def same_site(url: str, base_url: str) -> bool:
    """True when url is on the same site as base_url (www and bare host count as one)."""
    return site_root(url) == site_root(base_url)


def _language_prefix(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return "" if language == "en" else f"/{language}"


def parse_commitment_url(url: str) -> CommitmentRef | None:
    """The commitment a URL points at, or None when it is not a commitment page URL."""
    match = _COMMITMENT_PATH_RE.match(urlsplit(url).path)
    if match is None:
        return None
    return CommitmentRef(
        member_slug=match["slug"].lower(),
        commitment_id=match["id"].upper(),
        language=(match["lang"] or "en").lower(),
    )


def parse_member_url(url: str) -> tuple[str, str] | None:
    """(member slug, language) of a member page URL, or None."""
    match = _MEMBER_PATH_RE.match(urlsplit(url).path)
    if match is None:
        return None
    return match["slug"].lower(), (match["lang"] or "en").lower()


def commitment_url(ref: CommitmentRef, base_url: str) -> str:
    """The canonical URL of a commitment page on the site at base_url."""
    prefix = _language_prefix(ref.language)
    return (
        f"{site_root(base_url)}{prefix}/members/{ref.member_slug}/commitments/{ref.commitment_id}/"
    )


def member_url(member_slug: str, base_url: str, language: str = "en") -> str:
    return f"{site_root(base_url)}{_language_prefix(language)}/members/{member_slug.lower()}/"


def canonical_url(url: str, base_url: str | None = None) -> str:
    """Canonical form of any site URL: fragment and query dropped, host folded, commitment and
    member paths rebuilt in their canonical spelling. Relative URLs resolve against base_url."""
    absolute = urljoin(base_url, url) if base_url else url
    ref = parse_commitment_url(absolute)
    if ref is not None:
        return commitment_url(ref, absolute)
    member = parse_member_url(absolute)
    if member is not None:
        return member_url(member[0], absolute, member[1])
    parts = urlsplit(absolute)
    root = urlsplit(site_root(absolute))
    return urlunsplit((root.scheme, root.netloc, parts.path or "/", "", ""))
