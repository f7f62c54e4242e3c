"""The audit log viewer's filter form."""

from __future__ import annotations

from django import forms

from fracturecare.audit.actions import AuditAction

# Areas whose actions the log holds, offered as suggestions (the field takes any prefix).
ACTION_AREAS = tuple(dict.fromkeys(f"{action.value.split('.')[0]}." for action in AuditAction))


class AuditFilterForm(forms.Form):
    patient = forms.IntegerField(
        label="Patient number", required=False, min_value=1,
        help_text="As in the patient page's address.",
    )
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    action = forms.CharField(
        label="Action", required=False, max_length=80,
        help_text="A full code (plan.signed) or its start (plan.).",
        widget=forms.TextInput(attrs={"list": "audit-actions"}),
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To (inclusive)", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def used(self) -> dict:
        """Which filters were applied, as identifiers only (for the audit record of the read)."""
        data = self.cleaned_data
        return {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in data.items()
            if value not in (None, "")
        }
