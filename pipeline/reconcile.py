"""Reconciliation with OGP's own list: ``--reference FILE``, a CSV export of OGP's commitments
spreadsheet, compared with what was scraped. Differences go into the run report; they are not
a failure by themselves (the sheet lags the site, and the site lags the sheet).

Columns are found by their header names, case-insensitively and ignoring spacing: the sheet has
been exported with different capitalisation over the years, and extra columns come and go.
Only the ID column is required.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa

from pipeline.errors import ConfigError
from pipeline.ids import normalize_commitment_id
from pipeline.schema import COMMITMENTS
from pipeline.vocab import key

# Column -> header names accepted for it (compared after folding case, accents and spacing).
HEADERS = {
    "id": ("Commitment Unique Identifier",),
    "member": ("Country/Locality",),
    "kind": ("National Or Local",),
    "url": ("URL", "Commitment URL", "Link"),
    "title": ("Commitment Title", "Title"),
}
_SHOWN = 20  # example IDs per difference kept in the report: the counts say how many in all
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "―": "-"})


@dataclass(frozen=True)
class Reference:
    path: Path
    columns: dict[str, str | None]  # our name -> the header as found in the file, or None
    rows: dict[str, dict[str, str]]  # commitment ID -> our name -> cell
    unusable: tuple[str, ...]  # ID cells that are not commitment IDs (row numbers noted)


@dataclass
class Reconciliation:
    reference: str
    columns_found: dict[str, str | None]
    sheet_rows: int
    scraped: int
    not_scraped: list[str] = field(default_factory=list)  # in the sheet, never found
    not_in_sheet: list[str] = field(default_factory=list)  # found, not in the sheet
    title_differs: list[dict[str, str]] = field(default_factory=list)
    member_differs: list[dict[str, str]] = field(default_factory=list)
    url_differs: list[dict[str, str]] = field(default_factory=list)
    unusable_ids: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _fold(text: str) -> str:
    return key(text.translate(_QUOTES))


def read_reference(path: Path) -> Reference:
    """Read and check the sheet; raises ConfigError when it cannot be used at all."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"reference file {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # an export from a Windows spreadsheet
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header:
        raise ConfigError(f"reference file {path} is empty")
    columns = _find_columns(header)
    if columns["id"] is None:
        raise ConfigError(
            f"reference file {path} has no 'Commitment Unique Identifier' column "
            f"(its headers: {', '.join(h.strip() for h in header if h.strip())[:300]})"
        )
    position = {name: header.index(found) for name, found in columns.items() if found is not None}
    rows: dict[str, dict[str, str]] = {}
    unusable = []
    for number, line in enumerate(reader, start=2):
        cells = {name: line[i].strip() if i < len(line) else "" for name, i in position.items()}
        if not any(cells.values()):
            continue  # a blank line
        try:
            cid = normalize_commitment_id(re.sub(r"\s+", "", cells["id"]))
        except ValueError:
            unusable.append(f"line {number}: {cells['id']!r}")
            continue
        rows.setdefault(cid, cells)
    return Reference(path, {k: v.strip() if v else None for k, v in columns.items()}, rows,
                     tuple(unusable))  # fmt: skip


def _find_columns(header: list[str]) -> dict[str, str | None]:
    folded = {_fold(h): h for h in reversed(header)}  # the first of equal headers wins
    return {
        name: next((folded[_fold(a)] for a in accepted if _fold(a) in folded), None)
        for name, accepted in HEADERS.items()
    }


def reconcile(reference: Reference, tables: Mapping[str, pa.Table]) -> Reconciliation:
    """Compare the sheet with the commitments table as it would be published."""
    table = tables[COMMITMENTS.name].select(["commitment_id", "title", "member_name", "url"])
    scraped = {row["commitment_id"]: row for row in table.to_pylist()}
    sheet = reference.rows
    result = Reconciliation(
        str(reference.path), reference.columns, len(sheet), len(scraped),
        not_scraped=sorted(set(sheet) - set(scraped)),
        not_in_sheet=sorted(set(scraped) - set(sheet)),
        unusable_ids=list(reference.unusable),
    )  # fmt: skip
    for cid in sorted(set(sheet) & set(scraped)):
        ours, theirs = scraped[cid], sheet[cid]
        for name, ours_value, differs in (
            ("title", ours["title"], result.title_differs),
            ("member", ours["member_name"], result.member_differs),
        ):
            if name in theirs and theirs[name] and _fold(theirs[name]) != _fold(ours_value or ""):
                differs.append(
                    {"commitment_id": cid, "sheet": theirs[name], "site": ours_value or ""}
                )
        if theirs.get("url") and _path(theirs["url"]) != _path(ours["url"]):
            result.url_differs.append(
                {"commitment_id": cid, "sheet": theirs["url"], "site": ours["url"]}
            )
    result.counts = {
        name: len(getattr(result, name))
        for name in ("not_scraped", "not_in_sheet", "title_differs", "member_differs",
                     "url_differs", "unusable_ids")
    }  # fmt: skip
    for name in result.counts:
        setattr(result, name, getattr(result, name)[:_SHOWN])
    return result


def _path(url: str) -> str:
    """A URL's path, lower case, with one trailing slash: the sheet may name http or https,
    with or without www and the slash, for the same page."""
    return urlsplit(url.strip()).path.lower().rstrip("/") + "/"
