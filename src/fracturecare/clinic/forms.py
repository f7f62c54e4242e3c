"""Forms for first-run set-up, the clinic's details, its booking policy and its message texts."""

from __future__ import annotations

import functools
import zoneinfo
from typing import cast

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from fracturecare.accounts.models import User
from fracturecare.clinic.messages import SMS_MAX_CHARS, STOP_LINE, template_errors
from fracturecare.clinic.models import Channel, ClinicProfile
from fracturecare.clinic.selectors import MAX_CANCELLATION_WINDOW_HOURS

DETAIL_FIELDS = ["name", "address", "phone", "sms", "email", "time_zone"]
POLICY_FIELDS = ["min_notice_minutes", "max_advance_days", "cancellation_window_hours"]


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """Every IANA zone, Americas first (most clinics using this are there), then the rest."""
    zones = sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    zones.sort(key=lambda z: (not z.startswith("America/"), z))
    return [(z, z.replace("_", " ")) for z in zones]


class ClinicDetailsForm(forms.ModelForm):
    """Name, address, phone and text numbers, email, time zone."""

    time_zone = forms.ChoiceField(choices=time_zone_choices, help_text="hours and slots are in this zone")

    class Meta:
        model = ClinicProfile
        fields = DETAIL_FIELDS

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"], "phone")

    def clean_sms(self) -> str:
        value = self.cleaned_data.get("sms", "")
        return _phone(value, "text number") if value else ""


def _phone(value: str, label: str) -> str:
    value = value.strip()
    digits = [c for c in value if c.isdigit()]
    allowed = set("0123456789+-() .")
    if not 7 <= len(digits) <= 15 or any(c not in allowed for c in value):
        raise ValidationError(f"{value!r} is not a {label}: use digits, spaces, +, -, ( and ).")
    return value


class BookingPolicyForm(forms.ModelForm):
    """Minimum notice, booking horizon and cancellation window for online booking."""

    class Meta:
        model = ClinicProfile
        fields = POLICY_FIELDS

    def clean_min_notice_minutes(self) -> int:
        value = self.cleaned_data["min_notice_minutes"]
        if value > 60 * 24 * 30:
            raise ValidationError("At most 30 days (43200 minutes).")
        return value

    def clean_max_advance_days(self) -> int:
        value = self.cleaned_data["max_advance_days"]
        if not 1 <= value <= 730:
            raise ValidationError("Between 1 and 730 days.")
        return value

    def clean_cancellation_window_hours(self) -> int:
        value = self.cleaned_data["cancellation_window_hours"]
        if value > MAX_CANCELLATION_WINDOW_HOURS:
            raise ValidationError(f"At most {MAX_CANCELLATION_WINDOW_HOURS} hours (30 days).")
        return value


class SetupForm(ClinicDetailsForm):
    """First run: the clinic's details and its first clinic-admin login."""

    admin_first_name = forms.CharField(label="Your first name", max_length=150)
    admin_last_name = forms.CharField(label="Your last name", max_length=150)
    admin_email = forms.EmailField(label="Your email")
    admin_username = forms.RegexField(label="Username", max_length=150, regex=r"^[\w.@+-]+$",
                                      error_messages={"invalid": "Letters, digits and @ . + - _ only."})
    admin_password = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    admin_password_again = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean_admin_username(self) -> str:
        username = self.cleaned_data["admin_username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is taken.")
        return username

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        password, again = data.get("admin_password"), data.get("admin_password_again")
        if password and again and password != again:
            self.add_error("admin_password_again", "The two passwords differ.")
        elif password:
            probe = User(username=data.get("admin_username", ""), email=data.get("admin_email", ""),
                         first_name=data.get("admin_first_name", ""), last_name=data.get("admin_last_name", ""))
            try:
                validate_password(password, probe)
            except ValidationError as exc:
                self.add_error("admin_password", exc)
        return data

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}


class MessageTemplateForm(forms.Form):
    """One message's wording; placeholders are checked against the allowed list."""

    subject = forms.CharField(max_length=200, required=False)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), max_length=4000)

    def __init__(self, *args, channel: str, kind: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.channel = channel
        self.kind = kind
        if channel == Channel.EMAIL:
            self.fields["subject"].required = True
        else:
            del self.fields["subject"]
            # Only the widget's maxlength follows; clean_body enforces the limit.
            cast(forms.CharField, self.fields["body"]).max_length = SMS_MAX_CHARS
            self.fields["body"].widget.attrs["rows"] = 4

    def clean_subject(self) -> str:
        value = self.cleaned_data.get("subject", "")
        for problem in template_errors(value, self.kind):
            self.add_error("subject", problem)
        return value

    def clean_body(self) -> str:
        value = self.cleaned_data["body"]
        if self.channel == Channel.SMS and len(value) > SMS_MAX_CHARS:
            raise ValidationError(f"A text message may be at most {SMS_MAX_CHARS} characters "
                                  f"(\"{STOP_LINE}\" is added after it).")
        for problem in template_errors(value, self.kind):
            self.add_error("body", problem)
        return value
