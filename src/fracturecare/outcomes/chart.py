"""The progress chart: pain NRS and LEFS over time as a self-contained SVG (no JavaScript).

Pure: takes measurements, returns markup. Each panel marks the clinically important change
from the first score (NRS 2 points lower [FAR01, SAL04]; LEFS 9 points higher [BIN99]) as a
dashed target line, so the clinician sees at a glance whether the course has crossed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from fracturecare.outcomes.measures import LEFS_MAX, LEFS_MCID, NRS_MAX, NRS_MCID_POINTS
from fracturecare.outcomes.progress import Measurement

WIDTH = 680
PANEL_HEIGHT = 170
# The right margin holds the important-change labels, so no label can sit on a plotted line.
LEFT, RIGHT, TOP, GAP, BOTTOM = 56, 132, 28, 58, 40
LABEL_LINE = 13
PLOT_W = WIDTH - LEFT - RIGHT


def _x(day: int, span: int) -> float:
    return LEFT + (PLOT_W * day / span if span else PLOT_W / 2)


def _panel(
    *,
    series: list[tuple[int, int, bool]],
    span: int,
    top: float,
    vmax: int,
    title: str,
    ticks: Sequence[int],
    target: float | None,
    target_label: tuple[str, str],
    colour: str,
    unit: str,
    better: str,
) -> list[str]:
    def y(v: float) -> float:
        return top + PANEL_HEIGHT - PANEL_HEIGHT * v / vmax

    out = [f'<g class="panel" aria-label="{escape(title)}">']
    out.append(
        f'<text x="{LEFT}" y="{top - 10}" class="panel-title">{escape(title)} '
        f'<tspan class="hint">({escape(better)})</tspan></text>'
    )
    out.append(f'<rect x="{LEFT}" y="{top}" width="{PLOT_W}" height="{PANEL_HEIGHT}" class="frame"/>')
    for t in ticks:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{y(t):.1f}" y2="{y(t):.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" class="tick" text-anchor="end">{t}</text>')
    if target is not None:
        ty = y(target)
        out.append(f'<line x1="{LEFT}" x2="{LEFT + PLOT_W}" y1="{ty:.1f}" y2="{ty:.1f}" class="mcid"/>')
        # Two lines beside the end of the dashed line, kept inside the panel's height.
        first_y = min(max(ty - 2, top + 10), top + PANEL_HEIGHT - LABEL_LINE - 2)
        x = LEFT + PLOT_W + 8
        out.append(
            f'<text x="{x}" y="{first_y:.1f}" class="mcid-label">'
            f'<tspan x="{x}">{escape(target_label[0])}</tspan>'
            f'<tspan x="{x}" dy="{LABEL_LINE}">{escape(target_label[1])}</tspan></text>'
        )
    if not series:
        out.append(
            f'<text x="{LEFT + PLOT_W / 2}" y="{top + PANEL_HEIGHT / 2}" text-anchor="middle" '
            f'class="hint">No scores recorded</text>'
        )
    else:
        points = " ".join(f"{_x(d, span):.1f},{y(v):.1f}" for d, v, _ in series)
        if len(series) > 1:
            out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for d, v, by_patient in series:
            # Patient-reported answers (by link) are open markers, so they never pass for a clinic measurement.
            fill = "#fff" if by_patient else colour
            who = " (patient-reported)" if by_patient else ""
            out.append(
                f'<circle cx="{_x(d, span):.1f}" cy="{y(v):.1f}" r="{4.5 if by_patient else 3.5}" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2" class="{"patient-reported" if by_patient else "clinic"}">'
                f"<title>Day {d}: {v}{escape(unit)}{who}</title></circle>"
            )
    out.append("</g>")
    return out


def render_progress_chart(measurements: Sequence[Measurement]) -> str:
    """SVG with two panels, pain NRS (0–10) above LEFS (0–80), x = days since the first assessment."""
    ordered = sorted(measurements, key=lambda m: m.on)
    start = ordered[0].on if ordered else None
    span = (ordered[-1].on - start).days if start is not None else 0
    nrs = [((m.on - start).days, m.pain_nrs, m.patient_reported) for m in ordered
           if start is not None and m.pain_nrs is not None]
    lefs = [((m.on - start).days, m.lefs, m.patient_reported) for m in ordered
            if start is not None and m.lefs is not None]
    height = TOP + 2 * PANEL_HEIGHT + GAP + BOTTOM + (20 if any(m.patient_reported for m in ordered) else 0)

    nrs_target = max(nrs[0][1] - NRS_MCID_POINTS, 0) if nrs else None
    lefs_target = min(lefs[0][1] + LEFS_MCID, LEFS_MAX) if lefs else None
    summary = []
    if nrs:
        summary.append(f"Pain NRS from {nrs[0][1]} to {nrs[-1][1]} out of 10; important change target {nrs_target}.")
    if lefs:
        summary.append(f"LEFS from {lefs[0][1]} to {lefs[-1][1]} out of 80; important change target {lefs_target}.")
    if not summary:
        summary.append("No scores recorded yet.")
    desc = f"Over {span} day(s): " + " ".join(summary)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" aria-labelledby="progress-title progress-desc" class="progress-chart">',
        '<title id="progress-title">Progress chart: pain and function over time</title>',
        f'<desc id="progress-desc">{escape(desc)}</desc>',
        "<style>.frame{fill:#fff;stroke:#9aa4ad}.grid{stroke:#e3e7eb}.tick,.hint{font:11px sans-serif;fill:#5b6670}"
        ".panel-title{font:bold 13px sans-serif;fill:#1d232a}.mcid{stroke:#1f6f3a;stroke-width:1.5;"
        "stroke-dasharray:6 4}.mcid-label{font:11px sans-serif;fill:#1f6f3a}.axis{font:11px sans-serif;"
        "fill:#1d232a}</style>",
    ]
    out += _panel(
        series=nrs,
        span=span,
        top=TOP,
        vmax=NRS_MAX,
        title="Pain NRS (0–10)",
        ticks=(0, 2, 4, 6, 8, 10),
        target=nrs_target,
        target_label=("Important change", f"≤ {nrs_target} (first − {NRS_MCID_POINTS})"),
        colour="#a4161a",
        unit="/10",
        better="lower is better",
    )
    lefs_top = TOP + PANEL_HEIGHT + GAP
    out += _panel(
        series=lefs,
        span=span,
        top=lefs_top,
        vmax=LEFS_MAX,
        title="LEFS (0–80)",
        ticks=(0, 20, 40, 60, 80),
        target=lefs_target,
        target_label=("Important change", f"≥ {lefs_target} (first + {LEFS_MCID})"),
        colour="#0b5cad",
        unit="/80",
        better="higher is better",
    )
    axis_y = lefs_top + PANEL_HEIGHT + 16
    for day in sorted({0, span, *(d for d, _, _ in nrs + lefs)})[:: max(1, len(ordered) // 8) or 1]:
        out.append(f'<text x="{_x(day, span):.1f}" y="{axis_y}" class="axis" text-anchor="middle">{day}</text>')
    out.append(
        f'<text x="{LEFT + PLOT_W / 2}" y="{axis_y + 18}" class="axis" text-anchor="middle">'
        f"Days since first assessment{f' ({start:%Y-%m-%d})' if start else ''}</text>"
    )
    if any(m.patient_reported for m in ordered):
        ly = axis_y + 34
        out.append(f'<circle cx="{LEFT + 6}" cy="{ly - 4}" r="4.5" fill="#fff" stroke="#5b6670" stroke-width="2"/>')
        out.append(f'<text x="{LEFT + 16}" y="{ly}" class="axis">Open marker: patient-reported (questionnaire '
                   f'by link); filled: recorded at the clinic</text>')
    out.append("</svg>")
    return "\n".join(out)
