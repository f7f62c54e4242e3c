"""Forms for accounts pages."""

from __future__ import annotations

from django import forms


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="What is it for?", max_length=100,
        help_text="A name you will recognise later, e.g. 'EHR bridge' or 'my laptop script'.",
    )
