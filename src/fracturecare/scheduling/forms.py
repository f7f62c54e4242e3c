"""Input forms shared by the booking pages, the front desk and the JSON API."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.utils import timezone

from fracturecare.patients.models import Patient
from fracturecare.queryparams import check_day
from fracturecare.scheduling.models import AppointmentType, Practitioner
from fracturecare.scheduling.safety import PAIN_AREAS, SAFETY_QUESTIONS
from fracturecare.scheduling.slots import MAX_SEARCH_DAYS

_PHONE = re.compile(r"^\+?[0-9 ()\-.]{7,25}$")
YES_NO = (("yes", "Yes"), ("no", "No"))


def parse_aware_datetime(value: str) -> datetime.datetime:
    """Parse ISO 8601 with a UTC offset (or Z); a time without an offset is ambiguous."""
    try:
        parsed = datetime.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise forms.ValidationError("Enter a date and time in ISO 8601 form, e.g. 2026-03-09T09:00:00-04:00.") from None
    if parsed.tzinfo is None:
        raise forms.ValidationError("Include the UTC offset, e.g. -04:00 or Z.")
    return parsed.astimezone(datetime.UTC)


class AwareDateTimeField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return parse_aware_datetime(value)


class SlotChoiceForm(forms.Form):
    """Which visit, when and with whom."""

    type = forms.SlugField(max_length=60)
    start = AwareDateTimeField()
    practitioner = forms.IntegerField(min_value=1)

    def __init__(self, *args, online: bool = True, **kwargs):
        self.online = online
        super().__init__(*args, **kwargs)

    def clean_type(self) -> AppointmentType:
        types = AppointmentType.objects.filter(active=True)
        if self.online:
            types = types.filter(bookable_online=True)
        found = types.filter(slug=self.cleaned_data["type"]).first()
        if found is None:
            raise forms.ValidationError("Unknown appointment type.")
        return found

    def clean_practitioner(self) -> Practitioner:
        found = (
            Practitioner.objects.select_related("user")
            .filter(pk=self.cleaned_data["practitioner"], active=True)
            .first()
        )
        if found is None:
            raise forms.ValidationError("Unknown practitioner.")
        return found

    def clean_start(self) -> datetime.datetime:
        start = self.cleaned_data["start"]
        if start <= timezone.now():
            raise forms.ValidationError("This time is in the past.")
        return start


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not any(ch.isalpha() for ch in value):
        raise forms.ValidationError("Enter a name.")
    return value


class PatientDetailsForm(forms.Form):
    first_name = forms.CharField(
        max_length=100, label="First name", widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=100, label="Last name", widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    email = forms.EmailField(max_length=254, label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(
        max_length=32,
        required=False,
        label="Mobile phone (optional)",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_first_name(self) -> str:
        return _clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _clean_name(self.cleaned_data["last_name"])

    def clean_date_of_birth(self) -> datetime.date:
        dob = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError("Date of birth cannot be in the future.")
        if dob < today.replace(year=today.year - 120):
            raise forms.ValidationError("Check the year of birth.")
        return dob

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (not _PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 7):
            raise forms.ValidationError("Enter a phone number with digits only, e.g. +1 555 010 0199.")
        return phone


class IntakeForm(forms.Form):
    """Why the visit, where it hurts, and the safety screen."""

    reason = forms.CharField(
        max_length=1000,
        label="Reason for your visit",
        help_text="A sentence or two, e.g. when it started and what makes it worse.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    pain_area = forms.ChoiceField(label="Where does it hurt?", choices=PAIN_AREAS, widget=forms.RadioSelect)

    def __init__(self, *args, require_screen: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for q in SAFETY_QUESTIONS:
            self.fields[f"screen_{q.key}"] = forms.ChoiceField(
                label=q.text, choices=YES_NO, widget=forms.RadioSelect, required=require_screen
            )
        if not require_screen:
            self.fields["pain_area"].required = False

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Tell us briefly why you are booking.")
        return reason

    def screen_answers(self) -> dict[str, bool]:
        """Safety answers as booleans; unanswered questions are left out."""
        out = {}
        for q in SAFETY_QUESTIONS:
            value = self.cleaned_data.get(f"screen_{q.key}")
            if value:
                out[q.key] = value == "yes"
        return out


class DayForm(forms.Form):
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])

    def clean_date(self) -> datetime.date | None:
        return check_day(self.cleaned_data.get("date"))


class SlotQueryForm(forms.Form):
    """The query string of GET /api/v1/slots."""

    type = forms.SlugField(max_length=60)
    start = forms.DateField(input_formats=["%Y-%m-%d"])
    end = forms.DateField(input_formats=["%Y-%m-%d"])
    practitioner = forms.IntegerField(min_value=1, required=False)

    def clean_type(self) -> AppointmentType:
        found = AppointmentType.objects.filter(
            active=True, bookable_online=True, slug=self.cleaned_data["type"]
        ).first()
        if found is None:
            raise forms.ValidationError("Unknown appointment type.")
        return found

    def clean_practitioner(self):
        pk = self.cleaned_data.get("practitioner")
        if pk is None:
            return None
        found = Practitioner.objects.filter(pk=pk, active=True).first()
        if found is None:
            raise forms.ValidationError("Unknown practitioner.")
        return found

    def clean(self):

        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date is before the start date.")
            elif (end - start).days >= MAX_SEARCH_DAYS:
                self.add_error("end", f"Search at most {MAX_SEARCH_DAYS} days at a time.")
        return data


class CalendarQueryForm(forms.Form):
    """The schedule's query string: ?view=day|week&date=YYYY-MM-DD&colour=type|practitioner&type=&practitioner=."""

    view = forms.ChoiceField(choices=(("day", "Day"), ("week", "Week")), required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    colour = forms.ChoiceField(choices=(("type", "Visit type"), ("practitioner", "Practitioner")), required=False)
    type = forms.SlugField(max_length=60, required=False)
    practitioner = forms.IntegerField(min_value=1, required=False)

    def clean_type(self) -> AppointmentType | None:
        slug = self.cleaned_data.get("type")
        if not slug:
            return None
        found = AppointmentType.objects.filter(active=True, slug=slug).first()
        if found is None:
            raise forms.ValidationError(f"Unknown visit type {slug!r}.")
        return found

    def clean_practitioner(self) -> Practitioner | None:
        pk = self.cleaned_data.get("practitioner")
        if pk is None:
            return None
        found = Practitioner.objects.select_related("user").filter(pk=pk, active=True).first()
        if found is None:
            raise forms.ValidationError(f"Unknown practitioner {pk}.")
        return found

    def error_text(self) -> str:
        """One line naming each bad parameter and the value given."""
        parts = []
        for name, errors in self.errors.items():
            given = self.data.get(name, "")
            parts.append(f"{name}={given!r}: {' '.join(str(e) for e in errors)}")
        return "; ".join(parts)


class DeskPatientDetailsForm(PatientDetailsForm):
    """A caller at the front desk: a phone number is enough when they have no email."""

    text_consent = forms.BooleanField(required=False, label="The caller agrees to text messages at this number")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = False
        self.fields["email"].label = "Email (optional when a phone number is given)"
        self.fields["phone"].label = "Mobile phone"

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and not self.has_error("phone"):
            self.add_error("phone", "Give a phone number or an email, so we can reach the caller.")
        return data


class RepeatForm(forms.Form):
    """Repeat a front-desk booking weekly."""

    repeat_weeks = forms.IntegerField(
        min_value=1, max_value=26, required=False, label="Repeat weekly for (weeks, 1 = just this visit)"
    )
    series_confirm = forms.ChoiceField(choices=(("", "preview"), ("rest", "book the free ones")), required=False)


class WaitlistForm(forms.Form):
    """Put a patient on the waiting list."""

    patient = forms.IntegerField(min_value=1)
    type = forms.SlugField(max_length=60, label="Visit type")
    practitioner = forms.IntegerField(min_value=1, required=False, label="Practitioner (empty: anyone)")
    weekdays = forms.TypedMultipleChoiceField(
        choices=[(i, name) for i, name in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Days that suit (none ticked: any day)",
    )
    earliest = forms.TimeField(required=False, label="Not before", widget=forms.TimeInput(attrs={"type": "time"}))
    latest = forms.TimeField(required=False, label="Start by", widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(max_length=200, required=False)

    def clean_patient(self) -> Patient:
        found = Patient.objects.filter(pk=self.cleaned_data["patient"]).first()
        if found is None:
            raise forms.ValidationError("Unknown patient.")
        return found

    def clean_type(self) -> AppointmentType:
        found = AppointmentType.objects.filter(active=True, slug=self.cleaned_data["type"]).first()
        if found is None:
            raise forms.ValidationError("Unknown visit type.")
        return found

    def clean_practitioner(self) -> Practitioner | None:
        pk = self.cleaned_data.get("practitioner")
        if pk is None:
            return None
        found = Practitioner.objects.filter(pk=pk, active=True).first()
        if found is None:
            raise forms.ValidationError("Unknown practitioner.")
        return found

    def clean(self):
        data = super().clean()
        if data.get("earliest") and data.get("latest") and data["earliest"] > data["latest"]:
            self.add_error("latest", "The latest start is before the earliest.")
        return data


class TextReplyForm(forms.Form):
    """A reply texted to the clinic (the sink's simulation of an inbound text)."""

    phone = forms.CharField(max_length=32, label="From number")
    body = forms.CharField(max_length=160, label="Text")
