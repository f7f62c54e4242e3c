"""The evaluation form: every field of the case contract, grouped as a clinician works.

Fields are named after their dotted case path with `__` for the dot
(`injury.pain_nrs` -> `injury__pain_nrs`), so an engine or schema error that names a case
path lands on the right field. Types, limits and choices come from case.schema.json.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypedDict

from django import forms

from fracturecare.evaluations import case_schema as cs
from fracturecare.knowledge import load_knowledge

# Case path -> (label, help text). Order within a group is the order asked.
LABELS: dict[str, tuple[str, str]] = {
    "patient.age": ("Age (years)", "Filled from the date of birth."),
    "patient.sex": ("Sex", ""),
    "patient.pregnant": ("Pregnant", ""),
    "patient.activity": ("Main sport or load", "For example running, military training, dance."),
    "injury.bone": ("Bone", ""),
    "injury.region": ("Region of the bone", "Leave blank if not known: the plan then assumes the bone's "
                                            "highest-risk region and asks for it."),
    "injury.ray": ("Metatarsal (ray 1-5)", "Metatarsal injuries only; 1 is the great-toe ray."),
    "injury.side": ("Side", ""),
    "injury.onset_weeks": ("Weeks since onset", ""),
    "injury.pain_nrs": ("Pain now (0-10)", "Numeric rating scale, 0 = no pain, 10 = worst imaginable."),
    "history.under_orthopaedic_care": ("Already under orthopaedic or sports-medicine care", ""),
    "history.cancer_history": ("Cancer, now or in the past", "Any site, treated or not."),
    "findings.neurovascular_deficit": ("Neurovascular deficit (pallor, absent pulse, new numbness or weakness)", ""),
    "findings.pain_out_of_proportion": (
        "Pain out of proportion, or on passive stretch, with a tense swollen compartment", ""),
    "findings.deformity": ("Visible deformity", ""),
    "findings.unable_to_bear_weight": ("Unable to bear weight", ""),
    "findings.fever": ("Fever, chills, or a red, hot swelling", ""),
    "findings.skin_lesion_at_site": ("Infection, wound or broken skin over the injured area", ""),
    "findings.unexplained_weight_loss": ("Unexplained weight loss", ""),
    "findings.night_pain": ("Night pain", ""),
    "findings.pain_at_rest": ("Pain at rest", ""),
    "findings.groin_pain": ("Groin, hip or anterior thigh pain", ""),
    "findings.pain_on_hip_internal_rotation": ("Pain or limitation on hip internal rotation", ""),
    "findings.focal_bony_tenderness": ("Focal bony tenderness", ""),
    "findings.diffuse_tenderness": ("Diffuse tenderness along more than 5 cm of bone", ""),
    "findings.hop_test_pain": ("Pain on single-leg hop", ""),
    "findings.swelling": ("Local swelling", ""),
    "findings.first_step_heel_pain": ("First-step heel pain in the morning", ""),
    "findings.exertional_pain_resolves_at_rest_with_tightness": (
        "Exertional pain and tightness that ease within minutes of stopping", ""),
    "imaging.modality": ("Imaging done", ""),
    "imaging.result": ("Imaging result (from the report)", ""),
    "imaging.fredericson_grade": ("Fredericson MRI grade (0-4)", "Tibial stress injuries on MRI."),
    "imaging.kaeding_miller_grade": ("Kaeding-Miller grade (1-5)", ""),
    "history.prior_stress_fractures": ("Previous stress fractures", "Number, 0 if none."),
    "history.menstrual_status": ("Menstrual status", ""),
    "history.age_at_menarche": ("Age at menarche (years)", ""),
    "history.bmi": ("BMI (kg/m²)", "Worked out from height and weight when both are given. Adults only: "
                                   "for under-18s use BMI-for-age."),
    "history.low_energy_availability": ("Low energy availability (with or without disordered eating)", ""),
    "history.diagnosed_eating_disorder": ("Diagnosed eating disorder", ""),
    "history.bmd_z_score": ("BMD Z-score", "From DXA, if done."),
    "history.vitamin_d_ng_ml": ("25-OH vitamin D (ng/mL)", ""),
    "medications": ("Current medications", "Tick the drug classes, or type the medicines below."),
    "conditions": ("Conditions relevant to needling", ""),
    "preferences.acupuncture": ("Open to acupuncture", ""),
    "preferences.dry_needling": ("Open to dry needling", ""),
    "preferences.electroacupuncture": ("Wants electroacupuncture", ""),
}


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    paths: tuple[str, ...]
    intro: str = ""


GROUPS: tuple[Group, ...] = (
    Group("complaint", "Patient and complaint", (
        "patient.age", "patient.sex", "patient.pregnant", "patient.activity",
        "injury.bone", "injury.region", "injury.ray", "injury.side", "injury.onset_weeks", "injury.pain_nrs",
        "history.under_orthopaedic_care",
    )),
    Group("redflags", "Red flags: ask these first", (
        "findings.neurovascular_deficit", "findings.pain_out_of_proportion", "findings.deformity",
        "findings.unable_to_bear_weight", "findings.fever", "findings.skin_lesion_at_site",
        "findings.unexplained_weight_loss", "findings.night_pain", "findings.pain_at_rest",
        "findings.groin_pain", "findings.pain_on_hip_internal_rotation",
    ), "Any of these can change the plan to a referral. Answer yes or no; leave a question you did not ask."),
    Group("examination", "Examination", (
        "findings.focal_bony_tenderness", "findings.diffuse_tenderness", "findings.hop_test_pain",
        "findings.swelling", "findings.first_step_heel_pain",
        "findings.exertional_pain_resolves_at_rest_with_tightness",
    ), "“No” means examined and absent; leave a test you did not do."),
    Group("imaging", "Imaging", (
        "imaging.modality", "imaging.result", "imaging.fredericson_grade", "imaging.kaeding_miller_grade",
    ), "Record the radiology report's conclusion."),
    Group("bone_health", "Bone health", (
        "history.prior_stress_fractures", "history.bmi", "history.bmd_z_score", "history.vitamin_d_ng_ml",
        "history.cancer_history",
    )),
    Group("triad", "Female Athlete Triad / RED-S", (
        "history.menstrual_status", "history.age_at_menarche",
        "history.low_energy_availability", "history.diagnosed_eating_disorder",
    ), "For women before the menopause who are not pregnant; the score is not used otherwise."),
    Group("medications", "Medications and conditions", ("medications", "conditions")),
    Group("preferences", "Preferences", (
        "preferences.acupuncture", "preferences.dry_needling", "preferences.electroacupuncture",
    )),
)

# Booleans whose absence the contract reads as "yes": the form always sends them.
TRIAD_MAX_AGE = 50  # the Triad score is used before the menopause only (knowledge/data/triad.yaml)
ALWAYS_SENT = {"preferences.acupuncture", "preferences.dry_needling", "preferences.electroacupuncture"}
OTHER_SUFFIX = "_other"
NONE_SUFFIX = "_none"
VALUE_LABELS = {
    "xray": "X-ray", "mri": "MRI", "ct": "CT", "bone_scan": "Bone scan", "none": "None",
    "not_done": "Not done", "eumenorrheic": "Regular cycles", "oligomenorrhea": "Oligomenorrhoea",
    "amenorrhea": "Amenorrhoea", "not_applicable": "Not applicable", "nsaid": "NSAID",
    "postmenopausal": "After the menopause",
}


def field_name(path: str) -> str:
    return path.replace(".", "__")


def _vocabulary_labels() -> dict[str, str]:
    kb = load_knowledge()
    labels = {**kb.bones.labels}
    for bone in kb.regions:
        labels.update(kb.regions[bone].labels)
    for vocabulary in kb.vocabularies.values():
        labels.update(vocabulary.labels)
    return labels


def value_label(value: str) -> str:
    """Clinical words for a coded value (knowledge-base labels first), never the bare code."""
    value = value.rpartition("|")[2]  # a region option's value is "bone|region"
    return VALUE_LABELS.get(value) or _vocabulary_labels().get(value) or value.replace("_", " ").capitalize()


def _choices(values: Iterable[str], *, blank: bool) -> list[tuple[str, str]]:
    choices = [(v, value_label(v)) for v in values]
    return ([("", "—")] if blank else []) + choices


# Answers that are yes, no or not asked: "no" is recorded as an answer, a blank is left out.
TRI_STATE = [("", "Not asked"), ("True", "Yes"), ("False", "No")]
# Medications and conditions offered as ticks; anything else is typed and resolved by the vocabulary.
TICKED_MEDICATIONS = ("anticoagulant", "antiplatelet", "corticosteroid", "immunosuppressant", "nsaid",
                      "bisphosphonate")
NOTE_PREFIX = "note__"


def _tri(value: str) -> bool | None:
    return {"True": True, "False": False}.get(value)


class RegionSelect(forms.Select):
    """Region options carry their bone (data-bone) so the page can show only the chosen bone's regions."""

    def __init__(self, bone_of: dict[str, str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bone_of = bone_of

    def create_option(self, name: str, value: Any, label: str | int, selected: bool, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value:
            option["attrs"]["data-bone"] = self.bone_of.get(str(value).split("|", 1)[0], "")
        return option


def region_choices() -> tuple[list, dict[str, str]]:
    """(grouped choices, value -> bone) for the region field, from the sites data alone.

    A region code can belong to several bones ("shaft"), so each option's value is
    "bone|region"; `clean` turns it back into the region code.
    """
    kb = load_knowledge()
    groups, bone_of = [], {}
    for bone, label in kb.bones.labels.items():
        options = [(f"{bone}|{code}", region_label) for code, region_label in kb.regions_of(bone)]
        if options:
            groups.append((label, options))
            bone_of.update({value: bone for value, _ in options})
            bone_of[bone] = bone
    return groups, {value.split("|", 1)[0]: bone for value, bone in bone_of.items()}


class _FieldOptions(TypedDict):
    """The options every form field of the evaluation gets."""

    label: str
    help_text: str
    required: bool


def _build_field(path: str) -> forms.Field:
    spec = cs.field_schema(path)
    label, help_text = LABELS[path]
    kwargs: _FieldOptions = {"label": label, "help_text": help_text, "required": cs.required(path)}
    # Booleans (a box or yes / no / not asked) and tick lists are never required: no answer is an answer.
    optional: _FieldOptions = {"label": label, "help_text": help_text, "required": False}
    kb = load_knowledge()
    if path == "injury.region":
        groups, bone_of = region_choices()
        return forms.ChoiceField(choices=[("", "Not known"), *groups], widget=RegionSelect(bone_of), **kwargs)
    if path == "injury.bone":
        return forms.ChoiceField(choices=[("", "—"), *kb.bones.labels.items()], **kwargs)
    if path == "patient.activity":
        return forms.CharField(max_length=60, widget=forms.TextInput(attrs={"list": "activity-options"}), **kwargs)
    if "enum" in spec:
        # Always a blank first option: a required choice must be made, not left on the first value.
        return forms.ChoiceField(choices=_choices(spec["enum"], blank=True), **kwargs)
    kind = spec.get("type")
    if kind == "boolean":
        if path in ALWAYS_SENT:
            return forms.BooleanField(**optional)
        return forms.TypedChoiceField(choices=TRI_STATE, coerce=_tri, empty_value=None,
                                      widget=forms.RadioSelect(attrs={"class": "tri"}),
                                      **optional)
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **kwargs)
    if kind == "number":
        return forms.FloatField(min_value=spec.get("minimum"), max_value=spec.get("maximum"),
                                widget=forms.NumberInput(attrs={"step": "any"}), **kwargs)
    if kind == "array":
        vocabulary = kb.vocabularies[path]
        codes = TICKED_MEDICATIONS if path == "medications" else list(vocabulary.labels)
        return forms.MultipleChoiceField(
            choices=[(code, vocabulary.labels[code]) for code in codes],
            widget=forms.CheckboxSelectMultiple, **optional,
        )
    raise ValueError(f"no form field for case path {path}")  # a new kind of field in the contract


class EvaluationForm(forms.Form):
    """The evaluation, as a form. `to_case()` gives the case dict once valid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in GROUPS:
            for path in group.paths:
                self.fields[field_name(path)] = _build_field(path)
                if cs.field_schema(path).get("type") == "array":
                    what = "medicines" if path == "medications" else "conditions"
                    self.fields[field_name(path) + NONE_SUFFIX] = forms.BooleanField(
                        label=f"No {what}", required=False,
                        help_text="An answer: the patient has none (different from not asked).")
                    self.fields[field_name(path) + OTHER_SUFFIX] = forms.CharField(
                        label=f"Other {what}", required=False, max_length=300,
                        help_text="Generic or brand names, separated by commas (e.g. Eliquis, methotrexate)."
                        if path == "medications" else "Separated by commas (e.g. ICD, lymphoedema of the left leg).",
                    )
                if path == "history.bmi":
                    self.fields["history__height_cm"] = forms.FloatField(
                        label="Height (cm)", required=False, min_value=50, max_value=250,
                        widget=forms.NumberInput(attrs={"step": "any"}))
                    self.fields["history__weight_kg"] = forms.FloatField(
                        label="Weight (kg)", required=False, min_value=10, max_value=300,
                        widget=forms.NumberInput(attrs={"step": "any"}))
            self.fields[NOTE_PREFIX + group.key] = forms.CharField(
                label=f"Notes: {group.title.lower()}", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}))
        for path in ALWAYS_SENT:
            self.fields[field_name(path)].initial = cs.field_schema(path).get("default", False)

    def grouped(self) -> Iterator[tuple[Group, list[forms.BoundField]]]:
        """(group, [bound fields]) pairs for the template; each group ends with its free-text note."""
        for group in GROUPS:
            bound = []
            for path in group.paths:
                bound.append(self[field_name(path)])
                for extra in (NONE_SUFFIX, OTHER_SUFFIX):
                    if field_name(path) + extra in self.fields:
                        bound.append(self[field_name(path) + extra])
                if path == "history.bmi":
                    bound += [self["history__height_cm"], self["history__weight_kg"]]
            bound.append(self[NOTE_PREFIX + group.key])
            yield group, bound

    def triad_applies(self) -> bool:
        """Whether the Triad section is relevant to the patient as entered (else it is folded away)."""
        data = self.data if self.is_bound else {}
        sex = data.get("patient__sex") or self.initial.get("patient__sex")
        age = data.get("patient__age") or self.initial.get("patient__age")
        try:
            older = age is not None and int(age) >= TRIAD_MAX_AGE
        except (TypeError, ValueError):
            older = False
        return sex != "male" and not older

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        bone, region = cleaned.get("injury__bone"), cleaned.get("injury__region")
        if region:
            region_bone, _, code = region.partition("|")
            if bone and region_bone != bone:
                label = dict(load_knowledge().regions_of(region_bone)).get(code, code)
                self.add_error("injury__region", f"“{label}” is not a region of the "
                                                 f"{load_knowledge().bones.labels.get(bone, bone).lower()}.")
            cleaned["injury__region"] = code
        height, weight = cleaned.get("history__height_cm"), cleaned.get("history__weight_kg")
        if (height is None) != (weight is None):
            self.add_error("history__weight_kg" if weight is None else "history__height_cm",
                           "Give both height and weight to work out the BMI, or neither.")
        elif height and weight and cleaned.get("history__bmi") is None:
            cleaned["history__bmi"] = round(weight / (height / 100) ** 2, 1)
        kb = load_knowledge()
        for path in ("medications", "conditions"):
            name = field_name(path) + OTHER_SUFFIX
            vocabulary = kb.vocabularies[path]
            codes: list[str] = []
            for value in [v.strip() for v in cleaned.get(name, "").split(",") if v.strip()]:
                code = vocabulary.resolve(value)
                if code is None:
                    close = vocabulary.close_matches(value)
                    hint = f" Did you mean {', '.join(vocabulary.labels[c] for c in close)}?" if close else ""
                    self.add_error(name, f"“{value}” is not a known {path[:-1].replace('medication', 'medicine')}."
                                         f"{hint}")
                else:
                    codes.append(code)
            cleaned[name] = codes
            if cleaned.get(field_name(path) + NONE_SUFFIX) and (codes or cleaned.get(field_name(path))):
                self.add_error(field_name(path) + NONE_SUFFIX, f"“None” is ticked but {path} are listed.")
        if not self.errors:
            case = self.to_case()
            for path, message in cs.schema_errors(case):
                self.add_case_error(path, message)
        return cleaned

    def to_case(self) -> dict:
        """The case dict (contract shape) from cleaned data; questions not asked are left out."""
        data = self.cleaned_data
        case: dict = {}
        for group in GROUPS:
            for path in group.paths:
                value = data.get(field_name(path))
                kind = cs.field_schema(path).get("type")
                if kind == "array":
                    value = list(dict.fromkeys([*(value or []), *data.get(field_name(path) + OTHER_SUFFIX, [])]))
                    if not value and not data.get(field_name(path) + NONE_SUFFIX):
                        continue
                elif kind == "boolean":
                    if path in ALWAYS_SENT:
                        value = bool(value)
                    elif value is None:
                        continue
                elif value in (None, ""):
                    continue
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                _set(case, path, value)
            note = (data.get(NOTE_PREFIX + group.key) or "").strip()
            if note:
                case.setdefault("notes", {})[group.key] = note
        return case

    def add_case_error(self, path: str, message: str) -> None:
        """Put an error that names a case path (engine or schema) on its form field.

        `medications[2]` or `medications.2` lands on `medications`; a path with no field
        (the case as a whole) becomes a form-wide error.
        """
        parts = path.replace("[", ".").replace("]", "").split(".")
        while parts:
            name = field_name(".".join(parts))
            if name in self.fields:
                self.add_error(name, message)
                return
            parts.pop()
        self.add_error(None, f"{path}: {message}" if path else message)


def _set(case: dict[str, Any], path: str, value: object) -> None:
    *parents, leaf = path.split(".")
    node = case
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def initial_from_case(case: dict) -> dict:
    """Form initial data from a stored case (to start a new evaluation from an earlier one)."""
    initial: dict = {}
    for path in cs.leaf_paths():
        node: Any = case
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                node = None
                break
            node = node[part]
        if node is None:
            continue
        if path == "notes":
            for key, text in node.items():
                initial[NOTE_PREFIX + key] = text
        elif path in ("medications", "conditions"):
            vocabulary = load_knowledge().vocabularies[path]
            ticked = set(TICKED_MEDICATIONS) if path == "medications" else set(vocabulary.labels)
            initial[field_name(path)] = [v for v in node if v in ticked]
            other = [value_label(v) for v in node if v not in ticked]
            if other:
                initial[field_name(path) + OTHER_SUFFIX] = ", ".join(other)
            if not node:
                initial[field_name(path) + NONE_SUFFIX] = True
        elif path == "injury.region":
            initial[field_name(path)] = f"{case.get('injury', {}).get('bone', '')}|{node}"
        else:
            initial[field_name(path)] = node
    return initial
