"""Small server-rendered SVG bar charts (no script): grouped bars with a value axis, and a <title>
per bar so the numbers are there for screen readers and on hover. Every label is escaped."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 56


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: Sequence[float | None]


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *,
    fmt: Callable[[float], str] = lambda v: f"{v:g}", floor: float | None = None,
) -> SafeString:
    """Grouped vertical bars; a None value draws no bar and says 'no data'. Negative values go below zero."""
    values = [v for s in series for v in s.values if v is not None]
    top = max([0.0, *values]) or 1.0
    bottom = min([0.0, *values, *([floor] if floor is not None else [])])
    span = (top - bottom) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(v: float) -> float:
        return TOP + (top - v) / span * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>']
    for tick in (bottom, (top + bottom) / 2, top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#d0d7de"/>'
                     f'<text x="{LEFT - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(fmt(tick))}</text>')
    n = max(len(categories), 1)
    group_w = plot_w / n
    bar_w = max(group_w * 0.8 / max(len(series), 1), 1.0)
    for i, category in enumerate(categories):
        x0 = LEFT + i * group_w + group_w * 0.1
        for j, s in enumerate(series):
            v = s.values[i] if i < len(s.values) else None
            label = f"{category}, {s.name}: {fmt(v) if v is not None else 'no data'}"
            if v is None:
                continue
            y_top, y_zero = min(y(v), y(0)), max(y(v), y(0))
            parts.append(f'<rect x="{x0 + j * bar_w:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" '
                         f'height="{max(y_zero - y_top, 0.5):.1f}" fill="{escape(s.colour)}">'
                         f'<title>{escape(label)}</title></rect>')
        if n <= 16 or i % max(n // 12, 1) == 0:
            cx = LEFT + i * group_w + group_w / 2
            parts.append(f'<text x="{cx:.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="end" font-size="10" '
                         f'transform="rotate(-35 {cx:.1f} {HEIGHT - BOTTOM + 14})">{escape(category)}</text>')
    for j, s in enumerate(series):
        lx = LEFT + j * 180
        parts.append(f'<rect x="{lx}" y="{HEIGHT - 14}" width="10" height="10" fill="{escape(s.colour)}"/>'
                     f'<text x="{lx + 14}" y="{HEIGHT - 5}" font-size="11">{escape(s.name)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
