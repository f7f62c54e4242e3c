"""The outcome assessment form."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from fracturecare.outcomes.measures import LEFS_ANSWERS, LEFS_ITEMS, NRS_MAX, NRS_MIN
from fracturecare.outcomes.models import Timepoint
from fracturecare.outcomes.stages import WALK_RUN_LAST_DAY, Phase

LEFS_FIELDS = [f"lefs_{i:02d}" for i in range(1, len(LEFS_ITEMS) + 1)]


class AssessmentForm(forms.Form):
    assessed_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    timepoint = forms.ChoiceField(choices=Timepoint.choices)
    pain_nrs = forms.IntegerField(
        label="Pain NRS (0–10)",
        min_value=0,
        max_value=10,
        required=False,
        help_text="Average pain over the last 24 hours, 0 = no pain, 10 = worst imaginable.",
    )
    phase = forms.ChoiceField(label="Return-to-activity phase", choices=[("", "—"), *Phase.choices], required=False)
    walk_run_day = forms.IntegerField(
        label="Walk–run progression day",
        min_value=1,
        max_value=WALK_RUN_LAST_DAY,
        required=False,
        help_text="Only in phase 3 (return to running).",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"assessed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        for name, label in zip(LEFS_FIELDS, LEFS_ITEMS, strict=True):
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=[("", "—"), *LEFS_ANSWERS],
                coerce=int,
                empty_value=None,
                required=False,
            )

    def lefs_fields(self):
        return [self[name] for name in LEFS_FIELDS]

    def clean(self):
        cleaned = super().clean()
        answers = [cleaned.get(name) for name in LEFS_FIELDS]
        answered = [a is not None for a in answers]
        if any(answered) and not all(answered):
            for name, given in zip(LEFS_FIELDS, answered, strict=True):
                if not given and name not in self.errors:
                    self.add_error(name, "Answer every LEFS item, or leave them all blank.")
        cleaned["lefs_items"] = answers if all(answered) else None
        return cleaned

    def service_kwargs(self) -> dict:
        c = self.cleaned_data
        return {
            "assessed_on": c["assessed_on"],
            "timepoint": c["timepoint"],
            "pain_nrs": c.get("pain_nrs"),
            "lefs_items": c.get("lefs_items"),
            "phase": c.get("phase") or "",
            "walk_run_day": c.get("walk_run_day"),
            "note": c.get("note", ""),
        }


class VoidForm(forms.Form):
    """Mark one assessment as entered in error."""

    assessment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="What was wrong", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PatientQuestionnaireForm(forms.Form):
    """Pain NRS and the LEFS, as the patient answers them before a follow-up."""

    pain_nrs = forms.IntegerField(label="Your pain at its worst in the last week, from 0 (none) to 10 "
                                        "(worst imaginable)", min_value=NRS_MIN, max_value=NRS_MAX,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for index, label in enumerate(LEFS_ITEMS):
            self.fields[f"lefs_{index}"] = forms.TypedChoiceField(
                label=label, choices=LEFS_ANSWERS, coerce=int, widget=forms.RadioSelect)

    def lefs_items(self) -> list[int]:
        return [self.cleaned_data[f"lefs_{i}"] for i in range(len(LEFS_ITEMS))]

    def lefs_fields(self) -> list:
        return [self[f"lefs_{i}"] for i in range(len(LEFS_ITEMS))]
