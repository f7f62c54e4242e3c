"""The superbill's inputs that the visit record does not hold."""

from __future__ import annotations

from django import forms

from fracturecare.interop.coding import SEVENTH_CHARACTERS


class SuperbillForm(forms.Form):
    # The visit model records needle retention and EA duration, not one-on-one contact time,
    # which is what the acupuncture codes are timed by.
    minutes = forms.IntegerField(
        label="Face-to-face time (minutes)", min_value=1, max_value=240, required=False,
        help_text="One-on-one contact with the patient, not needle-retention time.",
    )
    reinserted = forms.BooleanField(label="Needles were re-inserted after the first 15 minutes", required=False)
    seventh = forms.ChoiceField(
        label="ICD-10-CM 7th character", choices=[("", "As proposed"), *SEVENTH_CHARACTERS.items()], required=False,
    )
