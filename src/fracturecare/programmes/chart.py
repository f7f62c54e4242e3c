"""The programme chart: each logged session's pain during and the next day, the step, and adherence (SVG).

Pure: takes plain rows, returns markup; no JavaScript.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 680, 230
LEFT, RIGHT, TOP, BOTTOM = 56, 132, 30, 46
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class ChartSession:
    on: datetime.date
    step: int  # 0-based
    done: bool
    pain_during: int | None
    pain_next_day: int | None
    action: str


def render_programme_chart(sessions: Sequence[ChartSession], *, step_count: int, step_back_min_pain: int) -> str:
    """Pain bars (during, next day) per logged session over the programme's steps; missed sessions crossed."""
    ordered = sorted(sessions, key=lambda s: s.on)
    start = ordered[0].on if ordered else None
    span = max((ordered[-1].on - start).days, 1) if start is not None else 1
    done = sum(1 for s in ordered if s.done)

    def x(on: datetime.date) -> float:
        return LEFT + 12 + (PLOT_W - 24) * ((on - start).days / span if start else 0.5)

    def y_pain(v: int) -> float:
        return TOP + PLOT_H - PLOT_H * v / 10

    def y_step(step: int) -> float:
        return TOP + PLOT_H - PLOT_H * (step + 1) / max(step_count, 1)

    desc = (f"{len(ordered)} session(s) logged, {done} done. " +
            " ".join(f"{s.on:%Y-%m-%d}: step {s.step + 1}, {'done' if s.done else 'not done'}"
                     f"{f', pain {s.pain_during}/10 during and {s.pain_next_day}/10 next day' if s.done else ''}"
                     f", {s.action.replace('_', ' ')}." for s in ordered))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        'role="img" aria-labelledby="programme-title programme-desc" class="programme-chart">',
        '<title id="programme-title">Programme: sessions, pain and step</title>',
        f'<desc id="programme-desc">{escape(desc)}</desc>',
        "<style>.frame{fill:#fff;stroke:#9aa4ad}.t{font:11px sans-serif;fill:#1d232a}.h{font:bold 13px sans-serif;"
        "fill:#1d232a}.stop{stroke:#a4161a;stroke-dasharray:4 3}.stepline{fill:none;stroke:#1f6f3a;stroke-width:2}"
        "</style>",
        f'<text x="{LEFT}" y="{TOP - 12}" class="h">Programme sessions: adherence {done} of {len(ordered)} '
        f'logged</text>',
        f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_W}" height="{PLOT_H}" class="frame"/>',
    ]
    for v in (0, 5, 10):
        out.append(f'<text x="{LEFT - 6}" y="{y_pain(v) + 4:.1f}" class="t" text-anchor="end">{v}</text>')
    sy = y_pain(step_back_min_pain)
    out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{sy:.1f}" y2="{sy:.1f}" class="stop"/>')
    out.append(f'<text x="{LEFT + PLOT_W + 6}" y="{sy + 4:.1f}" class="t">step back at ≥ {step_back_min_pain}</text>')
    if not ordered:
        out.append(f'<text x="{LEFT + PLOT_W / 2}" y="{TOP + PLOT_H / 2}" class="t" text-anchor="middle">'
                   "No sessions logged yet</text>")
    else:
        path = " ".join(f"{x(s.on):.1f},{y_step(s.step):.1f}" for s in ordered)
        out.append(f'<polyline points="{path}" class="stepline"><title>Step (of {step_count})</title></polyline>')
        for s in ordered:
            cx = x(s.on)
            if not s.done:
                out.append(f'<text x="{cx:.1f}" y="{TOP + PLOT_H - 4}" class="t" text-anchor="middle" fill="#a4161a">'
                           f"✕<title>{s.on:%Y-%m-%d}: not done</title></text>")
                continue
            for dx, value, colour, what in ((-5, s.pain_during, "#a4161a", "during"),
                                            (1, s.pain_next_day, "#e07a00", "next day")):
                top = y_pain(value or 0)
                out.append(f'<rect x="{cx + dx:.1f}" y="{top:.1f}" width="4" height="{TOP + PLOT_H - top + 0.5:.1f}" '
                           f'fill="{colour}"><title>{s.on:%Y-%m-%d}: pain {value}/10 {what}</title></rect>')
            out.append(f'<circle cx="{cx:.1f}" cy="{y_step(s.step):.1f}" r="3" fill="#1f6f3a">'
                       f"<title>Step {s.step + 1}: {escape(s.action.replace('_', ' '))}</title></circle>")
    ly = HEIGHT - 14
    out.append(f'<rect x="{LEFT}" y="{ly - 9}" width="10" height="10" fill="#a4161a"/>'
               f'<text x="{LEFT + 14}" y="{ly}" class="t">pain during</text>'
               f'<rect x="{LEFT + 100}" y="{ly - 9}" width="10" height="10" fill="#e07a00"/>'
               f'<text x="{LEFT + 114}" y="{ly}" class="t">pain next day</text>'
               f'<line x1="{LEFT + 210}" x2="{LEFT + 230}" y1="{ly - 4}" y2="{ly - 4}" class="stepline"/>'
               f'<text x="{LEFT + 234}" y="{ly}" class="t">step reached (up = further)</text>'
               f'<text x="{LEFT + 420}" y="{ly}" class="t" fill="#a4161a">✕ not done</text>')
    out.append("</svg>")
    return "\n".join(out)
