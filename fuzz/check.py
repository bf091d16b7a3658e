"""Run one seed: generate its page, parse it the way transform does (bytes and the HTTP
Content-Type), judge every field against the hand-written truth, and shrink a failure to the
smallest HTML that still shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fuzz.dom import El
from fuzz.page import GeneratedPage, generate
from fuzz.shrink import shrink
from fuzz.truth import RIGHT, WRONG, Outcome, judge
from pipeline.errors import ParseError
from pipeline.records import ParsedPage

Parser = Callable[[bytes, str, str | None], ParsedPage]
_SHOWN = 12  # wrong fields listed per failing seed


def default_parser(body: bytes, url: str, content_type: str | None) -> ParsedPage:
    from pipeline.transform import parse_page

    return parse_page(body, url, content_type=content_type)


@dataclass(frozen=True)
class SeedResult:
    page: GeneratedPage
    outcomes: list[Outcome]
    refused: str | None  # the parser's reason when it refused the page

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict != RIGHT]


def _parse(
    page: GeneratedPage, tree: El | None, parser: Parser
) -> tuple[ParsedPage | None, str | None]:
    try:
        return parser(page.body(tree), page.url, page.content_type), None
    except ParseError as exc:
        return None, str(exc)


def run_seed(seed: int, parser: Parser = default_parser) -> SeedResult:
    page = generate(seed)
    parsed, refused = _parse(page, None, parser)
    return SeedResult(page, judge(page.spec.name, parsed), refused)


def _stem(field: str) -> str:
    stem = field.removesuffix("_missing").removesuffix("_rows")
    return "ogp" if stem in ("ogp_values", "ogp_relevant") else stem


def _signature(field: str, outcomes: list[Outcome]) -> tuple[object, ...]:
    """What the parser said for a field and its companions (``F``, ``F_missing``,
    ``F_rows``; the OGP values with their relevance)."""
    stem = _stem(field)
    return tuple(o.got for o in outcomes if _stem(o.field) == stem)


def minimal_html(result: SeedResult, parser: Parser = default_parser) -> str:
    """The smallest HTML (as text, before encoding) that still shows the first failure: text
    absorbed into a field stays absorbed (the truth plus something), anything else gives the
    very same parsed values for the field and its companion."""
    first = result.failures[0]
    page = result.page
    signature = _signature(first.field, result.outcomes)
    absorbed = (
        first.verdict == WRONG
        and isinstance(first.got, str)
        and isinstance(first.want, str)
        and first.want in first.got
    )

    def still_fails(tree: El) -> bool:
        parsed, _ = _parse(page, tree, parser)
        if parsed is None:  # a refused page fails every field: not the same failure
            return False
        outcomes = judge(page.spec.name, parsed)
        if absorbed:
            got = next(o.got for o in outcomes if o.field == first.field)
            return isinstance(got, str) and got != first.want and str(first.want) in got
        return _signature(first.field, outcomes) == signature

    return page.html(shrink(page.tree, still_fails))


def explain(result: SeedResult, parser: Parser = default_parser) -> str:
    """What a failing seed prints: seed, spec, dimensions, each wrong field, minimal HTML."""
    page = result.page
    lines = [
        f"seed {page.seed}: spec {page.spec.name}, url {page.url}",
        f"dimensions: {page.layout.describe()}",
    ]
    if result.refused:
        lines.append(f"refused: {result.refused}")
        return "\n".join(lines)  # nothing to shrink: a refusal is honest, and so is an empty page
    for outcome in result.failures[:_SHOWN]:
        lines.append(f"  {outcome.field} [{outcome.verdict}]: got {outcome.got!r}")
        lines.append(f"  {' ' * len(outcome.field)}  want {outcome.want!r}")
    if len(result.failures) > _SHOWN:
        lines.append(f"  ... and {len(result.failures) - _SHOWN} more fields")
    encoding = page.layout.encoding
    lines.append(f"minimal HTML for {result.failures[0].field} (sent as {encoding}):")
    lines.append(minimal_html(result, parser))
    return "\n".join(lines)
