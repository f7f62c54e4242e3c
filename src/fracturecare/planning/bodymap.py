"""A server-rendered SVG body map: the injured site, the chosen points and the dry-needling targets.

`render_body_map(plan, case)` is a pure function (no Django, no I/O beyond reading its
position table once), so the plan page and the PDF handout draw the same figure.
Positions come from `bodymap_positions.json`: an approximate table per WHO point code,
muscle and bone region, with fallbacks per channel and per body region. The figure is
for orientation; needling locations are found on the patient.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_LIMB_POINTS = _HERE.parent / "contracts" / "limb_points.json"

WIDTH, FIGURE_BOTTOM = 400, 530
CENTRES = {"front": 100, "back": 300}
COLOURS = {"site": "#b3261e", "point": "#0b5cad", "target": "#1f7a3a", "body": "#f3ede6", "line": "#8c7b6b"}
SITE_RADIUS = 8
LABEL_SIZE = 7.5
# Width of one label character, generous for bold capitals and digits, so a label is never
# placed where its real text would reach something (the exact width depends on the font).
LABEL_CHAR_WIDTH = 0.72 * LABEL_SIZE

# Half-silhouettes as (dx, y), dx measured from the midline; mirrored for the other half.
_TRUNK_AND_LEGS = [
    (9, 66), (10, 78), (30, 82), (50, 90), (40, 112), (38, 150), (34, 190), (42, 225), (46, 250),
    (44, 290), (39, 340), (37, 365), (38, 385), (38, 410), (34, 445), (30, 470), (31, 478), (30, 488),
]
_FOOT_FRONT = [(37, 500), (38, 512), (34, 518), (14, 518), (12, 508), (13, 495), (16, 484), (15, 478)]
_FOOT_BACK = [(31, 505), (28, 516), (20, 516), (17, 505), (16, 484), (15, 478)]
_LEG_INNER = [(17, 470), (16, 440), (14, 410), (15, 385), (14, 365), (12, 340), (8, 290), (4, 262), (0, 258)]
_ARM = [
    (50, 90), (58, 96), (62, 130), (68, 168), (74, 210), (78, 250), (82, 262), (82, 278), (76, 284),
    (70, 278), (68, 262), (70, 250), (64, 210), (58, 170), (54, 130), (46, 112),
]


@dataclass(frozen=True)
class Position:
    view: str
    dx: float
    y: float


@dataclass(frozen=True)
class Mark:
    kind: str  # site | point | target
    label: str  # short text drawn on the figure
    description: str  # full text for the legend and the text alternative
    x: float
    y: float
    added: bool = False


@cache
def positions() -> dict:
    """The coordinate table (bodymap_positions.json)."""
    return json.loads((_HERE / "bodymap_positions.json").read_text(encoding="utf-8"))


@cache
def _limb_points() -> dict[str, frozenset[str]]:
    data = json.loads(_LIMB_POINTS.read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in data.items() if isinstance(v, list)}


def _pos(entry: dict) -> Position:
    return Position(entry["view"], float(entry["dx"]), float(entry["y"]))


def point_position(code: str) -> Position:
    """Where a WHO point code goes: the table, else its channel on limb or trunk, else the leg."""
    table = positions()
    code = code.upper()
    if code in table["points"]:
        return _pos(table["points"][code])
    channel = re.match(r"[A-Z]+", code)
    channel_name = channel.group(0) if channel else ""
    limbs = _limb_points()
    region = "lower_limb" if code in limbs.get("lower_limb", ()) else (
        "upper_limb" if code in limbs.get("upper_limb", ()) else "trunk")
    by_channel = table["channels"].get(region, {})
    if channel_name in by_channel:
        return _pos(by_channel[channel_name])
    return _pos(table["regions"][region if region != "trunk" else "lower_limb"])


def muscle_position(muscle: str, fallback: Position) -> Position:
    """Where a muscle's target goes; an unknown muscle is drawn at the injured region."""
    entry = positions()["muscles"].get(muscle.lower())
    return _pos(entry) if entry else fallback


def site_position(injury: dict) -> Position:
    """Where the injured bone region is."""
    sites = positions()["sites"]
    bone, region = injury.get("bone", ""), injury.get("region", "")
    if bone == "metatarsal" and injury.get("ray"):
        ray = int(injury["ray"])
        y = {"base": 492, "proximal_diaphysis": 494, "shaft": 500, "neck": 506}.get(region, 500)
        return Position("front", 15 + (ray - 1) * 5, y)
    by_region = sites.get(bone)
    if by_region:
        return _pos(by_region.get(region) or by_region["*"])
    return _pos(positions()["regions"]["lower_limb"])


def _sides(side: str) -> list[str]:
    if side == "bilateral":
        return ["right", "left"]
    return [side or "midline"]


def _xy(pos: Position, side: str) -> tuple[float, float]:
    dx = 0.0 if side == "midline" else pos.dx
    # Front view: the patient's left is on the viewer's right; back view: on the viewer's left.
    sign = 1 if (side == "left") == (pos.view == "front") else -1
    return CENTRES[pos.view] + sign * dx, pos.y


def _words(text: str) -> str:
    return str(text).replace("_", " ")


def collect_marks(plan: dict, case: dict) -> list[Mark]:
    """Everything to draw, in drawing order (site first, so markers sit on top of it)."""
    injury = case.get("injury", {})
    site = site_position(injury)
    site_text = " ".join(filter(None, [
        _words(injury.get("side", "")), _words(injury.get("bone", "")),
        f"ray {injury['ray']}" if injury.get("ray") else "", _words(injury.get("region", "")),
    ]))
    # The site is marked on both views: targets often sit on the back, points on the front.
    other_view = Position("back" if site.view == "front" else "front", site.dx, site.y)
    marks = [
        Mark("site", "", f"Injured site: {site_text}", *_xy(view_pos, s))
        for view_pos in (site, other_view)
        for s in _sides(injury.get("side", "midline"))
    ]
    for point in plan.get("acupuncture", {}).get("points", []):
        code = point.get("code", "")
        pos = site if code.upper() == "ASHI" else point_position(code)
        side = point.get("laterality") or injury.get("side", "midline")
        for s in _sides(side):
            label = "Ashi" if code.upper() == "ASHI" else code
            marks.append(Mark("point", label, f"Acupuncture point {label} ({_words(s)})", *_xy(pos, s),
                              added=bool(point.get("added_by_clinician"))))
    for number, target in enumerate(plan.get("dry_needling", {}).get("targets", []), start=1):
        muscle = target.get("muscle", "")
        pos = muscle_position(muscle, site)
        side = target.get("side") or injury.get("side", "midline")
        for s in _sides(side):
            marks.append(Mark("target", f"T{number}", f"Dry-needling target T{number}: {_words(muscle)} ({_words(s)})",
                              *_xy(pos, s), added=bool(target.get("added_by_clinician"))))
    return marks


def _path(points: Sequence[tuple[float, float]], cx: float, mirror: bool) -> str:
    sign = -1 if mirror else 1
    return " ".join(f"{cx + sign * dx:.1f},{y:.1f}" for dx, y in points)


def _figure(view: str) -> str:
    cx = CENTRES[view]
    foot = _FOOT_FRONT if view == "front" else _FOOT_BACK
    half = _TRUNK_AND_LEGS + foot + _LEG_INNER
    outline = half + [(-dx, y) for dx, y in reversed(half)]
    parts = [
        f'<g class="figure figure-{view}" fill="{COLOURS["body"]}" stroke="{COLOURS["line"]}" stroke-width="1">',
        f'<circle cx="{cx}" cy="45" r="21"/>',
        f'<polygon points="{_path(outline, cx, False)}"/>',
        f'<polygon points="{_path(_ARM, cx, False)}"/>',
        f'<polygon points="{_path(_ARM, cx, True)}"/>',
    ]
    # Landmarks that help place points on the lower limb.
    for sign in (1, -1):
        if view == "front":
            parts += [
                f'<ellipse cx="{cx + sign * 26}" cy="366" rx="6" ry="8" fill="none"/>',  # patella
                f'<line x1="{cx + sign * 25}" y1="382" x2="{cx + sign * 23}" y2="468" stroke-dasharray="3 3"/>',
                f'<circle cx="{cx + sign * 15}" cy="478" r="2.5" fill="none"/>',  # medial malleolus
                f'<circle cx="{cx + sign * 31}" cy="481" r="2.5" fill="none"/>',  # lateral malleolus
            ]
        else:
            parts += [
                f'<line x1="{cx + sign * 16}" y1="368" x2="{cx + sign * 36}" y2="368"/>',  # knee crease
                f'<line x1="{cx + sign * 6}" y1="262" x2="{cx + sign * 40}" y2="258"/>',  # gluteal fold
                f'<path d="M{cx + sign * 22},448 L{cx + sign * 23},486 M{cx + sign * 28},448 L{cx + sign * 27},486"'
                ' fill="none"/>',  # Achilles tendon
            ]
    if view == "back":
        parts.append(f'<line x1="{cx}" y1="80" x2="{cx}" y2="236" stroke-dasharray="2 3"/>')  # spine
    parts.append("</g>")
    parts.append(f'<text x="{cx}" y="12" text-anchor="middle" font-size="11" font-weight="600">'
                 f'{"Front" if view == "front" else "Back"}</text>')
    # Which side is which, on each view.
    left_x = cx + 68 if view == "front" else cx - 68
    right_x = cx - 68 if view == "front" else cx + 68
    parts.append(f'<text x="{right_x}" y="515" text-anchor="middle" font-size="10">R</text>')
    parts.append(f'<text x="{left_x}" y="515" text-anchor="middle" font-size="10">L</text>')
    return "\n".join(parts)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Box) -> float:
        """Area shared with `other` (0 when they are apart)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return w * h if w > 0 and h > 0 else 0.0


@dataclass(frozen=True)
class Label:
    x: float  # text anchor point (baseline)
    y: float
    anchor: str  # start | end
    box: Box
    leader: bool  # drawn away from its marker: a thin line joins them


def label_box(x: float, y: float, anchor: str, text: str) -> Box:
    """The area a label's text covers, drawn at baseline (x, y) with `anchor`."""
    width = len(text) * LABEL_CHAR_WIDTH
    x0 = x if anchor == "start" else x - width
    return Box(x0, y - 0.78 * LABEL_SIZE, x0 + width, y + 0.22 * LABEL_SIZE)


def _marker_box(mark: Mark) -> Box:
    r = SITE_RADIUS + 1.5 if mark.kind == "site" else 4.0
    return Box(mark.x - r, mark.y - r, mark.x + r, mark.y + r)


# Where a label may go, as (distance sideways, baseline offset), nearest first. Sideways is
# measured away from the body's midline ("out") first, then towards it.
_NEAR = [(5, 3), (5, -5), (5, 11)]
_FAR = [(d, dy) for d in (11, 15, 20, 26, 34) for dy in (3, -7, 13, -15, 21)]
# Fixed text on the figure (the view titles and the R/L letters) that labels must not cover.
_FIXED_TEXT = [Box(c - 20, 2, c + 20, 14) for c in CENTRES.values()] + [
    Box(c + s * 68 - 5, 506, c + s * 68 + 5, 517) for c in CENTRES.values() for s in (1, -1)
]


def place_labels(marks: list[Mark]) -> dict[int, Label]:
    """A position for each point and target label (keyed by index in `marks`).

    Labels never cover an injured-site marker and avoid the other markers, the figure's fixed
    text and each other: each takes the first free spot of `_NEAR` then `_FAR`, outward side
    first. Only if every spot is taken does a label accept the least overlap, still never on a
    site marker.
    """
    sites = [_marker_box(m) for m in marks if m.kind == "site"]
    markers = [_marker_box(m) for m in marks if m.kind != "site"]
    placed: list[Box] = []
    labels: dict[int, Label] = {}
    for index, mark in enumerate(marks):
        if mark.kind == "site" or not mark.label:
            continue
        centre = CENTRES["front"] if mark.x < WIDTH / 2 else CENTRES["back"]
        out = 1 if mark.x >= centre else -1
        candidates = [(side * dx, dy, far) for far, spots in ((False, _NEAR), (True, _FAR))
                      for dx, dy in spots for side in (out, -out)]
        best: tuple[float, Label] | None = None
        for dx, dy, far in candidates:
            anchor = "start" if dx > 0 else "end"
            x, y = mark.x + dx, mark.y + dy
            box = label_box(x, y, anchor, mark.label)
            if box.x0 < 0 or box.x1 > WIDTH or box.y0 < 0 or box.y1 > FIGURE_BOTTOM:
                continue
            if any(box.overlap(site) for site in sites):
                continue
            crowding = sum(box.overlap(other) for other in markers + placed + _FIXED_TEXT)
            label = Label(x, y, anchor, box, leader=far)
            if best is None or crowding < best[0]:
                best = (crowding, label)
            if crowding == 0:
                break
        if best is not None:
            labels[index] = best[1]
            placed.append(best[1].box)
    return labels


def _leader(mark: Mark, label: Label) -> str:
    # From the marker's edge to the nearest point of the label's box.
    tx = min(max(mark.x, label.box.x0), label.box.x1)
    ty = min(max(mark.y, label.box.y0), label.box.y1)
    length = ((tx - mark.x) ** 2 + (ty - mark.y) ** 2) ** 0.5
    if length < 10:  # close enough to read as the marker's own label
        return ""
    sx, sy = mark.x + (tx - mark.x) * 3.5 / length, mark.y + (ty - mark.y) * 3.5 / length
    return (f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="{COLOURS[mark.kind]}" '
            'stroke-width="0.6"/>')


def _mark_svg(mark: Mark, label: Label | None = None) -> str:
    x, y = mark.x, mark.y
    dash = ' stroke-dasharray="2 1.5"' if mark.added else ""
    title = f"<title>{escape(mark.description)}</title>"
    if mark.kind == "site":
        return (f'<g class="mark-site">{title}<circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{COLOURS["site"]}" '
                f'fill-opacity="0.25" stroke="{COLOURS["site"]}" stroke-width="2"/>'
                f'<path d="M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} '
                f'M{x - 4:.1f},{y + 4:.1f} L{x + 4:.1f},{y - 4:.1f}" '
                f'stroke="{COLOURS["site"]}" stroke-width="2"/></g>')
    text = ""
    if label is not None and mark.label:
        text = (f'<text x="{label.x:.1f}" y="{label.y:.1f}" font-size="{LABEL_SIZE}" text-anchor="{label.anchor}" '
                f'fill="{COLOURS[mark.kind]}" font-weight="600">{escape(mark.label)}</text>')
        if label.leader:
            text = _leader(mark, label) + text
    if mark.kind == "point":
        shape = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="{COLOURS["point"]}" stroke="#fff" '
                 f'stroke-width="0.8"{dash}/>')
    else:
        shape = (f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" transform="rotate(45 {x:.1f} {y:.1f})" '
                 f'fill="{COLOURS["target"]}" stroke="#fff" stroke-width="0.8"{dash}/>')
    return f'<g class="mark-{mark.kind}">{title}{shape}{text}</g>'


def _legend(marks: list[Mark], plan: dict, top: float) -> tuple[str, float]:
    rows = [
        ("site", "Injured site"),
        ("point", "Acupuncture point (WHO code)"),
        ("target", "Dry-needling target (numbered below)"),
    ]
    out = []
    y = top
    for kind, text in rows:
        sample = Mark(kind, "", text, 16, y)
        sample_svg = _mark_svg(sample).replace(f"<title>{escape(text)}</title>", "")
        out.append(sample_svg.replace('class="mark-', 'class="legend-'))
        out.append(f'<text x="30" y="{y + 3.5:.1f}" font-size="10">{escape(text)}</text>')
        y += 16
    seen = set()
    for mark in marks:
        if mark.kind == "target" and mark.label not in seen:
            seen.add(mark.label)
            text = mark.description.split(": ", 1)[1].rsplit(" (", 1)[0]
            out.append(f'<text x="30" y="{y + 3.5:.1f}" font-size="10">{escape(mark.label)}: {escape(text)}</text>')
            y += 14
    notes = []
    if plan.get("acupuncture", {}).get("deferred"):
        notes.append("Acupuncture deferred until medically cleared.")
    if plan.get("dry_needling", {}).get("deferred"):
        notes.append("Dry needling deferred until medically cleared.")
    if any(m.added for m in marks):
        notes.append("Dashed outline: added by the clinician.")
    notes.append("Positions are approximate; locate points and targets on the patient.")
    for note in notes:
        out.append(f'<text x="10" y="{y + 3.5:.1f}" font-size="9" fill="#444">{escape(note)}</text>')
        y += 13
    return "\n".join(out), y


def text_alternative(marks: list[Mark], plan: dict) -> str:
    """One plain-text description of the map, for screen readers and text-only output."""
    sites = [m.description for m in marks if m.kind == "site"][:1]
    points = [m.description.replace("Acupuncture point ", "") for m in marks if m.kind == "point"]
    targets = [m.description.replace("Dry-needling target ", "") for m in marks if m.kind == "target"]
    parts = sites
    parts.append("Acupuncture points: " + (", ".join(points) if points else "none") + ".")
    parts.append("Dry-needling targets: " + (", ".join(targets) if targets else "none") + ".")
    if plan.get("acupuncture", {}).get("deferred") or plan.get("dry_needling", {}).get("deferred"):
        parts.append("Needling is deferred until medical clearance.")
    return " ".join(parts)


def render_body_map(plan: dict, case: dict, *, id_prefix: str = "bodymap") -> str:
    """SVG markup of front and back figures with the site, points and targets marked.

    The figure carries a <title> and a <desc> (the text alternative) and a legend, so it
    stands alone in a page or a PDF.
    """
    marks = collect_marks(plan, case)
    legend, bottom = _legend(marks, plan, FIGURE_BOTTOM + 16)
    height = bottom + 8
    prefix = escape(id_prefix)
    labels = place_labels(marks)
    body = "\n".join(_mark_svg(m, labels.get(i)) for i, m in enumerate(marks))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" '
        f'aria-labelledby="{prefix}-title {prefix}-desc" class="bodymap-svg" font-family="sans-serif">\n'
        f'<title id="{prefix}-title">Body map: injured site, acupuncture points and dry-needling targets</title>\n'
        f'<desc id="{prefix}-desc">{escape(text_alternative(marks, plan))}</desc>\n'
        f'{_figure("front")}\n{_figure("back")}\n{body}\n{legend}\n</svg>'
    )
