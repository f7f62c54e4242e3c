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
            "other_care",
            "notes",
            "ea_waveform",
            "ea_frequency_hz",
            "ea_frequency_high_hz",
            "ea_intensity",
            "ea_intensity_ma",
            "ea_duration_min",
            "needles_in",
            "needles_out",
        ]
        widgets = {
            "visit_date": forms.DateInput(attrs={"type": "date"}),
            "other_care": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    pain_nrs_before = forms.IntegerField(
        label="Pain NRS before treatment (0–10)", min_value=0, max_value=10, required=False
    )
    pain_nrs_after = forms.IntegerField(
        label="Pain NRS after treatment (0–10)", min_value=0, max_value=10, required=False
    )
    needles_in = forms.IntegerField(label="Needles inserted (count)", min_value=0, max_value=200, required=False)
    needles_out = forms.IntegerField(label="Needles removed (count)", min_value=0, max_value=200, required=False)
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
        self.rowsets = {}
        for section, (form_class, offered) in ROWSETS.items():
            given = rows.get(section, [])
            extra = max(offered - len(given), 1) if data is None else 0
            factory = formset_factory(form_class, formset=RowFormSet, extra=extra, max_num=MAX_ROWS, validate_max=True)
            self.rowsets[section] = factory(data, initial=given or None, prefix=PREFIX[section])

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
            if p.section == "visit":
                form, name = self.visit, p.field
            else:
                form, name = self._used[p.section][p.index], p.field
            if name and name not in form.fields:
                name = None
            form.add_error(name or None, p.message)

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
