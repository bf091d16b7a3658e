"""What the demo site serves for one commitment: its rendered page and what a member page
lists about it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DemoPage:
    member_slug: str  # "mongolia"
    member_name: str  # "Mongolia"
    commitment_id: str  # upper case, "MN0002"
    title: str  # as the member page lists it
    html: str  # the whole commitment page
    cycle_year: int | None = None  # shown in member lists: "MN0002, 2014, Capacity Building"
    policy_area: str | None = None
    starred: bool = False
    language: str = "en"
