"""Forms for accounts pages."""

from __future__ import annotations

from django import forms

from fracturecare.accounts.models import SecurityPolicy


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label="What is it for?", max_length=100,
        help_text="A name you will recognise later, e.g. 'EHR bridge' or 'my laptop script'.",
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
    )


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(label="Your email address", max_length=254,
                             help_text="The address the clinic has for your portal login.")


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label="New email address", max_length=254)


class SecurityPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = SecurityPolicy
        fields = ["require_2fa_clinician", "require_2fa_front_desk", "require_2fa_clinic_admin"]


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("username", "username"), ("address", "address")])
    value = forms.CharField(max_length=255)


class ResetTwoFactorForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=300,
                             help_text="e.g. 'lost phone; identity checked in person'. It is audited.")
