"""The clinic's form for inviting a patient to the portal."""

from __future__ import annotations

from django import forms


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email for the link", help_text="The set-password link goes here.")
    username = forms.CharField(
        label="Username", max_length=150, required=False,
        help_text="Leave empty to use the email address. Only for a new login.",
    )
    reason = forms.CharField(
        label="Reason for a new address", max_length=300, required=False,
        help_text="Clinic admins only, when the patient already uses their login with another address "
                  "(e.g. 'patient lost access to old mailbox; identity checked in person').",
    )
