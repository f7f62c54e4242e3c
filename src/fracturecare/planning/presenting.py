"""Turn a plan dict into what the plan page and the referral letter show.

Every recommendation is shown with its basis: the reason, each citation resolved to a
title with PubMed / DOI / web links, and the evidence tag of the knowledge it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fracturecare.planning.edits import KEY_FIELD, excluded_entries

# The knowledge base tags every fact (evidence tags): V checked against the
# source's own text, S secondary source only, K textbook knowledge not re-checked, U uncertain.
EVIDENCE_TAGS = {
    "V": "Checked against the source",
    "S": "From a secondary source",
    "K": "Textbook knowledge, not re-checked",
    "U": "Uncertain",
}
_TAG_KEYS = ("evidence", "evidence_tag", "tag", "strength", "evidence_strength")

TRIAGE_HEADINGS = {
    "emergency": "Emergency: send to an emergency department now",
    "urgent_referral": "Urgent referral: physician and imaging within days",
    "referral": "Referral: medical co-management alongside adjunct care",
    "proceed": "Proceed: adjunct care alongside conventional care",
}


@dataclass
class Source:
    id: str
    title: str
    links: list[tuple[str, str]]  # (label, url)
    known: bool = True
    reference: str = ""  # full bibliographic reference
    strength: str = ""  # what kind of evidence the source is
    number: int = 0  # its number in the plan's one list of sources (0: not in the list)


@dataclass
class Item:
    section: str
    key: str
    label: str
    reason: str
    sources: list[Source]
    evidence: str = ""
    evidence_label: str = ""
    side: str = ""
    extra: list[str] = field(default_factory=list)  # cautions, electroacupuncture, ...
    added: bool = False
    override: bool = False
    raw: dict = field(default_factory=dict)

    @property
    def cautions(self) -> list[str]:
        """The item's cautions (from the knowledge base), for the summary."""
        return [str(c) for c in self.raw.get("cautions", []) or []]

    @property
    def dom_id(self) -> str:
        """A stable element id for the item (points keep their upper-case code)."""
        return f"item-{self.section}-{self.key}"


def citation_links(citation: dict) -> list[tuple[str, str]]:
    links = []
    if citation.get("pmid"):
        links.append((f"PMID {citation['pmid']}", f"https://pubmed.ncbi.nlm.nih.gov/{citation['pmid']}/"))
    if citation.get("doi"):
        links.append((f"DOI {citation['doi']}", f"https://doi.org/{citation['doi']}"))
    if citation.get("url"):
        links.append(("Web page", citation["url"]))
    return links


def resolve_sources(ids: list[str], plan: dict) -> list[Source]:
    index = {c.get("id"): c for c in plan.get("citations", [])}
    sources = []
    for cid in ids:
        c = index.get(cid)
        if c is None:
            sources.append(Source(id=cid, title=f"{cid} (not in this plan's citation list)", links=[], known=False))
        else:
            sources.append(_source(c))
    return sources


def _source(c: dict) -> Source:
    return Source(id=c.get("id", ""), title=c.get("title", c.get("id", "")), links=citation_links(c),
                  reference=c.get("citation", ""), strength=c.get("strength", ""))


def _evidence(item: dict, plan: dict) -> str:
    for key in _TAG_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and value.get("tag"):
            return str(value["tag"])
    return ""


def _humanize(key: str) -> str:
    return key.replace("_", " ")


def _item(section: str, raw: dict, plan: dict) -> Item:
    if section == "conventional":
        key = raw.get("id", "")
        label = raw.get("title") or raw.get("label") or raw.get("description") or _humanize(key)
        side = ""
    elif section == "triage":
        key = raw.get("rule", "")
        label = raw.get("reason", "")
        side = ""
    elif section == "acupuncture":
        key = raw.get("code", "")
        label = key if not raw.get("name") else f"{key} {raw['name']}"
        side = raw.get("laterality", "")
    else:
        key = raw.get("muscle", "")
        label = raw.get("name") or raw.get("label") or _humanize(key).capitalize()
        side = raw.get("side", "")
    extra = []
    if raw.get("electroacupuncture"):
        extra.append("Electroacupuncture")
    for caution in raw.get("cautions", []) or []:
        extra.append(f"Caution: {caution}")
    if raw.get("action"):
        extra.append(f"Action: {raw['action']}")
    if raw.get("description") and raw.get("description") != label:
        extra.append(raw["description"])
    evidence = _evidence(raw, plan)
    return Item(
        section=section, key=key, label=label, reason=raw.get("reason", ""),
        sources=resolve_sources(raw.get("citations", []) or [], plan), evidence=evidence,
        evidence_label=EVIDENCE_TAGS.get(evidence, evidence), side=side, extra=extra,
        added=bool(raw.get("added_by_clinician")), override=bool(raw.get("override")), raw=raw,
    )


@dataclass
class Excluded:
    section: str
    key: str
    why: str
    sources: list[Source]
    override_allowed: bool


def _excluded(plan: dict, section: str) -> list[Excluded]:
    merged: dict[str, Excluded] = {}
    for e in excluded_entries(plan, section):
        key = e[KEY_FIELD[section]]
        allowed = e.get("override_allowed", True) is not False
        sources = resolve_sources(e.get("citations", []) or [], plan)
        if key in merged:
            prior = merged[key]
            prior.why = f"{prior.why} {e.get('why', '')}".strip()
            prior.sources += [s for s in sources if s.id not in {p.id for p in prior.sources}]
            prior.override_allowed = prior.override_allowed and allowed
        else:
            merged[key] = Excluded(section, key, e.get("why", ""), sources, allowed)
    return sorted(merged.values(), key=lambda x: x.key)


@dataclass
class PresentedPlan:
    triage_level: str
    triage_heading: str
    triage_reasons: list[Item]
    urgent: bool
    risk: dict
    conventional: list[Item]
    phases: list[tuple[str, bool, bool, list[Item]]]  # (phase name, is current, shown open, items)
    points: list[Item]
    targets: list[Item]
    acupuncture_deferred: bool
    dry_needling_deferred: bool
    excluded: list[Excluded]
    declined: list[str]
    removed: list[tuple[str, dict]]  # (section, item with "removal")
    warnings: list[dict]
    differentials: list[dict]
    citations: list[Source]
    site: dict = field(default_factory=dict)
    phase: dict = field(default_factory=dict)
    risk_sources: list[Source] = field(default_factory=list)
    return_sources: list[Source] = field(default_factory=list)

    @property
    def excluded_count(self) -> int:
        return len(self.excluded) + len(self.removed)

    @property
    def current_phase_items(self) -> list[Item]:
        """Conventional care of the current phase: what to do now."""
        return [item for _name, current, _open, items in self.phases if current for item in items]

    @property
    def other_phases(self) -> list[tuple[str, bool, bool, list[Item]]]:
        return [phase for phase in self.phases if not phase[1]]

    @property
    def cautions(self) -> list[tuple[str, list[str]]]:
        """The cautions that matter today: each caution once, with the needling items it applies to.

        The plan's warnings come first (they concern the whole plan); then the cautions of the
        points and targets to be needled, since those are what the clinician acts on now.
        """
        merged: dict[str, list[str]] = {}
        for w in self.warnings:
            if w.get("text"):
                merged.setdefault(str(w["text"]), [])
        for item in self.points + self.targets:
            for caution in item.cautions:
                merged.setdefault(caution, []).append(f"{item.key} {item.side}".strip())
        return list(merged.items())


def _phases(items: list[Item], phase: dict) -> list[tuple[str, bool, bool, list[Item]]]:
    """Conventional care grouped by phase, in the plan's roadmap order.

    Phases up to the current one are shown open; later ones start folded, so what to do
    now is on the first screen.
    """
    names = {step.get("id"): step.get("name", step.get("id")) for step in phase.get("roadmap", [])}
    order = list(names)
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.raw.get("phase", ""), []).append(item)
    keys = sorted(groups, key=lambda k: order.index(k) if k in order else len(order))
    current = phase.get("current")
    limit = order.index(current) if current in order else len(order)
    return [
        (names.get(k) or (_humanize(k).capitalize() if k else "Other"), k == current,
         k not in order or order.index(k) <= limit, groups[k])
        for k in keys
    ]


def _triage_heading(triage: dict) -> str:
    if triage.get("label") and triage.get("meaning"):
        return f"{triage['label']}: {triage['meaning']}"
    return TRIAGE_HEADINGS.get(triage.get("level", ""), triage.get("level", ""))


def present(plan: dict) -> PresentedPlan:
    level = plan.get("triage", {}).get("level", "")
    acu, dn = plan.get("acupuncture", {}), plan.get("dry_needling", {})
    removed = [("conventional", i) for i in plan.get("conventional_removed_by_clinician", [])]
    removed += [("acupuncture", i) for i in acu.get("removed_by_clinician", [])]
    removed += [("dry_needling", i) for i in dn.get("removed_by_clinician", [])]
    conventional = [_item("conventional", i, plan) for i in plan.get("conventional", [])]
    presented = PresentedPlan(
        phases=_phases(conventional, plan.get("phase", {})),
        triage_level=level,
        triage_heading=_triage_heading(plan.get("triage", {})),
        triage_reasons=[_item("triage", r, plan) for r in plan.get("triage", {}).get("reasons", [])],
        urgent=level in ("emergency", "urgent_referral"),
        risk=plan.get("risk", {}),
        conventional=conventional,
        points=[_item("acupuncture", i, plan) for i in acu.get("points", [])],
        targets=[_item("dry_needling", i, plan) for i in dn.get("targets", [])],
        acupuncture_deferred=bool(acu.get("deferred")),
        dry_needling_deferred=bool(dn.get("deferred")),
        excluded=_excluded(plan, "acupuncture") + _excluded(plan, "dry_needling"),
        declined=[name for name, part in (("Acupuncture", acu), ("Dry needling", dn)) if part.get("declined")],
        removed=removed,
        warnings=plan.get("warnings", []),
        differentials=plan.get("differentials", []),
        citations=[_source(c) for c in plan.get("citations", [])],
        site=plan.get("injury", {}),
        phase=plan.get("phase", {}),
        risk_sources=resolve_sources((plan.get("risk", {}).get("site_risk_basis") or {}).get("citations", []), plan),
        return_sources=resolve_sources(
            (plan.get("risk", {}).get("expected_return_weeks") or {}).get("citations", []), plan),
    )
    _number_sources(presented)
    return presented


def _number_sources(p: PresentedPlan) -> None:
    """Number the plan's sources once, in the plan's order, and point every reference at its number.

    The page lists each source once at the end; items refer to it as [n]. A reference to a
    source missing from the plan's list is added to the end of the list, flagged, rather than dropped.
    """
    numbers: dict[str, int] = {}
    for n, source in enumerate(p.citations, start=1):
        source.number = n
        numbers[source.id] = n
    referenced = [s for item in (p.triage_reasons + p.conventional + p.points + p.targets) for s in item.sources]
    referenced += [s for x in p.excluded for s in x.sources] + p.risk_sources + p.return_sources
    for source in referenced:
        if source.id not in numbers:
            p.citations.append(Source(id=source.id, title=source.title, links=[], known=False,
                                      number=len(p.citations) + 1))
            numbers[source.id] = len(p.citations)
        source.number = numbers[source.id]
