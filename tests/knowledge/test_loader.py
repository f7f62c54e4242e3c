import shutil
from pathlib import Path

import pytest
import yaml

from fracturecare.engine import CaseError, make_plan
from fracturecare.knowledge import KnowledgeError, load_knowledge
from fracturecare.knowledge.loader import DATA_DIR, load_from


@pytest.fixture
def data_copy(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_the_knowledge_base_loads_with_a_version_and_every_kind():
    kb = load_knowledge()
    assert kb.version and len(kb.digest) == 16
    assert {"ASHI", "KI3", "ST36", "LI4", "LR3", "SP6"} <= set(kb.points)
    assert {"gastrocnemius", "soleus", "serratus_anterior"} <= set(kb.muscles)
    assert {"SP", "GAO24", "CHYS23"} <= set(kb.sources)
    assert kb.combinations["four_gates"]["points"] == ["LI4", "LR3"]


def test_every_source_has_an_identifier_or_records_that_it_lacks_one():
    evidence = load_knowledge().evidence
    assert len(evidence) > 100
    for source in evidence:
        has_id = any(k in source for k in ("pmid", "doi", "url", "pmcid"))
        assert has_id or any("identifier" in note for note in source.get("unverified", [])), source["id"]
        assert len(source["strength"]) >= 10


def test_the_seed_sources_are_complete():
    kb = load_knowledge()
    assert kb.sources["GAO24"]["pmid"] == "39809159"
    assert kb.sources["CHYS23"]["pmid"] == "36769852"
    assert "NBK554538" in kb.sources["SP"]["url"]


def test_an_unknown_citation_stops_the_load(data_copy):
    _edit(data_copy / "sites.yaml", lambda d: d["sites"][0]["risk"]["citations"].append("NOPE99"))
    with pytest.raises(KnowledgeError, match="NOPE99"):
        load_from(data_copy)


def test_an_unknown_muscle_stops_the_load(data_copy):
    _edit(data_copy / "sites.yaml", lambda d: d["sites"][0]["dry_needling"]["muscles"].append("biceps_femoris_x"))
    with pytest.raises(KnowledgeError, match="biceps_femoris_x"):
        load_from(data_copy)


def test_a_condition_on_an_unknown_fact_stops_the_load(data_copy):
    _edit(data_copy / "red_flags.yaml", lambda d: d["rules"][0].update(when={"path": "findings.fevre", "is": True}))
    with pytest.raises(KnowledgeError, match="findings.fevre"):
        load_from(data_copy)


def test_a_schema_violation_names_the_file_and_entry(data_copy):
    _edit(data_copy / "contraindications.yaml", lambda d: d["rules"][0].update(severity="maybe"))
    with pytest.raises(KnowledgeError, match=r"contraindications.yaml: rules/0"):
        load_from(data_copy)


def test_adding_a_fracture_site_is_a_data_change(data_copy):
    new_site = {
        "id": "tibia_distal_metaphysis", "label": "Distal tibial metaphysis", "bone": "tibia",
        "regions": [{"code": "distal_metaphysis", "label": "Distal metaphysis (above the ankle)"}],
        "body_area": "lower_limb", "bone_type": "trabecular",
        "risk": {"class": "low", "citations": ["BOD01"], "tag": "U"}, "ashi": True,
        "dry_needling": {"muscles": ["tibialis_anterior"], "citations": ["TRAVELL"], "tag": "U"},
    }
    _edit(data_copy / "sites.yaml", lambda d: d["sites"].append(new_site))
    kb = load_from(data_copy)
    plan = make_plan({"patient": {"age": 30, "sex": "male"},
                      "injury": {"bone": "tibia", "region": "distal_metaphysis", "side": "right"}}, kb)
    assert plan["injury"]["site"] == "tibia_distal_metaphysis"
    assert [t["muscle"] for t in plan["dry_needling"]["targets"]] == ["tibialis_anterior"]


def test_a_new_bone_is_one_site_entry_and_plans_with_no_code_change(data_copy):
    """A site for a bone the knowledge base has never had, added as one data entry."""
    new_site = {
        "id": "clavicle_shaft", "label": "Clavicle shaft", "bone": "clavicle", "bone_label": "Clavicle (collarbone)",
        "regions": [{"code": "midshaft", "label": "Middle third of the shaft", "synonyms": ["middle third"]}],
        "body_area": "upper_limb", "bone_type": "cortical",
        "risk": {"class": "low", "citations": ["BOD01"], "tag": "U"}, "ashi": True,
        "dry_needling": {"muscles": ["deltoid"], "citations": ["TRAVELL"], "tag": "U"},
    }
    _edit(data_copy / "sites.yaml", lambda d: d["sites"].append(new_site))
    kb = load_from(data_copy)
    assert kb.regions_of("clavicle") == [("midshaft", "Middle third of the shaft")]
    plan = make_plan({"patient": {"age": 19, "sex": "female"},
                      "injury": {"bone": "Clavicle", "region": "Middle Third", "side": "left"}}, kb)
    assert (plan["injury"]["site"], plan["injury"]["region"]) == ("clavicle_shaft", "midshaft")
    assert [t["muscle"] for t in plan["dry_needling"]["targets"]] == ["deltoid"]
    with pytest.raises(CaseError, match="lateral_end"):
        make_plan({"patient": {"age": 19, "sex": "female"},
                   "injury": {"bone": "clavicle", "region": "lateral_end", "side": "left"}}, kb)


@pytest.mark.parametrize("words", ["quoted from memory", "not accessible this session", "see the seed page",
                                   "reference §4", "in /work/shared/reference/clinical.md"])
def test_the_loader_refuses_authoring_words_in_product_text(data_copy, words):
    _edit(data_copy / "red_flags.yaml", lambda d: d["rules"][0].update(reason=f"Compartment syndrome ({words})."))
    with pytest.raises(KnowledgeError, match=r"red_flags.yaml: /rules/0/reason: authoring words"):
        load_from(data_copy)


def test_a_synonym_naming_two_codes_stops_the_load(data_copy):
    def clash(d):
        d["conditions"][0]["synonyms"].append("diabetes")
    _edit(data_copy / "vocabularies.yaml", clash)
    with pytest.raises(KnowledgeError, match="vocabularies.yaml: conditions: 'diabetes' names both"):
        load_from(data_copy)


def test_a_region_without_a_clinical_label_stops_the_load(data_copy):
    _edit(data_copy / "sites.yaml", lambda d: d["sites"][0]["regions"].append("lateral_border"))
    with pytest.raises(KnowledgeError, match="lateral_border.*region_terms"):
        load_from(data_copy)


def test_every_citation_resolves_to_a_shipped_source_with_authors_year_and_title():
    kb = load_knowledge()
    for source in kb.evidence:
        assert source["title"] and source["citation"], source["id"]
    assert not {"REF-CONV", "REF-ACU"} & set(kb.sources)
