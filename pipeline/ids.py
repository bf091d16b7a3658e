"""Commitment IDs and member slugs: the one definition of each pattern. Pure, no network.

National IDs are two letters and four digits (MN0002, UK0063); OGP Local IDs have up to five
letters (PAR0007, SCO0001, NGKD0009). The UK uses "UK", not ISO "GB": no ISO assumption.

Both patterns are ASCII only, whatever the flags of the regex they are embedded in: ``\\d``
would match Arabic-Indic digits, and ``[A-Za-z]`` under IGNORECASE would match "ſ" (long s) or
the Kelvin sign. The ``(?a:...)`` group keeps them ASCII inside any larger pattern.
"""

from __future__ import annotations

import re

ID_LETTERS = "[A-Za-z]{2,5}"  # either case: URLs and seed files carry lower-case IDs
ID_DIGITS = "[0-9]{4}"
COMMITMENT_ID = f"(?a:{ID_LETTERS}{ID_DIGITS})"
COMMITMENT_ID_RE = re.compile(COMMITMENT_ID)
# A member slug as the site writes it in URLs: lower-case letters, digits and hyphens.
MEMBER_SLUG = "(?a:[a-z0-9][a-z0-9-]*)"
MEMBER_SLUG_RE = re.compile(MEMBER_SLUG)


def normalize_commitment_id(raw: str) -> str:
    """Upper-case a commitment ID and check its shape; raises ValueError if it is not one."""
    candidate = raw.strip()
    # Checked before upper-casing: "ı".upper() is "I", so a dotless i would pass afterwards.
    if not COMMITMENT_ID_RE.fullmatch(candidate):
        raise ValueError(f"not a commitment ID: {raw!r}")
    return candidate.upper()


def id_prefix(commitment_id: str) -> str:
    """The letters of an ID ("NGKD0009" -> "NGKD"): the member's numbering series."""
    return commitment_id.rstrip("0123456789")


def id_number(commitment_id: str) -> int:
    return int(commitment_id[len(id_prefix(commitment_id)) :])


def is_member_slug(text: str) -> bool:
    return MEMBER_SLUG_RE.fullmatch(text) is not None
