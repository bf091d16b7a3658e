"""Canonical URLs: every address the site answers for a commitment folds to one."""

import pytest

from pipeline.ids import id_number, id_prefix, is_member_slug, normalize_commitment_id
from pipeline.urls import CommitmentRef, canonical_url, parse_commitment_url

CANONICAL = "https://www.opengovpartnership.org/members/bulgaria/commitments/BG0090/"


@pytest.mark.parametrize(
    "url",
    [
        "https://opengovpartnership.org/members/bulgaria/commitments/bg0090",
        "https://www.opengovpartnership.org/members/bulgaria/commitments/BG0090/",
        "http://www.opengovpartnership.org/members/Bulgaria/commitments/BG0090/#irm",
        "https://opengovpartnership.org/members/bulgaria/commitments/BG0090/?utm_source=x",
    ],
)
def test_every_form_of_a_commitment_url_folds_to_one(url):
    assert canonical_url(url) == CANONICAL


def test_language_prefix_is_kept_and_parsed():
    url = "https://www.opengovpartnership.org/es/members/ghana/commitments/GH0049/"
    assert parse_commitment_url(url) == CommitmentRef("ghana", "GH0049", "es")
    assert canonical_url(url) == url


def test_other_hosts_keep_their_host_and_port():
    url = "http://127.0.0.1:8123/members/mongolia/commitments/mn0002"
    assert canonical_url(url) == "http://127.0.0.1:8123/members/mongolia/commitments/MN0002/"
    assert canonical_url("/members/Mongolia", "http://127.0.0.1:8123/x") == (
        "http://127.0.0.1:8123/members/mongolia/"
    )


def test_ids():
    assert normalize_commitment_id(" ngkd0009 ") == "NGKD0009"
    assert (id_prefix("NGKD0009"), id_number("NGKD0009")) == ("NGKD", 9)
    with pytest.raises(ValueError, match="not a commitment ID"):
        normalize_commitment_id("MN02")
    assert parse_commitment_url("https://www.opengovpartnership.org/members/mongolia/") is None


@pytest.mark.parametrize(
    "lookalike",
    [
        "MN٠٠٠٢",  # Arabic-Indic digits are digits to \d, not to the site
        "ſK0001",  # long s: matches [A-Za-z] under IGNORECASE
        "ıd0001",  # dotless i: upper-cases to a plain "I"
    ],
)
def test_ids_are_ascii_letters_and_digits_only(lookalike: str) -> None:
    with pytest.raises(ValueError, match="not a commitment ID"):
        normalize_commitment_id(lookalike)
    url = f"https://www.opengovpartnership.org/members/mongolia/commitments/{lookalike}/"
    assert parse_commitment_url(url) is None


@pytest.mark.parametrize(
    ("text", "is_slug"),
    [
        ("mongolia", True),
        ("scotland-united-kingdom", True),
        ("-mongolia", False),
        ("Mongolia", False),
        ("mongolia\n", False),
        ("mongolía", False),
        ("mongolia/x", False),
    ],
)
def test_member_slugs_are_ascii(text: str, is_slug: bool) -> None:
    assert is_member_slug(text) is is_slug
