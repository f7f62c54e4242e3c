"""The visit form: the visit's own fields plus fixed-size row sets (no JavaScript needed).

Every row field is optional at the HTML level; a row left wholly blank is ignored, a
partly filled row must be completed. Cross-row checks live in `charting.validation` and
come back from the service as problems attached to the right field here.
"""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory

from fracturecare.charting.knowledge import known_muscles, normalise_point_code
from fracturecare.charting.models import Visit
from fracturecare.charting.rescreen import questions
from fracturecare.charting.validation import Problem, VisitRecord
from fracturecare.charting.vocab import (
    AdverseEventSeverity,
    AdverseEventType,
    DepthUnit,
    DryNeedlingResponse,
    DryNeedlingTechnique,
    Laterality,
    NeedleResponse,
    Side,
)

BLANK = [("", "—")]


def _choices(enum) -> list[tuple[str, str]]:
    return BLANK + list(enum.choices)


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = [
            "visit_date",
            "pain_nrs_before",
            "pain_nrs_after",
            "subjective",
            "objective",
            "assessment",
            "plan_next",
            "other_care",
            "notes",
            "ea_waveform",
            "ea_frequency_hz",
            "ea_frequency_high_hz",
            "ea_intensity",
            "ea_intensity_ma",
            "ea_duration_min",
        ]
        widgets = {
            "visit_date": forms.DateInput(attrs={"type": "date"}),
            "subjective": forms.Textarea(attrs={"rows": 2}),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "assessment": forms.Textarea(attrs={"rows": 2}),
            "plan_next": forms.Textarea(attrs={"rows": 2}),
            "other_care": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    pain_nrs_before = forms.IntegerField(
        label="Pain NRS before treatment (0–10)", min_value=0, max_value=10, required=False
    )
    pain_nrs_after = forms.IntegerField(
        label="Pain NRS after treatment (0–10)", min_value=0, max_value=10, required=False
    )
    # The count in is derived from the rows; the clinician confirms every needle came out.
    needles_all_out = forms.BooleanField(label="All needles removed and counted", required=False)
    rescreen_clear = forms.BooleanField(label="None of these today", required=False)
    ea_frequency_hz = forms.DecimalField(
        label="EA frequency (Hz)", max_digits=6, decimal_places=1, min_value=0.1, required=False
    )
    ea_frequency_high_hz = forms.DecimalField(
        label="EA high frequency (Hz, dense-disperse only)",
        max_digits=6,
        decimal_places=1,
        min_value=0.1,
        required=False,
    )
    ea_intensity_ma = forms.DecimalField(
        label="EA intensity (mA, optional)", max_digits=5, decimal_places=2, min_value=0, required=False
    )
    ea_duration_min = forms.IntegerField(label="EA duration (min)", min_value=1, max_value=120, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions()
        for q in self.questions:
            self.fields[q.name] = forms.BooleanField(label=q.label, required=False)
        instance = kwargs.get("instance")
        if instance is not None and instance.pk and not self.is_bound:
            screen = instance.rescreen or {}
            if screen.get("answered"):
                self.initial["rescreen_clear"] = not screen.get("positive")
                for q in self.questions:
                    self.initial[q.name] = q.path in screen.get("positive", [])
            self.initial["needles_all_out"] = (
                instance.needles_out is not None and instance.needles_out == instance.needles_in
            )

    @property
    def rescreen_fields(self) -> list:
        """The re-screen's bound fields, one per red-flag finding."""
        return [self[q.name] for q in self.questions]

    def clean(self):
        cleaned = super().clean()
        positive = [q.path for q in self.questions if cleaned.get(q.name)]
        if positive and cleaned.get("rescreen_clear"):
            self.add_error("rescreen_clear", "You ticked a red flag and “None of these today”: untick one.")
        # Unanswered (None) is not the same as "none of these": only the clinician's tick says no.
        cleaned["rescreen_positive"] = positive if (positive or cleaned.get("rescreen_clear")) else None
        return cleaned

    def _post_clean(self):
        # The model is validated once, as a whole record, by charting.services; its problems
        # come back through VisitForms.add_problems with the same field names.
        pass


class _RowForm(forms.Form):
    """A row of a row set; `key_field` decides whether the row is in use."""

    key_field = ""
    required_fields: tuple[str, ...] = ()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(v not in (None, "", False) for v in data.values())

    def clean(self):
        cleaned = super().clean()
        if self.is_blank():
            return cleaned
        for name in self.required_fields:
            if cleaned.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "Required when this row is used.")
        return cleaned

    def row_data(self) -> dict:
        return dict(self.cleaned_data)


class PointForm(_RowForm):
    required_fields = ("code", "laterality")

    code = forms.CharField(label="Point", max_length=12, required=False)
    laterality = forms.ChoiceField(choices=_choices(Laterality), required=False)
    needle_diameter_mm = forms.DecimalField(
        label="Gauge (mm)", max_digits=4, decimal_places=2, min_value=0.1, max_value=1, required=False
    )
    needle_length_mm = forms.IntegerField(label="Length (mm)", min_value=1, max_value=200, required=False)
    depth = forms.DecimalField(max_digits=5, decimal_places=1, min_value=0.1, required=False)
    depth_unit = forms.ChoiceField(label="Unit", choices=_choices(DepthUnit), required=False)
    retention_min = forms.IntegerField(label="Retention (min)", min_value=0, max_value=120, required=False)
    response = forms.ChoiceField(choices=_choices(NeedleResponse), required=False)

    def clean_code(self) -> str:
        return normalise_point_code(self.cleaned_data.get("code", ""))

    def clean(self):
        cleaned = super().clean()
        if not self.is_blank() and (cleaned.get("depth") is None) != (not cleaned.get("depth_unit")):
            self.add_error("depth_unit", "Give the depth and its unit together.")
        return cleaned


class DryNeedlingForm(_RowForm):
    required_fields = ("muscle", "side", "technique", "response")

    muscle = forms.ChoiceField(required=False)
    side = forms.ChoiceField(choices=_choices(Laterality), required=False)
    technique = forms.ChoiceField(choices=_choices(DryNeedlingTechnique), required=False)
    response = forms.ChoiceField(choices=_choices(DryNeedlingResponse), required=False)
    needle_length_mm = forms.IntegerField(label="Length (mm)", min_value=1, max_value=200, required=False)
    depth_mm = forms.DecimalField(label="Depth (mm)", max_digits=5, decimal_places=1, min_value=0.1, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        muscles = sorted(known_muscles().items(), key=lambda kv: kv[1].lower())
        self.fields["muscle"].choices = BLANK + muscles


class ElectrodePairForm(_RowForm):
    required_fields = ("side", "point_a", "point_b")

    side = forms.ChoiceField(choices=_choices(Side), required=False)
    point_a = forms.CharField(label="Point A", max_length=12, required=False)
    point_b = forms.CharField(label="Point B", max_length=12, required=False)

    def clean_point_a(self) -> str:
        return normalise_point_code(self.cleaned_data.get("point_a", ""))

    def clean_point_b(self) -> str:
        return normalise_point_code(self.cleaned_data.get("point_b", ""))


class AdverseEventForm(_RowForm):
    required_fields = ("severity", "event_type")

    severity = forms.ChoiceField(choices=_choices(AdverseEventSeverity), required=False)
    event_type = forms.ChoiceField(label="Type", choices=_choices(AdverseEventType), required=False)
    required_treatment = forms.BooleanField(label="Needed treatment", required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    action_taken = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RowFormSet(BaseFormSet):
    """Validates every row, prefilled or not, and hands back the rows in use."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A prefilled row left as it was is still a row the clinician means to keep.
        form.empty_permitted = False
        form.use_required_attribute = False
        return form

    def used_forms(self) -> list[_RowForm]:
        return [f for f in self.forms if not f.is_blank()]


# Row form and the number of rows a fresh form offers.
ROWSETS = {
    "points": (PointForm, 8),
    "dry_needling": (DryNeedlingForm, 3),
    "electrode_pairs": (ElectrodePairForm, 2),
    "adverse_events": (AdverseEventForm, 1),
}
PREFIX = {"points": "pt", "dry_needling": "dn", "electrode_pairs": "ea", "adverse_events": "ae"}
MAX_ROWS = 40


class VisitForms:
    """The visit form and its row sets, bound or prefilled, validated together."""

    def __init__(
        self,
        data=None,
        *,
        instance: Visit | None = None,
        initial: dict | None = None,
        rows: dict[str, list[dict]] | None = None,
    ):
        self.visit = VisitForm(data, instance=instance, initial=initial)
        rows = rows or {}
        self.rowsets: dict[str, RowFormSet] = {}
        for section, (form_class, offered) in ROWSETS.items():
            given = rows.get(section, [])
            extra = max(offered - len(given), 1) if data is None else 0
            factory = formset_factory(form_class, formset=RowFormSet, extra=extra, max_num=MAX_ROWS, validate_max=True)
            # django-stubs: formset_factory is typed to return the base class, not the `formset` given.
            self.rowsets[section] = factory(data, initial=given or None, prefix=PREFIX[section])  # type: ignore[assignment]

    def is_valid(self) -> bool:
        ok = self.visit.is_valid()
        for rowset in self.rowsets.values():
            ok = rowset.is_valid() and ok
        return ok

    def record(self) -> VisitRecord:
        used = {s: rs.used_forms() for s, rs in self.rowsets.items()}
        self._used = used
        return VisitRecord(
            fields=dict(self.visit.cleaned_data), **{s: [f.row_data() for f in fs] for s, fs in used.items()}
        )

    def add_problems(self, problems: list[Problem]) -> None:
        """Put each service problem on the field it concerns."""
        for p in problems:
            form: forms.BaseForm
            if p.section == "visit" or p.index is None:  # a row's problem always names its row
                form, name = self.visit, p.field
            else:
                form, name = self._used[p.section][p.index], p.field
            if name and name not in form.fields:
                name = ""
            form.add_error(name or None, p.message)

    @property
    def needle_count(self) -> int:
        """The needles the rows on the page account for (the page updates it as rows change)."""
        points = [{"laterality": f["laterality"].value()} for f in self.rowsets["points"].forms if f["code"].value()]
        targets = [1 for f in self.rowsets["dry_needling"].forms if f["muscle"].value()]
        return sum(2 if p["laterality"] == "bilateral" else 1 for p in points) + len(targets)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """Every error as (field id to link to, what the field is, message), in page order."""
        out = []
        for name, errors in self.visit.errors.items():
            if name == "__all__":
                out += [("", "Visit", str(e)) for e in errors]
                continue
            field = self.visit[name]
            out += [(field.auto_id, str(field.label), str(e)) for e in errors]
        labels = {"points": "Point", "dry_needling": "Muscle", "electrode_pairs": "Electrode pair",
                  "adverse_events": "Adverse event"}
        for section, rowset in self.rowsets.items():
            out += [("", labels[section] + "s", str(e)) for e in rowset.non_form_errors()]
            for i, form in enumerate(rowset.forms, start=1):
                for name, errors in form.errors.items():
                    if name == "__all__":
                        out += [("", f"{labels[section]} {i}", str(e)) for e in errors]
                        continue
                    field = form[name]
                    out += [(field.auto_id, f"{labels[section]} {i}: {field.label}", str(e)) for e in errors]
        return out

    @property
    def errors_count(self) -> int:
        n = len(self.visit.errors)
        for rs in self.rowsets.values():
            n += sum(len(e) for e in rs.errors) + len(rs.non_form_errors())
        return n


class AmendmentForm(forms.Form):
    text = forms.CharField(
        label="Amendment",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Dated and signed with your name; the original record stays as it was.",
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="Signed with your name and the time; the visit and its author's notes stay as they were.",
    )
