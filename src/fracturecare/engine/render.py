"""The plan as a clinician reads it on a terminal: triage first, then care by modality."""

from __future__ import annotations

import textwrap

from fracturecare.engine.shapes import JSON

WIDTH = 100


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _cites(item: JSON) -> str:
    return "[" + ", ".join(item.get("citations", [])) + "]"


def render_text(plan: JSON) -> str:
    """Render a plan as plain text, every line with its reason and source."""
    out: list[str] = []
    tri = plan["triage"]
    injury = plan["injury"]
    banner = f"TRIAGE: {tri['level'].upper().replace('_', ' ')} - {tri['meaning']}"
    out += ["=" * len(banner), banner, "=" * len(banner)]
    for reason in tri["reasons"]:
        out.append(_wrap(f"- {reason['reason']} {_cites(reason)}", "  "))
        out.append(_wrap(f"Action: {reason['action']}", "    "))
    risk = plan["risk"]
    out.append("")
    out.append(f"SITE: {injury['label']} ({injury['side']}), {risk['site_risk']}-risk, {injury['bone_type']} bone")
    window = risk.get("expected_return_weeks")
    if window:
        span = (f"about {window['min']:g}" if window["min"] == window["max"]
                else f"{window['min']:g}-{window['max']:g}")
        out.append(_wrap(f"Expected return (estimate): {span} weeks. "
                         f"{window['basis']} {_cites(window)}", "  "))
    triad = risk.get("triad_cumulative_risk")
    if triad:
        out.append(f"  Female Athlete Triad cumulative risk: {triad['score']} ({triad['clearance']} clearance) "
                   f"{_cites(triad)}")
    out.append(f"PHASE: {plan['phase']['name']} - {plan['phase']['goal']}")

    if plan.get("questions"):
        out += ["", "TO RECORD"]
        for q in plan["questions"]:
            choices = ", ".join(c["label"] for c in q["choices"])
            out.append(_wrap(f"? {q['question']} ({choices})", "  "))
    if plan.get("resolved"):
        out += ["", "AS RECORDED"]
        for note in plan["resolved"]:
            classes = f" [{', '.join(note['classes'])}]" if note.get("classes") else ""
            out.append(_wrap(f"{note['given']!s} -> {note['label']}{classes}", "  "))
    if plan["warnings"]:
        out += ["", "WARNINGS"]
        for w in plan["warnings"]:
            out.append(_wrap(f"! {w['text']} {_cites(w)}", "  "))

    out += ["", "CONVENTIONAL CARE"]
    for item in plan["conventional"]:
        out.append(f"  [{item['phase']}] {item['title']} {_cites(item)}")
        out.append(_wrap(item["reason"], "      "))

    acu = plan["acupuncture"]
    out += ["", "ACUPUNCTURE"]
    if acu["deferred"]:
        out.append("  Deferred until medically cleared.")
    elif acu.get("declined"):
        out.append("  Declined by the patient.")
    for p in acu["points"]:
        ea = " +EA" if p.get("electroacupuncture") else ""
        out.append(f"  {p['code']:<5} {p['laterality']:<9}{ea} {_cites(p)}")
        out.append(_wrap(p["reason"], "      "))
        for caution in p.get("cautions", []):
            out.append(_wrap(f"caution: {caution}", "      "))
    for x in acu.get("excluded", []):
        side = f" ({x['side']} side)" if x.get("side") else ""
        out.append(_wrap(f"  x {x['code']}{side}: {x['why']}", "  "))

    dn = plan["dry_needling"]
    out += ["", "DRY NEEDLING"]
    if dn["deferred"]:
        out.append("  Deferred until medically cleared.")
    elif dn.get("declined"):
        out.append("  Declined by the patient.")
    for t in dn["targets"]:
        out.append(f"  {t['muscle']:<26} {t['side']:<9} {_cites(t)}")
        out.append(_wrap(t["reason"], "      "))
        for caution in t.get("cautions", []):
            out.append(_wrap(f"caution: {caution}", "      "))
    for x in dn.get("excluded", []):
        out.append(_wrap(f"  x {x['muscle']}: {x['why']}", "  "))

    if plan.get("differentials"):
        out += ["", "DIFFERENTIALS TO CONSIDER"]
        for d in plan["differentials"]:
            out.append(_wrap(f"- {d['name']}: {d['why']} {_cites(d)}", "  "))

    out += ["", "SOURCES"]
    for c in plan["citations"]:
        ident = c.get("pmid") and f"PMID {c['pmid']}" or c.get("doi") and f"doi:{c['doi']}" or c.get("url", "")
        out.append(_wrap(f"[{c['id']}] {c['title']}. {ident}".rstrip(), "  "))
    out.append("")
    out.append(f"engine {plan['engine_version']}, knowledge {plan['knowledge_version']}")
    return "\n".join(out)
