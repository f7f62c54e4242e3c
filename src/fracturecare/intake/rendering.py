"""The consent text as shown and stored: statements with numbered source markers, then the sources."""

from __future__ import annotations

from fracturecare.intake.content import ConsentForm
from fracturecare.knowledge import load_knowledge


def consent_sources(form: ConsentForm) -> list[tuple[str, str]]:
    """(source id, full reference) for every source the form cites, in order of first citation."""
    kb = load_knowledge()
    ids = list(dict.fromkeys(cid for s in form.statements for cid in s.citations))
    return [(cid, kb.cite(cid)["citation"]) for cid in ids]


def consent_paragraphs(form: ConsentForm) -> list[str]:
    """Each statement with its sources as bracketed numbers, e.g. "... [1, 2]"."""
    numbers = {cid: n for n, (cid, _) in enumerate(consent_sources(form), start=1)}
    out = []
    for statement in form.statements:
        marks = ", ".join(str(numbers[c]) for c in statement.citations)
        out.append(f"{statement.text} [{marks}]" if marks else statement.text)
    return out


def consent_text(form: ConsentForm) -> str:
    """The whole form as plain text: the copy kept with a signature."""
    lines = [f"{form.title} (version {form.version})", ""]
    lines += [f"{p}\n" for p in consent_paragraphs(form)]
    sources = consent_sources(form)
    if sources:
        lines.append("Sources:")
        lines += [f"[{n}] {ref}" for n, (_, ref) in enumerate(sources, start=1)]
        lines.append("")
    lines.append(form.agreement)
    return "\n".join(lines)
