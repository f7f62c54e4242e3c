"""The patient-facing forms (phone first) and the clinic's small forms."""

from __future__ import annotations

from django import forms

from fracturecare.intake.content import (
    CONDITION_CHOICES,
    CONSENT_KINDS,
    MEDICATION_CHOICES,
    PERIOD_CHOICES,
    PREGNANT_CHOICES,
    SIDE_CHOICES,
    YES_NO,
    FormKind,
)

NONE = "none"


def _yes_no(label: str, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=YES_NO, widget=forms.RadioSelect, required=required)


class IntakeForm(forms.Form):
    """The health questionnaire. Every answer is required unless it may not apply; "none" is an answer."""

    activity = forms.CharField(label="Your main sport or activity", max_length=80,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    side = forms.ChoiceField(label="Which side hurts?", choices=SIDE_CHOICES, widget=forms.RadioSelect)
    onset_weeks = forms.IntegerField(label="How many weeks ago did the pain start?", min_value=0, max_value=520,
                                     widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    pain_nrs = forms.IntegerField(label="Your pain at its worst this week, from 0 (none) to 10 (worst imaginable)",
                                  min_value=0, max_value=10,
                                  widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    pain_at_rest = _yes_no("Does it hurt when you are resting?")
    night_pain = _yes_no("Does the pain wake you at night?")
    unable_to_bear_weight = _yes_no("Are you unable to put weight on the leg or walk a few steps?")
    fever = _yes_no("Have you had a fever or felt unwell with it?")
    unexplained_weight_loss = _yes_no("Have you lost weight without trying?")
    prior_stress_fractures = forms.IntegerField(label="How many stress fractures have you had before?",
                                                min_value=0, max_value=30,
                                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    height_cm = forms.IntegerField(label="Height (cm)", min_value=100, max_value=230, required=False,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    weight_kg = forms.DecimalField(label="Weight (kg)", min_value=25, max_value=250, decimal_places=1,
                                   required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"}))
    pregnant = forms.ChoiceField(label="Are you or might you be pregnant?", choices=PREGNANT_CHOICES,
                                 widget=forms.RadioSelect)
    menstrual_status = forms.ChoiceField(label="If you have periods: are they", choices=PERIOD_CHOICES,
                                         widget=forms.RadioSelect)
    age_at_menarche = forms.IntegerField(label="Age at your first period (leave empty if it does not apply)",
                                         min_value=7, max_value=25, required=False,
                                         widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    medications = forms.MultipleChoiceField(label="Do you take any of these?",
                                            choices=(*MEDICATION_CHOICES, (NONE, "None of these")),
                                            widget=forms.CheckboxSelectMultiple)
    conditions = forms.MultipleChoiceField(label="Do you have any of these?",
                                           choices=(*CONDITION_CHOICES, (NONE, "None of these")),
                                           widget=forms.CheckboxSelectMultiple)
    acupuncture = _yes_no("Would you consider acupuncture as part of your care?")
    dry_needling = _yes_no("Would you consider dry needling as part of your care?")
    electroacupuncture = _yes_no("Would you consider electroacupuncture (a mild current between two needles)?")
    other = forms.CharField(label="Anything else we should know (other medicines, allergies, surgery)?",
                            required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def _none_or_list(self, name: str) -> list[str]:
        values = self.cleaned_data.get(name) or []
        if NONE in values and len(values) > 1:
            raise forms.ValidationError("Choose 'None of these' or the items that apply, not both.")
        return [v for v in values if v != NONE]

    def clean_medications(self) -> list[str]:
        return self._none_or_list("medications")

    def clean_conditions(self) -> list[str]:
        return self._none_or_list("conditions")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if (data.get("height_cm") is None) != (data.get("weight_kg") is None):
            self.add_error("weight_kg" if data.get("weight_kg") is None else "height_cm",
                           "Give both height and weight, or neither.")
        return data

    def answers(self) -> dict:
        """The cleaned answers as JSON-safe values."""
        data = dict(self.cleaned_data)
        if data.get("weight_kg") is not None:
            data["weight_kg"] = float(data["weight_kg"])
        return data


class ConsentSignForm(forms.Form):
    signed_name = forms.CharField(label="Type your full name to sign", max_length=200,
                                  widget=forms.TextInput(attrs={"autocomplete": "name"}))
    agreed = forms.BooleanField(label="I agree", required=True)


class SendFormsForm(forms.Form):
    """Staff: send the patient a link to chosen forms."""

    forms_to_send = forms.MultipleChoiceField(
        label="Forms", choices=[(k.value, k.label) for k in (FormKind.INTAKE, *CONSENT_KINDS, FormKind.OUTCOMES)],
        widget=forms.CheckboxSelectMultiple)


class WithdrawConsentForm(forms.Form):
    form = forms.ChoiceField(choices=[(k.value, k.label) for k in CONSENT_KINDS])
    note = forms.CharField(required=False, max_length=500)


class InClinicConsentForm(forms.Form):
    """Staff: a consent the patient signed on the clinic's tablet or on paper."""

    form = forms.ChoiceField(label="Consent", choices=[(k.value, k.label) for k in CONSENT_KINDS])
    signed_name = forms.CharField(label="Name as signed", max_length=200)
