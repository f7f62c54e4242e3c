"""Clinician changes applied to plan dicts (pure functions)."""

import pytest

from fracturecare.planning.edits import Change, EditError, apply_change, apply_changes

PLAN = {
    "triage": {"level": "proceed", "reasons": []},
    "conventional": [{"id": "relative_rest", "reason": "r", "citations": ["A"]}],
    "acupuncture": {
        "deferred": False,
        "points": [{"code": "KI3", "laterality": "left", "reason": "r", "citations": ["A"]}],
        "excluded": [
            {"code": "SP6", "why": "pregnancy", "override_allowed": True},
            {"code": "ST36", "why": "lymphoedema", "override_allowed": False},
        ],
    },
    "dry_needling": {"deferred": True, "targets": [], "excluded": []},
}


def test_it_removes_an_item_and_keeps_it_with_the_reason():
    out = apply_change(PLAN, Change("remove", "acupuncture", "KI3", "needle phobia"))
    assert out["acupuncture"]["points"] == []
    assert out["acupuncture"]["removed_by_clinician"][0]["removal"]["reason"] == "needle phobia"
    assert out["clinician_changes"][0]["key"] == "KI3"
    assert PLAN["acupuncture"]["points"], "the input plan is not modified"


def test_it_adds_an_item_marked_as_the_clinicians():
    out = apply_change(PLAN, Change("add", "acupuncture", "LR3", "clinical judgement", laterality="left"))
    added = out["acupuncture"]["points"][-1]
    assert added["code"] == "LR3" and added["added_by_clinician"] and added["citations"] == []


@pytest.mark.parametrize(
    "change, field",
    [
        (Change("remove", "acupuncture", "KI3", "  "), "reason"),
        (Change("remove", "acupuncture", "LI4", "x"), "key"),
        (Change("add", "acupuncture", "KI3", "x", laterality="left"), "key"),
        (Change("add", "acupuncture", "SP6", "x", laterality="left"), "override"),
        (Change("add", "acupuncture", "ST36", "x", laterality="left", override=True), "key"),
        (Change("add", "dry_needling", "soleus", "x", laterality="left"), "override"),
        (Change("add", "acupuncture", "LR3", "x"), "laterality"),
        (Change("add", "conventional", "boot", "x"), "description"),
    ],
)
def test_it_refuses_changes_that_do_not_fit(change, field):
    with pytest.raises(EditError) as exc:
        apply_change(PLAN, change)
    assert exc.value.field == field


def test_adding_back_an_excluded_point_needs_an_override():
    out = apply_change(PLAN, Change("add", "acupuncture", "SP6", "documented: cleared by OB", laterality="left",
                                    override=True))
    assert out["acupuncture"]["points"][-1]["override"] is True


def test_changes_apply_in_order():
    out = apply_changes(PLAN, [
        Change("remove", "conventional", "relative_rest", "already resting"),
        Change("add", "conventional", "boot", "walking hurts", description="Walking boot"),
    ])
    assert [c["id"] for c in out["conventional"]] == ["boot"]
    assert len(out["clinician_changes"]) == 2
