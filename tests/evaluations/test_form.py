"""The evaluation form covers the whole case contract and maps errors back onto its fields."""

import pytest

from fracturecare.evaluations.case_schema import leaf_paths
from fracturecare.evaluations.forms import EvaluationForm, field_name, initial_from_case
from tests.planning.factories import example_case

ALWAYS_SENT = {field_name(p) for p in ("preferences.acupuncture", "preferences.dry_needling",
                                        "preferences.electroacupuncture")}


def _post_data(case: dict) -> dict:
    data = {}
    for name, value in initial_from_case(case).items():
        if isinstance(value, bool) and (name in ALWAYS_SENT or name.endswith("_none")):
            if value:
                data[name] = "on"
        elif isinstance(value, bool):
            data[name] = str(value)
        else:
            data[name] = value
    return data


def test_every_field_of_the_case_contract_has_a_form_field():
    form = EvaluationForm()
    missing = [p for p in leaf_paths() if field_name(p) not in form.fields and p != "notes"]
    assert not missing
    grouped = [b.name for _, fields in form.grouped() for b in fields]
    assert sorted(grouped) == sorted(form.fields), "every field is shown in some group"


@pytest.mark.parametrize("name", ["C01", "C02", "C03", "C04"])
def test_an_example_case_survives_the_form(name):
    case = example_case(name)
    form = EvaluationForm(_post_data(case))
    assert form.is_valid(), form.errors
    out = form.to_case()
    # The form always sends the three preferences; everything else comes back unchanged.
    prefs = out.pop("preferences")
    expected = {k: v for k, v in case.items() if k != "preferences"}
    assert out == expected
    assert prefs["electroacupuncture"] is case.get("preferences", {}).get("electroacupuncture", False)


def test_red_flags_come_first_after_the_complaint():
    keys = [group.key for group, _ in EvaluationForm().grouped()]
    assert keys[:2] == ["complaint", "redflags"]


@pytest.mark.parametrize(
    "change, field, text",
    [
        ({"injury__pain_nrs": "14"}, "injury__pain_nrs", "less than or equal to 10"),
        ({"patient__age": "-3"}, "patient__age", "greater than or equal to 0"),
        ({"injury__bone": "skull"}, "injury__bone", "Select a valid choice"),
        ({"history__bmi": "abc"}, "history__bmi", "Enter a number"),
        ({"injury__region": "femur|neck_tension"}, "injury__region", "not a region of the tibia"),
        ({"injury__region": "tibia|neck_tension"}, "injury__region", "Select a valid choice"),
        ({"medications_other": "warfrin"}, "medications_other", "Did you mean Warfarin"),
        ({"medications_other": "drop table"}, "medications_other", "not a known medicine"),
        ({"conditions_none": "on", "conditions": ["diabetes"]}, "conditions_none", "“None” is ticked"),
        ({"history__height_cm": "170"}, "history__weight_kg", "both height and weight"),
        ({"patient__sex": ""}, "patient__sex", "required"),
    ],
)
def test_it_puts_bad_input_on_the_field(change, field, text):
    form = EvaluationForm({**_post_data(example_case("C01")), **change})
    assert not form.is_valid()
    assert text in " ".join(form.errors[field])


def test_an_engine_error_path_lands_on_its_field():
    form = EvaluationForm(_post_data(example_case("C01")))
    assert form.is_valid()
    form.add_case_error("injury.ray", "only for metatarsals")
    form.add_case_error("conditions[1]", "unknown condition")
    form.add_case_error("", "bad case")
    assert form.errors["injury__ray"] == ["only for metatarsals"]
    assert form.errors["conditions"] == ["unknown condition"]
    assert form.non_field_errors() == ["bad case"]
