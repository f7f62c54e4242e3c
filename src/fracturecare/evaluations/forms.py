"""The evaluation form: every field of the case contract, grouped as a clinician works.

Fields are named after their dotted case path with `__` for the dot
(`injury.pain_nrs` -> `injury__pain_nrs`), so an engine or schema error that names a case
path lands on the right field. Types, limits and choices come from case.schema.json.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms

from fracturecare.evaluations import case_schema as cs

# Case path -> (label, help text). Order within a group is the order asked.
LABELS: dict[str, tuple[str, str]] = {
    "patient.age": ("Age (years)", "Filled from the date of birth."),
    "patient.sex": ("Sex", ""),
    "patient.pregnant": ("Pregnant", ""),
    "patient.activity": ("Main sport or load", "e.g. running, military_training, dance."),
    "injury.bone": ("Bone", ""),
    "injury.region": ("Region of the bone", "Leave blank if not known."),
    "injury.ray": ("Metatarsal (ray 1-5)", "Metatarsal injuries only; 1 is the great-toe ray."),
    "injury.side": ("Side", ""),
    "injury.onset_weeks": ("Weeks since onset", ""),
    "injury.pain_nrs": ("Pain now (0-10)", "Numeric rating scale, 0 = no pain, 10 = worst imaginable."),
    "history.under_orthopaedic_care": ("Already under orthopaedic or sports-medicine care", ""),
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
    "history.bmi": ("BMI (kg/m²)", ""),
    "history.low_energy_availability": ("Low energy availability (with or without disordered eating)", ""),
    "history.diagnosed_eating_disorder": ("Diagnosed eating disorder", ""),
    "history.bmd_z_score": ("BMD Z-score", "From DXA, if done."),
    "history.vitamin_d_ng_ml": ("25-OH vitamin D (ng/mL)", ""),
    "medications": ("Current medications", ""),
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
    ), "Any of these can change the plan to a referral. Tick only what is present."),
    Group("examination", "Examination", (
        "findings.focal_bony_tenderness", "findings.diffuse_tenderness", "findings.hop_test_pain",
        "findings.swelling", "findings.first_step_heel_pain",
        "findings.exertional_pain_resolves_at_rest_with_tightness",
    ), "Unticked means not present or not assessed."),
    Group("imaging", "Imaging", (
        "imaging.modality", "imaging.result", "imaging.fredericson_grade", "imaging.kaeding_miller_grade",
    ), "Record the radiology report's conclusion."),
    Group("bone_health", "Bone health: Female Athlete Triad / RED-S", (
        "history.prior_stress_fractures", "history.menstrual_status", "history.age_at_menarche", "history.bmi",
        "history.low_energy_availability", "history.diagnosed_eating_disorder", "history.bmd_z_score",
        "history.vitamin_d_ng_ml",
    )),
    Group("medications", "Medications and conditions", ("medications", "conditions")),
    Group("preferences", "Preferences", (
        "preferences.acupuncture", "preferences.dry_needling", "preferences.electroacupuncture",
    )),
)

# Booleans whose absence the contract reads as "yes": the form always sends them.
ALWAYS_SENT = {"preferences.acupuncture", "preferences.dry_needling", "preferences.electroacupuncture"}
OTHER_SUFFIX = "_other"
VALUE_LABELS = {
    "xray": "X-ray", "mri": "MRI", "ct": "CT", "bone_scan": "Bone scan", "none": "None",
    "not_done": "Not done", "eumenorrheic": "Regular cycles", "oligomenorrhea": "Oligomenorrhoea",
    "amenorrhea": "Amenorrhoea", "not_applicable": "Not applicable", "nsaid": "NSAID",
    "pars_interarticularis": "Pars interarticularis", "neck_tension": "Neck, tension side (superolateral)",
    "neck_compression": "Neck, compression side (inferomedial)",
    "proximal_diaphysis": "Proximal diaphysis (Jones zone)",
}


def field_name(path: str) -> str:
    return path.replace(".", "__")


def value_label(value: str) -> str:
    return VALUE_LABELS.get(value, value.replace("_", " ").capitalize())


def _choices(values, *, blank: bool) -> list[tuple[str, str]]:
    choices = [(v, value_label(v)) for v in values]
    return ([("", "—")] if blank else []) + choices


def _build_field(path: str) -> forms.Field:
    spec = cs.field_schema(path)
    label, help_text = LABELS[path]
    required = cs.required(path)
    kwargs = {"label": label, "help_text": help_text, "required": required}
    if path == "injury.region":
        groups = [(value_label(bone), [(v, value_label(v)) for v in values])
                  for bone, values in cs.known_regions().items()]
        return forms.ChoiceField(choices=[("", "—"), *groups], **kwargs)
    if path == "patient.activity":
        return forms.CharField(max_length=60, widget=forms.TextInput(attrs={"list": "activity-options"}), **kwargs)
    if "enum" in spec:
        # Always a blank first option: a required choice must be made, not left on the first value.
        return forms.ChoiceField(choices=_choices(spec["enum"], blank=True), **kwargs)
    kind = spec.get("type")
    if kind == "boolean":
        return forms.BooleanField(**{**kwargs, "required": False})
    if kind == "integer":
        return forms.IntegerField(min_value=spec.get("minimum"), max_value=spec.get("maximum"), **kwargs)
    if kind == "number":
        return forms.FloatField(min_value=spec.get("minimum"), max_value=spec.get("maximum"),
                                widget=forms.NumberInput(attrs={"step": "any"}), **kwargs)
    if kind == "array":
        return forms.MultipleChoiceField(
            choices=_choices(cs.known_values(path), blank=False),
            widget=forms.CheckboxSelectMultiple, **{**kwargs, "required": False},
        )
    raise ValueError(f"no form field for case path {path}")  # a new kind of field in the contract


class EvaluationForm(forms.Form):
    """The evaluation, as a form. `to_case()` gives the case dict once valid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for group in GROUPS:
            for path in group.paths:
                self.fields[field_name(path)] = _build_field(path)
                if cs.field_schema(path).get("type") == "array":
                    self.fields[field_name(path) + OTHER_SUFFIX] = forms.CharField(
                        label=f"Other {LABELS[path][0].lower()}", required=False, max_length=300,
                        help_text="Anything not listed, separated by commas (lower case, e.g. warfarin_like).",
                    )
        for path in ALWAYS_SENT:
            self.fields[field_name(path)].initial = cs.field_schema(path).get("default", False)

    def grouped(self):
        """(group, [bound fields]) pairs for the template."""
        for group in GROUPS:
            bound = []
            for path in group.paths:
                bound.append(self[field_name(path)])
                if field_name(path) + OTHER_SUFFIX in self.fields:
                    bound.append(self[field_name(path) + OTHER_SUFFIX])
            yield group, bound

    def clean(self):
        cleaned = super().clean()
        bone, region = cleaned.get("injury__bone"), cleaned.get("injury__region")
        if bone and region and region not in cs.known_regions().get(bone, []):
            self.add_error("injury__region", f"“{value_label(region)}” is not a region of the {bone}.")
        for path in ("medications", "conditions"):
            name = field_name(path) + OTHER_SUFFIX
            extra = [v.strip() for v in cleaned.get(name, "").split(",") if v.strip()]
            bad = [v for v in extra if not v.replace("_", "").isalnum()]
            if bad:
                self.add_error(name, f"Use letters, digits and underscores only: {', '.join(bad)}.")
        if not self.errors:
            case = self.to_case()
            for path, message in cs.schema_errors(case):
                self.add_case_error(path, message)
        return cleaned

    def to_case(self) -> dict:
        """The case dict (contract shape) from cleaned data; absent answers are left out."""
        data = self.cleaned_data
        case: dict = {}
        for group in GROUPS:
            for path in group.paths:
                value = data.get(field_name(path))
                kind = cs.field_schema(path).get("type")
                if kind == "array":
                    extra = data.get(field_name(path) + OTHER_SUFFIX, "")
                    value = list(value or []) + [v.strip() for v in extra.split(",") if v.strip()]
                    if not value:
                        continue
                elif kind == "boolean":
                    if not value and path not in ALWAYS_SENT:
                        continue
                    value = bool(value)
                elif value in (None, ""):
                    continue
                elif isinstance(value, float) and value.is_integer():
                    value = int(value)
                _set(case, path, value)
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


def _set(case: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    node = case
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def initial_from_case(case: dict) -> dict:
    """Form initial data from a stored case (to start a new evaluation from an earlier one)."""
    initial = {}
    for path in cs.leaf_paths():
        node = case
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                node = None
                break
            node = node[part]
        if node is None:
            continue
        if path in ("medications", "conditions"):
            known = set(cs.known_values(path))
            initial[field_name(path)] = [v for v in node if v in known]
            other = [v for v in node if v not in known]
            if other:
                initial[field_name(path) + OTHER_SUFFIX] = ", ".join(other)
        else:
            initial[field_name(path)] = node
    return initial
