"""The patient registration form."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone

from fracturecare.patients.models import Patient


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = ["first_name", "last_name", "date_of_birth", "sex", "phone", "email"]
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        labels = {"date_of_birth": "Date of birth", "sex": "Sex"}
        help_texts = {"phone": "Include the country code for numbers outside the clinic's country."}

    def clean_date_of_birth(self) -> datetime.date:
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("The date of birth is in the future.")
        if dob < today - datetime.timedelta(days=365 * 120 + 30):
            raise forms.ValidationError("The date of birth is more than 120 years ago.")
        return dob

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not re.fullmatch(r"\+?[\d\s().\-]{7,25}", phone):
            raise forms.ValidationError("Enter a phone number using digits, spaces, +, -, ( or ).")
        digits = re.sub(r"\D", "", phone)
        if phone and not 7 <= len(digits) <= 15:
            raise forms.ValidationError("A phone number has 7 to 15 digits.")
        return phone

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("phone") and not cleaned.get("email"):
            self.add_error(
                "phone", "Give a phone number or an email address so the clinic can reach the patient."
            )
        return cleaned


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="Search patients", required=False, max_length=100,
        help_text="Name, date of birth (YYYY-MM-DD or MM/DD/YYYY) or phone number.",
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )
