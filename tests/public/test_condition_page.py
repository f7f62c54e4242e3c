"""The stress-fracture page: every clinical statement comes from the knowledge base, cited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from django.utils.html import escape

from fracturecare.knowledge import KnowledgeError, load_knowledge
from fracturecare.knowledge.loader import DATA_DIR, load_from
from fracturecare.public import condition
from fracturecare.public.condition import PatientEducationError, build_condition_page, check_patient_education
from tests.public.html_tree import parse

URL = "/conditions/stress-fracture/"
TEXT_BLOCKS = {"p", "li", "td", "dd"}
SECTIONS = [
    "what-it-is",
    "where",
    "why",
    "treatment",
    "confused-with",
    "acupuncture-and-dry-needling",
    "research",
    "get-help",
    "faq",
    "book",
    "sources",
]


@pytest.fixture(scope="module")
def page_html(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(URL)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(scope="module")
def tree(page_html):
    return parse(page_html)


@pytest.fixture(scope="module")
def article(tree):
    node = tree.find("article", **{"class": "condition"})
    assert node is not None
    return node


def _page_yaml() -> dict:
    return next(p for p in load_knowledge().patient_education if p["slug"] == "stress-fracture")


def _walk_statements(node):
    """Every statement-shaped dict (text + citations) anywhere in the page's data."""
    if isinstance(node, dict):
        if "text" in node and "citations" in node:
            yield node
        for value in node.values():
            yield from _walk_statements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_statements(value)


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_the_page_has_every_required_section(tree, page_html):
    ids = {n.attrs.get("id") for n in tree.iter()}
    for section in SECTIONS:
        assert section in ids, section
    h1 = tree.find_all("h1")
    assert [h.text for h in h1] == ["Stress fractures"]
    assert 'href="/book/"' in page_html
    assert 'href="tel:+15550100199"' in page_html and 'href="sms:+15550100199"' in page_html
    assert "911" in page_html and "Medical disclaimer" in page_html


def test_metadata_title_description_canonical(tree):
    title = tree.find("title").text
    assert title.startswith("Stress fractures: causes, treatment")
    description = tree.find("meta", name="description").attrs["content"]
    assert 50 < len(description) <= 170
    canonical = tree.find("link", rel="canonical").attrs["href"]
    assert canonical == "http://127.0.0.1:8000/conditions/stress-fracture/"


def test_json_ld_parses_with_the_right_types(tree, page_html):
    blocks = [json.loads(n.text) for n in tree.find_all("script", type="application/ld+json")]
    by_type = {b["@type"]: b for b in blocks}
    assert set(by_type) == {"MedicalWebPage", "FAQPage"}
    page = by_type["MedicalWebPage"]
    assert page["about"]["@type"] == "MedicalCondition"
    assert page["about"]["name"] == "Stress fracture"
    assert page["lastReviewed"] == _page_yaml()["reviewed"]
    assert any("https://pubmed.ncbi.nlm.nih.gov/39809159/" in c.get("sameAs", []) for c in page["citation"])
    faq = by_type["FAQPage"]
    questions = [q["name"] for q in faq["mainEntity"]]
    assert questions == [q["question"] for q in _page_yaml()["faq"]]
    assert faq["mainEntity"] and all(
        q["acceptedAnswer"]["@type"] == "Answer" and q["acceptedAnswer"]["text"] for q in faq["mainEntity"]
    )
    # No other scripts: the page needs no JavaScript.
    assert len(re.findall(r"<script", page_html)) == len(blocks)


def test_every_text_block_is_a_cited_statement_or_marked_non_clinical(article):
    checked = 0
    for node in article.iter():
        if node.tag not in TEXT_BLOCKS or not node.text:
            continue
        checked += 1
        chain = [node, *node.ancestors()]
        marked = any(
            "data-stmt" in n.attrs or "data-nonclinical" in n.attrs or "data-references" in n.attrs for n in chain
        )
        assert marked, f"uncited text block <{node.tag}>: {node.text[:80]!r}"
    assert checked > 50


def test_every_statement_links_to_sources_that_resolve(tree, article):
    kb = load_knowledge()
    listed = {n.attrs["id"][4:] for n in tree.find_all("li") if n.attrs.get("id", "").startswith("ref-")}
    statements = article.find_all(data_stmt=True)
    assert len(statements) > 80
    for node in statements:
        targets = [a.attrs["href"] for a in node.find_all("a") if a.attrs.get("href", "").startswith("#ref-")]
        assert targets, f"statement without a citation: {node.text[:80]!r}"
        for href in targets:
            source_id = href[len("#ref-") :]
            assert source_id in listed, href
            assert source_id in kb.sources, href
        origin = node.attrs["data-stmt"].split(":")[0]
        assert origin in {"patient_education", "sites", "conditions", "red_flags", "points"}, node.attrs["data-stmt"]


def test_every_statement_in_the_data_is_rendered(page_html):
    html = _norm(page_html)
    texts = [s["text"] for s in _walk_statements(_page_yaml())]
    assert len(texts) > 60
    for text in texts:
        assert escape(_norm(text)) in html, text[:80]


def test_background_and_uncertain_statements_are_labelled_as_such(article):
    labels = {"traditional": "Traditional view", "expert_opinion": "Expert opinion", None: "Expert opinion"}
    blocks = article.find_all(data_stmt=True)
    labelled = [s for s in _walk_statements(_page_yaml()) if s["tag"] in ("K", "U")]
    assert labelled
    for statement in labelled:
        expected = "Not certain" if statement["tag"] == "U" else labels[statement.get("basis")]
        holders = [b for b in blocks if _norm(statement["text"]) in b.text]
        assert holders, statement["text"][:60]
        for block in holders:
            tags = [t.text for t in block.find_all("span", **{"class": "tag"})]
            assert expected in tags, (statement["text"][:60], tags)


def test_sources_show_full_citations_with_pmid_and_doi_links(tree):
    kb = load_knowledge()
    refs = {n.attrs["id"][4:]: n for n in tree.find_all("li") if n.attrs.get("id", "").startswith("ref-")}
    assert {"SP", "GAO24", "CHYS23"} <= set(refs)
    for source_id, node in refs.items():
        src = kb.sources[source_id]
        hrefs = {a.attrs.get("href") for a in node.find_all("a")}
        assert src["citation"].split(".")[0] in node.text
        if src.get("pmid"):
            assert f"https://pubmed.ncbi.nlm.nih.gov/{src['pmid']}/" in hrefs
        if src.get("doi"):
            assert f"https://doi.org/{src['doi']}" in hrefs
    assert "https://www.ncbi.nlm.nih.gov/books/NBK554538/" in {a.attrs.get("href") for a in refs["SP"].find_all("a")}


def test_reference_numbers_rise_down_the_page(article):
    numbers = []
    for a in article.find_all("a"):
        if a.attrs.get("href", "").startswith("#ref-"):
            number = int(a.text.split()[-1])
            if number not in numbers:
                numbers.append(number)
    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))


def test_the_page_shows_what_the_engine_uses(article):
    kb = load_knowledge()
    text = article.text
    assert kb.point_selection
    # Every point the engine may choose is in the points table, with its name from the knowledge base.
    for choice in kb.point_selection:
        codes = kb.combinations[choice["combination"]]["points"] if "combination" in choice else [choice["code"]]
        for code in codes:
            point = kb.points[code]
            assert (point["name"] if code == "ASHI" else f"{code} {point['name']}") in text
    # Risk classes match the engine's sites.
    sites = {s["id"]: s for s in kb.sites}
    page = build_condition_page(kb, "stress-fracture")
    where = next(s for s in page["sections"] if s["id"] == "where")
    for site_id, row in zip(_page_yaml()["sections"][1]["sites"], where["sites"], strict=True):
        assert row["high_risk"] == (sites[site_id]["risk"]["class"] == "high")


def test_an_unknown_slug_is_404(client):
    assert client.get("/conditions/no-such-thing/").status_code == 404


@pytest.mark.django_db
def test_the_home_page_leads_to_the_condition_page(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{URL}"' in html
    # Its introduction is the condition page's own summary, cited to the page's sources.
    for statement in _page_yaml()["summary"]:
        assert escape(_norm(statement["text"])) in _norm(html)
    assert f'href="{URL}#ref-SP"' in html
    tree = parse(html)
    blocks = [json.loads(n.text) for n in tree.find_all("script", type="application/ld+json")]
    assert blocks[0]["@type"] == "MedicalClinic" and blocks[0]["telephone"] == "+1-555-010-0199"


# --- the data itself: bad knowledge never reaches the page -----------------------------------


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(data_dir: Path, change) -> None:
    path = data_dir / "patient_education.yaml"
    data = yaml.safe_load(path.read_text())
    change(data["pages"][0])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_real_data_passes_every_check():
    check_patient_education(load_knowledge())


def test_a_statement_without_citations_does_not_load(data_copy):
    _edit(data_copy, lambda page: page["sections"][0]["statements"][0].update(citations=[]))
    with pytest.raises(KnowledgeError, match="patient_education"):
        load_from(data_copy)


def test_a_citation_that_does_not_resolve_does_not_load(data_copy):
    _edit(data_copy, lambda page: page["sections"][0]["statements"][0].update(citations=["NO-SUCH-SOURCE"]))
    with pytest.raises(KnowledgeError, match="NO-SUCH-SOURCE"):
        load_from(data_copy)


def test_a_statement_without_an_evidence_tag_does_not_load(data_copy):
    _edit(data_copy, lambda page: page["sections"][0]["statements"][0].pop("tag"))
    with pytest.raises(KnowledgeError, match="tag"):
        load_from(data_copy)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda page: page["sections"][1]["sites"].append("no_such_site"), "unknown site"),
        (
            lambda page: next(s for s in page["sections"] if s["id"] == "confused-with")["differentials"][0].update(
                ref="no_such_condition"
            ),
            "unknown condition",
        ),
        (
            # Shin splints' own sources do not include the Navy vitamin D study.
            lambda page: next(s for s in page["sections"] if s["id"] == "confused-with")["differentials"][0].update(
                citations=["BUR11"]
            ),
            "does not cite",
        ),
        (
            lambda page: next(s for s in page["sections"] if s["id"] == "get-help")["red_flags"][0]["items"].append(
                {"ref": "rest_or_night_pain", "text": "x", "citations": ["KISH"], "tag": "S"}
            ),
            "listed under 'emergency'",
        ),
    ],
)
def test_links_to_engine_entries_are_checked(data_copy, change, message):
    _edit(data_copy, change)
    kb = load_from(data_copy)
    with pytest.raises(PatientEducationError, match=message):
        check_patient_education(kb)


def test_the_page_is_rendered_from_the_data_alone(data_copy, client, monkeypatch):
    """Replace every plain-language text with a marker: each marker appears, cited, and nothing else is prose."""
    counter = iter(range(10_000))

    def mark(node):
        if isinstance(node, dict):
            if "text" in node and "citations" in node:
                node["text"] = f"MARKER{next(counter)}"
            for value in node.values():
                mark(value)
        elif isinstance(node, list):
            for value in node:
                mark(value)

    _edit(data_copy, mark)
    kb = load_from(data_copy)
    monkeypatch.setattr(condition, "load_knowledge", lambda: kb)
    article = parse(client.get(URL).content.decode()).find("article")
    total = next(counter)
    seen = set()
    for node in article.find_all(data_stmt=True):
        if node.attrs["data-stmt"].startswith("patient_education") or re.search(r"MARKER\d+", node.text):
            found = re.findall(r"MARKER\d+", node.text)
            seen.update(found)
            assert node.find("a") is not None and node.find("a").attrs["href"].startswith("#ref-")
    assert len(seen) == total


def _syllables(word: str) -> int:
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return 0
    word = re.sub(r"(?<!l)e$", "", word)
    return max(1, len(re.findall(r"[aeiouy]+", word)))


def test_the_plain_language_text_reads_at_about_grade_eight():
    """Flesch-Kincaid grade of all the page's own statements together (a patient-level target: <= 9)."""
    texts = [s["text"].strip() for s in _walk_statements(_page_yaml())]
    joined = " ".join(t if t[-1] in ".!?" else t + "." for t in texts)
    sentences = len(re.findall(r"[.!?](\s|$)", joined))
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", joined)
    syllables = sum(_syllables(w) for w in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59
    assert grade <= 9, f"reading grade {grade:.1f}"


def test_the_start_up_check_reports_a_page_that_disagrees_with_the_engine(data_copy, monkeypatch):
    from fracturecare.public.checks import condition_pages_match_knowledge

    assert condition_pages_match_knowledge(None) == []
    _edit(data_copy, lambda page: page["sections"][1]["sites"].append("no_such_site"))
    kb = load_from(data_copy)
    monkeypatch.setattr("fracturecare.public.checks.load_knowledge", lambda: kb)
    errors = condition_pages_match_knowledge(None)
    assert [e.id for e in errors] == ["public.E001"]
    assert "no_such_site" in errors[0].msg
