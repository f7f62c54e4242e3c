"""The public condition pages, built only from the knowledge base.

Every clinical sentence on a condition page is a knowledge-base statement: the page's own
plain-language text (`patient_education.yaml`) or an entry the engine itself uses (sites,
differential diagnoses, red flags, point choices, dry-needling muscles). Each is rendered with
numbered links to its sources and, when the evidence is background knowledge or uncertain, a
label saying so. Nothing clinical is written in the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404

from fracturecare.clinic.selectors import clinic_details
from fracturecare.knowledge import KnowledgeBase, load_knowledge
from fracturecare.public.templatetags.public_tags import absolute_url

PUBMED = "https://pubmed.ncbi.nlm.nih.gov/{}/"
DOI = "https://doi.org/{}"

_ROLE_LABELS = {
    "local": "Around the injury",
    "regional": "Supporting point (traditional)",
    "systemic": "Supporting point (traditional)",
}
_PREGNANCY_TEXT = {
    "contraindicated": "Traditionally avoided in pregnancy.",
    "caution": "Used with caution in pregnancy.",
    "none": "No specific traditional pregnancy restriction.",
}
_PREGNANCY_ORDER = ["none", "caution", "contraindicated"]


class PatientEducationError(Exception):
    """patient_education.yaml names a knowledge-base entry that does not exist or does not fit."""


def evidence_label(tag: str, basis: str | None = None, unverified: bool = False) -> str:
    """How a statement's evidence is labelled for a reader ('' when it is checked research)."""
    if tag == "K":
        return "Traditional view" if basis == "traditional" else "Expert opinion"
    if tag == "U":
        return "Not certain"
    if unverified:
        return "Not fully checked"
    return ""


@dataclass
class Statement:
    """One cited clinical statement as the template shows it."""

    text: str
    refs: list[tuple[int, str]]  # (number on this page, evidence id)
    tag: str
    label: str
    kb: str  # where it comes from, e.g. "patient_education:what-it-is" or "sites:navicular"


@dataclass
class _Citer:
    """Numbers sources in order of first citation on the page."""

    kb: KnowledgeBase
    order: list[str] = field(default_factory=list)

    def statement(self, data: dict, *, kb: str, text: str | None = None) -> Statement:
        refs = []
        for cid in data["citations"]:
            if cid not in self.kb.sources:
                raise PatientEducationError(f"{kb}: cites unknown source {cid!r}")
            if cid not in self.order:
                self.order.append(cid)
            refs.append((self.order.index(cid) + 1, cid))
        return Statement(
            text=text if text is not None else data["text"],
            refs=refs,
            tag=data["tag"],
            label=evidence_label(data["tag"], data.get("basis"), bool(data.get("unverified"))),
            kb=kb,
        )

    def references(self) -> list[dict]:
        out = []
        for n, cid in enumerate(self.order, start=1):
            src = self.kb.sources[cid]
            links = []
            if src.get("pmid"):
                links.append({"label": f"PMID {src['pmid']}", "url": PUBMED.format(src["pmid"])})
            if src.get("doi"):
                links.append({"label": f"DOI {src['doi']}", "url": DOI.format(src["doi"])})
            if src.get("url") and not any(link["url"] == src["url"] for link in links):
                links.append({"label": "Read online", "url": src["url"]})
            out.append({"n": n, "id": cid, "source": src, "links": links, "unverified": src.get("unverified", [])})
        return out


def _pages(kb: KnowledgeBase) -> list[dict]:
    data = kb.files.get("patient_education")
    return data["pages"] if data else []


def page_data(kb: KnowledgeBase, slug: str) -> dict:
    """The patient_education page with this slug, or Http404."""
    for page in _pages(kb):
        if page["slug"] == slug:
            return page
    raise Http404("no such condition page")


def _columns(headings: list[str], cells: list[Statement], where: str) -> list[dict]:
    """Spread a row's statements over the table's columns (after the row-label column).

    With one data column every statement goes in it; otherwise one statement per column.
    """
    data_headings = headings[1:]
    if len(data_headings) == 1:
        return [{"heading": data_headings[0], "statements": cells}]
    if len(cells) != len(data_headings):
        raise PatientEducationError(f"{where}: a row has {len(cells)} cells for {len(data_headings)} columns")
    return [{"heading": h, "statements": [c]} for h, c in zip(data_headings, cells, strict=True)]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subset(kb: KnowledgeBase, where: str, cited: list[str], allowed: set[str]) -> None:
    # A plain-language line about an engine entry may lean only on that entry's sources (and the
    # project's general references), so the page cannot claim more than the engine knows.
    extra = set(cited) - allowed - {"REF-CONV", "REF-ACU"}
    if extra:
        raise PatientEducationError(f"{where}: cites {sorted(extra)}, which the entry itself does not cite")


def _site_rows(kb: KnowledgeBase, citer: _Citer, site_ids: list[str], where: str) -> list[dict]:
    sites = {s["id"]: s for s in kb.sites}
    rows = []
    for site_id in site_ids:
        site = sites.get(site_id)
        if site is None:
            raise PatientEducationError(f"{where}: unknown site {site_id!r}")
        risk = site["risk"]
        risk_text = (
            "Higher risk: needs prompt medical care."
            if risk["class"] == "high"
            else "Lower risk: usually heals with rest."
        )
        if risk.get("editable"):
            risk_text += " Sources differ on this site."
        who = site.get("populations")
        # The first clause names who gets it; the rest is the clinical picture, for clinicians.
        who_text = who["text"].split(";")[0].strip().rstrip(".") + "." if who else ""
        rows.append(
            {
                "label": _capitalise(site.get("plain_label") or site["label"]),
                "who": citer.statement(who, kb=f"sites:{site_id}:populations", text=who_text) if who else None,
                "risk": citer.statement(risk, kb=f"sites:{site_id}:risk", text=risk_text),
                "high_risk": risk["class"] == "high",
            }
        )
    return rows


def _differentials(kb: KnowledgeBase, citer: _Citer, items: list[dict], where: str) -> list[dict]:
    conditions = {c["id"]: c for c in kb.conditions}
    rows = []
    for item in items:
        cond = conditions.get(item["ref"])
        if cond is None:
            raise PatientEducationError(f"{where}: unknown condition {item['ref']!r}")
        _subset(kb, f"{where}:{item['ref']}", item["citations"], set(cond["citations"]))
        name = cond.get("plain_name") or cond["name"]
        rows.append(
            {
                "name": name,
                "clinical_name": cond["name"] if cond.get("plain_name") else "",
                "statement": citer.statement(item, kb=f"conditions:{cond['id']}"),
            }
        )
    return rows


def _red_flags(kb: KnowledgeBase, citer: _Citer, groups: list[dict], where: str) -> list[dict]:
    rules = {r["id"]: r for r in kb.red_flags["rules"]}
    levels = {lvl["id"]: lvl for lvl in kb.red_flags["levels"]}
    out = []
    for group in groups:
        items = []
        for item in group["items"]:
            rule = rules.get(item["ref"])
            if rule is None:
                raise PatientEducationError(f"{where}: unknown red-flag rule {item['ref']!r}")
            if rule["level"] != group["level"]:
                raise PatientEducationError(
                    f"{where}: rule {item['ref']!r} is {rule['level']!r} in the engine, listed under {group['level']!r}"
                )
            _subset(kb, f"{where}:{item['ref']}", item["citations"], set(rule["citations"]))
            items.append(citer.statement(item, kb=f"red_flags:{rule['id']}"))
        out.append(
            {"level": group["level"], "heading": group["heading"], "items": items, "meta": levels[group["level"]]}
        )
    return out


def _point_rows(kb: KnowledgeBase, citer: _Citer, notes: list[dict], where: str) -> list[dict]:
    notes_by_ref = {n["ref"]: n for n in notes}
    rows = []
    for choice in kb.point_selection:
        if "combination" in choice:
            combo = kb.combinations[choice["combination"]]
            codes, ref, title = combo["points"], combo["id"], combo["name"]
            allowed = set(combo["citations"])
        else:
            codes, ref, title = [choice["code"]], choice["code"].lower(), ""
            allowed = set()
        points = [kb.points[c] for c in codes]
        for p in points:
            allowed |= set(p["used_for"]["citations"]) | set(p["location"]["citations"])
        allowed |= set(choice["citations"])
        note = notes_by_ref.get(ref)
        if note is not None:
            _subset(kb, f"{where}:{ref}", note["citations"], allowed)
            about = citer.statement(note, kb=f"points:{choice['id']}")
        else:
            about = citer.statement({**points[0]["used_for"], "basis": "traditional"}, kb=f"points:{codes[0]}:used_for")
        worst = max((p["pregnancy"] for p in points), key=lambda pr: _PREGNANCY_ORDER.index(pr["rule"]))
        rows.append(
            {
                "names": [{"code": p["code"], "name": p["name"], "english": p.get("english", "")} for p in points],
                "title": title,
                "role": _ROLE_LABELS.get(choice["role"], choice["role"]),
                "about": about,
                "pregnancy": citer.statement(
                    worst, kb=f"points:{codes[0]}:pregnancy", text=_PREGNANCY_TEXT[worst["rule"]]
                ),
                "avoid_in_pregnancy": worst["rule"] == "contraindicated",
            }
        )
    unknown = set(notes_by_ref) - {(c.get("combination") or c["code"].lower()) for c in kb.point_selection}
    if unknown:
        raise PatientEducationError(f"{where}: point notes for points the engine does not choose: {sorted(unknown)}")
    return rows


def _dry_needling_rows(kb: KnowledgeBase, citer: _Citer, site_ids: list[str], where: str) -> list[dict]:
    sites = {s["id"]: s for s in kb.sites}
    rows = []
    for site_id in site_ids:
        site = sites.get(site_id)
        if site is None:
            raise PatientEducationError(f"{where}: unknown site {site_id!r}")
        dn = site["dry_needling"]
        names = [kb.muscles[m]["name"] for m in dn["muscles"]]
        rows.append(
            {
                "label": _capitalise(site.get("plain_label") or site["label"]),
                "muscles": citer.statement(dn, kb=f"sites:{site_id}:dry_needling", text=", ".join(names) + "."),
            }
        )
    return rows


def build_condition_page(kb: KnowledgeBase, slug: str) -> dict:
    """Everything the condition template shows, with each statement tied to its sources."""
    page = page_data(kb, slug)
    citer = _Citer(kb)
    where = f"patient_education:{page['id']}"

    def stmts(items: list[dict] | None, place: str) -> list[Statement]:
        return [citer.statement(item, kb=f"{where}:{place}") for item in items or []]

    summary = stmts(page.get("summary"), "summary")
    sections = []
    for sec in page["sections"]:
        place = f"{where}:{sec['id']}"
        # Built in the order the template shows them, so source numbers rise down the page.
        built = {"id": sec["id"], "heading": sec["heading"]}
        built["statements"] = stmts(sec.get("statements"), sec["id"])
        built["bullets"] = stmts(sec.get("bullets"), sec["id"])
        built["sites"] = _site_rows(kb, citer, sec.get("sites", []), place)
        built["differentials"] = _differentials(kb, citer, sec.get("differentials", []), place)
        built["table"] = None
        if sec.get("table"):
            table = sec["table"]
            built["table"] = {
                "caption": table["caption"],
                "columns": table["columns"],
                "rows": [
                    {
                        "label": row["label"],
                        "columns": _columns(table["columns"], stmts(row["cells"], sec["id"]), place),
                    }
                    for row in table["rows"]
                ],
            }
        built["points"] = _point_rows(kb, citer, sec.get("point_notes", []), place) if sec.get("point_choices") else []
        built["dry_needling"] = _dry_needling_rows(kb, citer, sec.get("dry_needling_sites", []), place)
        built["red_flags"] = _red_flags(kb, citer, sec.get("red_flags", []), place)
        built["after"] = stmts(sec.get("after"), sec["id"])
        sections.append(built)
    faq = [{"question": q["question"], "answer": stmts(q["answer"], "faq")} for q in page["faq"]]
    return {
        "page": page,
        "summary": summary,
        "sections": sections,
        "faq": faq,
        "references": citer.references(),
        "kb_version": kb.version,
        "kb_digest": kb.digest,
    }


def check_patient_education(kb: KnowledgeBase) -> None:
    """Build every condition page once: raises PatientEducationError on a bad reference."""
    for page in _pages(kb):
        build_condition_page(kb, page["slug"])


def _medical_page_ld(built: dict, url: str) -> dict:
    page = built["page"]
    clinic = clinic_details()
    differentials = [row["clinical_name"] or row["name"] for sec in built["sections"] for row in sec["differentials"]]
    citations = []
    for ref in built["references"]:
        src = ref["source"]
        item = {"@type": "CreativeWork", "name": src["title"], "description": src["citation"]}
        if src.get("year"):
            item["datePublished"] = str(src["year"])
        if ref["links"]:
            item["url"] = ref["links"][0]["url"]
            item["sameAs"] = [link["url"] for link in ref["links"]]
        citations.append(item)
    return {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": page["title"],
        "headline": page["heading"],
        "description": page["description"],
        "url": url,
        "inLanguage": "en",
        "lastReviewed": page["reviewed"],
        "audience": {"@type": "MedicalAudience", "audienceType": "Patient"},
        "about": {
            "@type": "MedicalCondition",
            "name": page.get("condition_name") or page["heading"],
            "alternateName": page.get("alternate_names", []),
            "differentialDiagnosis": [
                {"@type": "DDxElement", "diagnosis": {"@type": "MedicalCondition", "name": name}}
                for name in differentials
            ],
        },
        "publisher": {
            "@type": "MedicalClinic",
            "name": clinic["name"],
            "telephone": clinic["phone"],
            "url": absolute_url("/"),
        },
        "citation": citations,
    }


def _faq_ld(built: dict) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": q["question"],
                "acceptedAnswer": {"@type": "Answer", "text": " ".join(s.text for s in q["answer"])},
            }
            for q in built["faq"]
        ],
    }


def condition_summary(*, slug: str) -> list[Statement]:
    """A condition page's summary statements, numbered as on the page itself."""
    return build_condition_page(load_knowledge(), slug)["summary"]


def condition_page_context(request, *, slug: str) -> dict:
    """Template context for /conditions/<slug>/."""
    built = build_condition_page(load_knowledge(), slug)
    url = absolute_url(request.path)
    return {**built, "medical_page_ld": _medical_page_ld(built, url), "faq_ld": _faq_ld(built)}
