"""Small charts as inline SVG, drawn by hand: a report that opens from disk, without network
or script, needs nothing more than bars and a line, and a charting library would add a
dependency (and often a script) for two shapes."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_BAR_HEIGHT = 18  # px per bar: readable labels at the default font size
_LABEL_WIDTH = 190  # px for the bar labels on the left
_BAR_WIDTH = 320  # px for the longest bar
_SPARK_WIDTH, _SPARK_HEIGHT = 160, 36  # px: fits a table cell, shows a trend over ~6 runs


def bar_chart(items: Sequence[tuple[str, float]], unit: str = "") -> str:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    if not items:
        return ""
    largest = max((value for _, value in items), default=0) or 1
    height = _BAR_HEIGHT * len(items) + 4
    width = _LABEL_WIDTH + _BAR_WIDTH + 90
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, (label, value) in enumerate(items):
        y = row * _BAR_HEIGHT + 2
        length = max(1.0, _BAR_WIDTH * value / largest) if value else 0.0
        shown = f"{value:g}{unit}"
        parts.append(
            f'<text x="{_LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 2}" width="{length:.1f}" height="{_BAR_HEIGHT - 5}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{_LABEL_WIDTH + length + 5:.1f}" y="{y + 13}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: Sequence[float | None], labels: Sequence[str]) -> str:
    """A share (0..1) over runs, oldest first: a line through the known points, a dot on the
    last one. Runs without a value (the field did not exist yet) leave a gap."""
    if not values:
        return ""
    step = (_SPARK_WIDTH - 8) / max(1, len(values) - 1)

    def point(index: int, value: float) -> tuple[float, float]:
        return 4 + index * step, 4 + (1 - value) * (_SPARK_HEIGHT - 8)

    parts = [
        f'<svg class="spark" role="img" width="{_SPARK_WIDTH}" height="{_SPARK_HEIGHT}" '
        f'viewBox="0 0 {_SPARK_WIDTH} {_SPARK_HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="0" y1="{_SPARK_HEIGHT - 4}" x2="{_SPARK_WIDTH}" y2="{_SPARK_HEIGHT - 4}" '
        'class="axis"/>',
    ]
    segment: list[str] = []
    for index, value in enumerate([*values, None]):
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}"/>')
            segment = []
            continue
        x, y = point(index, value)
        segment.append(f"{x:.1f},{y:.1f}")
        label = labels[index] if index < len(labels) else ""
        last = index == len(values) - 1
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{3 if last else 2}">'
            f"<title>{escape(label)}: {value:.1%}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
