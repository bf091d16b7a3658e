"""``parse_commitment``: one commitment page's HTML text to typed records. Pure: no network,
no files; the clock is read only to give up on a page past its deadline."""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urljoin

from pipeline.config import LIVE_SITE, ParseLimits
from pipeline.errors import NotACommitmentPage
from pipeline.ids import COMMITMENT_ID, id_prefix
from pipeline.records import Commitment, ParsedPage, Unknown
from pipeline.transform.decode import decode_html
from pipeline.transform.htmltext import Line, PageText, page_text
from pipeline.transform.interpret import interpret_fields
from pipeline.transform.limits import Deadline, check_markup, check_size
from pipeline.transform.memberlist import parse_member_list
from pipeline.transform.scan import Regions, scan_regions
from pipeline.urls import LANGUAGES, canonical_url, parse_commitment_url
from pipeline.vocab import Vocabulary, default_vocabulary

_TITLE = re.compile(rf"^(?P<title>.*?)\s*\(\s*(?P<id>{COMMITMENT_ID})\s*\)\s*$")
_HTML_TITLE_MEMBER = re.compile(r"\|\s*Commitment from\s+(?P<member>[^|]+?)\s*\|", re.I)
_BREADCRUMB = re.compile(r"[›»>/|]")
_MAX_MEMBER_NAME = 100  # "Kaduna State, Nigeria" is ~20; a longer line is not a name
_MIN_LABELS_WITHOUT_TITLE = 3  # a page with no "(ID)" title must show this many labels
DEFAULT_LIMITS = ParseLimits()


def _find_title(lines: tuple[Line, ...], url_id: str | None) -> int | None:
    # The cheap test first: the regex backtracks over every long line of prose.
    candidates = [
        i for i, line in enumerate(lines) if line.text.endswith(")") and _TITLE.match(line.text)
    ]

    def rank(i: int) -> tuple[bool, bool, int]:
        found = _TITLE.match(lines[i].text)
        same_id = found is not None and found["id"].upper() == url_id
        return (not same_id, lines[i].kind != "heading", i)

    return min(candidates, key=rank) if candidates else None


def _member_name(
    text: PageText, title_index: int | None, regions: Regions, vocab: Vocabulary
) -> str | None:
    """The line just above the title in the title's own container (not chrome, a heading, a
    label or a breadcrumb); else "X's Commitments"; else the <title>'s "Commitment from X"."""
    if title_index:
        title, above = text.lines[title_index], text.lines[title_index - 1]
        container = text.parents[title.block] if title.block >= 0 else -1
        plausible = (
            above.kind not in ("break", "heading", "label", "item")
            and not above.in_item
            and len(above.text) <= _MAX_MEMBER_NAME
            and (container == -1 or text.contains(container, above.block))
            and not vocab.is_chrome(above.text)
            and vocab.heading(above.text) is None
            and vocab.match_label_line(above.text) is None
            and not _BREADCRUMB.search(above.text)
        )
        if plausible:
            return above.text
    if regions.member_heading:
        member = vocab.heading_member(regions.member_heading)
        if member:
            return member
    found = _HTML_TITLE_MEMBER.search(text.html_title or "")
    return found["member"] if found else None


def _paragraphs(lines: list[Line]) -> str | None:
    parts: list[str] = []
    for line in lines:
        if parts:
            parts.append("\n" if line.soft else "\n\n")
        parts.append(line.text)
    return "".join(parts) or None


def _language(url: str, text: PageText) -> str:
    ref = parse_commitment_url(url)
    if ref is not None:
        return ref.language
    primary = (text.html_lang or "en").split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


def _fallback_title(text: PageText) -> tuple[str, str]:
    """A page with no visible "Title (ID)": its og:title, else its <title>, without the site
    name parts and the " (ID)" suffix. Returns the title and where it came from."""
    for source, shown in (("og:title", text.og_title), ("<title>", text.html_title)):
        if shown:
            first = shown.split("|")[0].strip()
            found = _TITLE.match(first)
            return (found["title"] if found else first), source
    return "", "none"


def parse_page(
    body: bytes,
    url: str,
    *,
    content_type: str | None = None,
    vocab: Vocabulary | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> ParsedPage:
    """Parse a page as served: its bytes, decoded as a browser would (BOM, the HTTP charset
    in ``content_type`` when known, the page's <meta charset>, else UTF-8)."""
    check_size(body, limits)
    return parse_commitment(decode_html(body, content_type), url, vocab, limits=limits)


def parse_commitment(
    html: str, url: str, vocab: Vocabulary | None = None, *, limits: ParseLimits = DEFAULT_LIMITS
) -> ParsedPage:
    """Parse one commitment page. ``url`` is where the page was served (it gives the member
    slug and language, and the ID when the title lacks one). Raises NotACommitmentPage, and
    PageTooComplex for a page beyond ``limits``."""
    vocab = vocab or default_vocabulary()
    deadline = Deadline(limits.time_s)
    check_markup(html, limits)
    text = page_text(html, deadline)
    deadline.check()  # between stages too: a page with few lines never reaches a loop's check
    if not url and text.canonical_href:
        # A saved page's own canonical link; a relative one is on the site the pages come from.
        url = urljoin(f"{LIVE_SITE}/", text.canonical_href)
    ref = parse_commitment_url(url)
    title_index = _find_title(text.lines, ref.commitment_id if ref else None)
    start = title_index + 1 if title_index is not None else 0
    regions = scan_regions(text, start, vocab, deadline)
    deadline.check()
    known_labels = sum(1 for raw in regions.fields if raw.field is not None)
    if title_index is None and (ref is None or known_labels < _MIN_LABELS_WITHOUT_TITLE):
        where = f"{url}: " if url else ""
        raise NotACommitmentPage(
            f"{where}no commitment title 'Title (ID)' and too few commitment labels "
            f"({known_labels}); this is not a commitment page"
        )
    notes: list[Unknown] = []
    if title_index is not None:
        found = _TITLE.match(text.lines[title_index].text)
        assert found is not None  # _find_title only returns matching lines
        title, commitment_id = found["title"], found["id"].upper()
    else:
        assert ref is not None
        title, source = _fallback_title(text)
        commitment_id = ref.commitment_id
        notes.append(Unknown("title_fallback", "title", f"no visible title; taken from {source}"))
    fields = interpret_fields(regions.fields, vocab)
    member_list = parse_member_list(regions.member_lines, id_prefix(commitment_id), vocab)
    description = regions.description
    commitment = Commitment(
        commitment_id=commitment_id,
        title=title,
        member_name=_member_name(text, title_index, regions, vocab),
        member_slug=ref.member_slug if ref else None,
        language=_language(url, text),
        url=canonical_url(url) if ref else url,
        template=fields.template,
        description=_paragraphs(regions.description),
        description_html=(text.html_between(description[0].block, description[-1].block) or None)
        if description
        else None,
        irm_status_summary=_paragraphs(regions.summary),
        # Typed per column by the interpreter; checked against the schema when tabled.
        **cast(dict[str, Any], fields.columns),
    )
    unknowns = (
        *notes,
        *fields.unknowns,
        *(Unknown("heading", None, heading) for heading in regions.unknown_headings),
        *(Unknown("text", None, stray[:200]) for stray in regions.stray_lines),
    )
    return ParsedPage(
        commitment=commitment,
        irm_reports=fields.irm_reports,
        institutions=fields.institutions,
        member_list=tuple(member_list),
        fields=fields.page_fields,
        unknowns=tuple(unknowns),
    )
