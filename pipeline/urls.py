"""Canonical forms of the site's URLs and commitment IDs. Pure functions, no network.

The site answers the same commitment at many addresses (with or without ``www``, with or
without a trailing slash, lower-case IDs, ``/es/`` and ``/fr/`` prefixes, tracking query
strings). Everything downstream keys on the canonical form built here.

URLs come from pages, headers and sitemaps, so any text can arrive: ``split_url`` is the one
guarded parse (``urlsplit`` raises on ``http://[::1/`` and on a port out of range), and the
functions that answer a question about a URL answer "no" for one that cannot be parsed.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from pipeline.ids import COMMITMENT_ID, MEMBER_SLUG

LANGUAGES = ("en", "es", "fr")  # English has no prefix; the others are path prefixes.

# Slugs and IDs are ASCII only (pipeline.ids): a path with other characters is not the site's.
_COMMITMENT_PATH_RE = re.compile(
    rf"^/(?:(?P<lang>es|fr)/)?members/(?P<slug>{MEMBER_SLUG})"
    rf"/commitments/(?P<id>{COMMITMENT_ID})/?$",
    re.IGNORECASE,
)
_MEMBER_PATH_RE = re.compile(
    rf"^/(?:(?P<lang>es|fr)/)?members/(?P<slug>{MEMBER_SLUG})/?$", re.IGNORECASE
)
_SITE_HOSTS = {"opengovpartnership.org", "www.opengovpartnership.org"}
_CANONICAL_HOST = "www.opengovpartnership.org"
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True, slots=True)
class CommitmentRef:
    """A commitment as addressed by a URL: who, which ID, in which interface language."""

    member_slug: str
    commitment_id: str
    language: str = "en"


def split_url(url: str) -> SplitResult | None:
    """``urlsplit`` of a URL, or None when it cannot be parsed: a malformed IPv6 host, a port
    that is not a number from 0 to 65535 (``urlsplit`` raises for those only when asked)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - reading it is what validates it
    except ValueError:
        return None
    return parts


def site_root(url: str) -> str:
    """scheme://host[:port] of a URL, with the OGP site folded onto its www host over https.
    Raises ValueError for a URL that cannot be parsed (see ``split_url``)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _SITE_HOSTS:
        return f"https://{_CANONICAL_HOST}"
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    return f"{parts.scheme.lower()}://{netloc}"


def same_site(url: str, base_url: str) -> bool:
    """True when url is on the same site as base_url (www and bare host count as one). This
    folds addresses for canonical URLs; whether a URL may be *requested* is ``on_allowed_host``.
    False for a URL that cannot be parsed."""
    try:
        return site_root(url) == site_root(base_url)
    except ValueError:
        return False


def on_allowed_host(url: str, base_url: str) -> bool:
    """True when a crawl of base_url may request url: the same scheme and port as the site's
    root, and its host or that host's www/non-www twin. Another port on the same host, another
    scheme (``ftp:``, or ``http:`` for an ``https`` site: never a downgrade) and other hosts
    are not allowed. False for a URL that cannot be parsed."""
    parts, root = split_url(url), split_url(site_root(base_url))
    if parts is None or root is None or not parts.hostname or not root.hostname:
        return False
    scheme = parts.scheme.lower()
    if scheme != root.scheme or scheme not in _DEFAULT_PORTS:
        return False
    if (parts.port or _DEFAULT_PORTS[scheme]) != (root.port or _DEFAULT_PORTS[scheme]):
        return False
    return parts.hostname.lower() in _host_and_twin(root.hostname)


def _host_and_twin(host: str) -> set[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        bare = host.removeprefix("www.")
        return {bare, f"www.{bare}"}
    return {host}  # an address has no www twin


def _language_prefix(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return "" if language == "en" else f"/{language}"


def parse_commitment_url(url: str) -> CommitmentRef | None:
    """The commitment a URL points at, or None when it is not a commitment page URL."""
    parts = split_url(url)
    match = _COMMITMENT_PATH_RE.match(parts.path) if parts is not None else None
    if match is None:
        return None
    return CommitmentRef(
        member_slug=match["slug"].lower(),
        commitment_id=match["id"].upper(),
        language=(match["lang"] or "en").lower(),
    )


def parse_member_url(url: str) -> tuple[str, str] | None:
    """(member slug, language) of a member page URL, or None."""
    parts = split_url(url)
    match = _MEMBER_PATH_RE.match(parts.path) if parts is not None else None
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
    member paths rebuilt in their canonical spelling. Relative URLs resolve against base_url.
    Raises ValueError for a URL that cannot be parsed."""
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
