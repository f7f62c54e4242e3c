"""Forms on the plan page: change an item, sign."""

from __future__ import annotations

import re

from django import forms

from fracturecare.planning.models import ATTESTATION, EditAction, Laterality, Section

_KEY_PATTERNS = {
    Section.ACUPUNCTURE: (re.compile(r"^(ASHI|(LU|LI|ST|SP|HT|SI|BL|KI|PC|TE|GB|LR|GV|CV)\d{1,2})$"),
                          "Use a WHO point code such as KI3, ST36 or LR3 (ASHI for local points)."),
    Section.DRY_NEEDLING: (re.compile(r"^[a-z][a-z_]{2,60}$"),
                           "Use the muscle's name in lower case with underscores, e.g. tibialis_posterior."),
    Section.CONVENTIONAL: (re.compile(r"^[a-z][a-z0-9_]{2,60}$"),
                           "Use a short id in lower case with underscores, e.g. bone_stimulator_referral."),
}


class PlanChangeForm(forms.Form):
    action = forms.ChoiceField(choices=EditAction.choices, widget=forms.HiddenInput)
    section = forms.ChoiceField(choices=Section.choices, label="Part of the plan")
    key = forms.CharField(max_length=80, label="Point code, muscle or care item id")
    laterality = forms.ChoiceField(choices=[("", "—"), *Laterality.choices], required=False, label="Side")
    description = forms.CharField(max_length=300, required=False, label="What the added care is",
                                  help_text="Conventional care only.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="Reason",
                             error_messages={"required": "Give the reason for this change."})
    override = forms.BooleanField(required=False, label="I override the engine's exclusion or deferral")

    def clean_key(self):
        return self.cleaned_data["key"].strip()

    def clean(self):
        cleaned = super().clean()
        section, key = cleaned.get("section"), cleaned.get("key")
        if section == Section.ACUPUNCTURE and key:
            key = key.upper()
            cleaned["key"] = key
        elif section == Section.DRY_NEEDLING and key:
            key = key.lower().replace(" ", "_")
            cleaned["key"] = key
        if cleaned.get("action") == EditAction.ADD and section and key:
            pattern, message = _KEY_PATTERNS[section]
            if not pattern.match(key):
                self.add_error("key", message)
        return cleaned


class PlanSignForm(forms.Form):
    amendment_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000,
        label="Reason for the amendment", help_text="Required when changing a signed plan.",
    )
    attested = forms.BooleanField(
        label=ATTESTATION, required=True,
        error_messages={"required": f"Tick “{ATTESTATION}” to sign."},
    )
