"""Forms for /clinic/settings/: locations, practitioners, hours, time off, holidays, visit types, staff.

Every form refuses what it does not understand with a message on the field; nothing is saved
until the whole form is valid (the services save inside one transaction).
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from fracturecare.accounts.models import Role, User
from fracturecare.scheduling.models import (
    CELL_MINUTES,
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Location,
    Practitioner,
)

STAFF_ROLES = [(Role.CLINICIAN.value, Role.CLINICIAN.label), (Role.FRONT_DESK.value, Role.FRONT_DESK.label),
               (Role.CLINIC_ADMIN.value, Role.CLINIC_ADMIN.label)]


class _TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M", attrs={"step": CELL_MINUTES * 60})


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _on_cell(value, field: str) -> None:
    if value is not None and (value.minute % CELL_MINUTES or value.second):
        raise ValidationError({field: f"Use a time on a {CELL_MINUTES}-minute boundary (e.g. 09:00, 09:05)."})


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "address", "directions", "active"]
        widgets = {"directions": forms.Textarea(attrs={"rows": 3})}


class ColourInput(forms.TextInput):
    """The browser's colour picker. It always holds a colour, so it carries neither `required` nor a
    length limit (HTML allows neither on type=color); the model field still validates the value."""

    input_type = "color"

    def use_required_attribute(self, initial: object) -> bool:
        return False

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        attrs.pop("minlength", None)
        return attrs


class _LoginChoiceField(forms.ModelChoiceField):
    """A staff login, shown as "Full Name (username)"."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class _PractitionerChoiceField(forms.ModelMultipleChoiceField):
    """Practitioners, shown by the name patients see."""

    def label_from_instance(self, obj: Practitioner) -> str:
        return obj.display_name


class PractitionerForm(forms.ModelForm):
    """A bookable clinician: their staff login, title, calendar colour and the visit types they offer."""

    class Meta:
        model = Practitioner
        fields = ["user", "title", "colour", "active", "appointment_types"]
        widgets = {
            "colour": ColourInput,
            "appointment_types": forms.CheckboxSelectMultiple,
        }
        labels = {"user": "Staff login", "appointment_types": "Visit types"}
        field_classes = {"user": _LoginChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A clinician login without a practitioner yet (or this practitioner's own).
        logins = User.objects.filter(role=Role.CLINICIAN, is_active=True).filter(
            Q(practitioner__isnull=True) | Q(practitioner=self.instance.pk or 0)
        ).order_by("last_name", "first_name", "username")
        cast(_LoginChoiceField, self.fields["user"]).queryset = logins
        self.fields["user"].help_text = "A clinician's login; invite them under Staff first if they have none."
        if self.instance.pk:
            # Their appointments belong to this person: the login is fixed once they are bookable.
            self.fields["user"].disabled = True
        visit_types = cast(forms.ModelMultipleChoiceField, self.fields["appointment_types"])
        visit_types.queryset = AppointmentType.objects.filter(active=True)
        self.fields["appointment_types"].required = False


class AvailabilityRuleForm(forms.ModelForm):
    """A weekly shift for one practitioner at one location."""

    class Meta:
        model = AvailabilityRule
        fields = ["location", "weekday", "start_time", "end_time", "valid_from", "valid_until"]
        widgets = {"start_time": _TimeInput(), "end_time": _TimeInput(), "valid_from": _DateInput(),
                   "valid_until": _DateInput()}
        labels = {"valid_from": "From (optional)", "valid_until": "Until (optional)"}

    def __init__(self, *args, practitioner: Practitioner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.practitioner = practitioner
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = Location.objects.filter(active=True)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_time"), data.get("end_time")
        _on_cell(start, "start_time")
        _on_cell(end, "end_time")
        if start and end and start >= end:
            self.add_error("end_time", "The shift must end after it starts.")
        since, until = data.get("valid_from"), data.get("valid_until")
        if since and until and since > until:
            self.add_error("valid_until", "The last day comes before the first.")
        weekday = data.get("weekday")
        if start and end and start < end and weekday is not None and not self.errors:
            clash = AvailabilityRule.objects.filter(
                practitioner=self.instance.practitioner, weekday=weekday, start_time__lt=end, end_time__gt=start
            ).exclude(pk=self.instance.pk or 0)
            # Two shifts that overlap and share dates would offer the same time twice.
            for other in clash:
                if (until is None or other.valid_from is None or other.valid_from <= until) and (
                    since is None or other.valid_until is None or since <= other.valid_until
                ):
                    raise ValidationError(f"This overlaps another shift ({other.start_time:%H:%M}–"
                                          f"{other.end_time:%H:%M} on {other.get_weekday_display()}).")
        return data


class AvailabilityExceptionForm(forms.ModelForm):
    """One day off (all day or some hours) or extra hours for a practitioner."""

    class Meta:
        model = AvailabilityException
        fields = ["date", "available", "start_time", "end_time", "location", "note"]
        widgets = {"date": _DateInput(), "start_time": _TimeInput(), "end_time": _TimeInput()}
        labels = {"available": "Extra hours (leave off for time off)", "start_time": "From (empty: all day)",
                  "end_time": "Until (empty: all day)", "location": "Location (extra hours only)"}

    def __init__(self, *args, practitioner: Practitioner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.practitioner = practitioner
        cast(forms.ModelChoiceField, self.fields["location"]).queryset = Location.objects.filter(active=True)
        self.fields["location"].required = False

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_time"), data.get("end_time")
        _on_cell(start, "start_time")
        _on_cell(end, "end_time")
        if (start is None) != (end is None):
            self.add_error("end_time" if start else "start_time", "Give both times, or neither for the whole day.")
        elif start and end and start >= end:
            self.add_error("end_time", "The end must come after the start.")
        if data.get("available"):
            if start is None or end is None:
                self.add_error("start_time", "Extra hours need a start and an end time.")
            if not data.get("location"):
                self.add_error("location", "Extra hours need a location.")
        elif data.get("location"):
            data["location"] = None  # time off happens everywhere
        return data


class ClinicClosureForm(forms.ModelForm):
    class Meta:
        model = ClinicClosure
        fields = ["date", "name"]
        widgets = {"date": _DateInput()}
        labels = {"name": "What it is (e.g. Independence Day)"}


class AppointmentTypeForm(forms.ModelForm):
    """A visit type: length, price, who it is for, online or not, buffers and which practitioners offer it."""

    practitioners = _PractitionerChoiceField(
        queryset=Practitioner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text="who can be booked for it",
    )

    class Meta:
        model = AppointmentType
        fields = ["name", "description", "minutes", "price", "new_patients", "bookable_online", "active",
                  "buffer_before_minutes", "buffer_after_minutes", "slot_step_minutes", "min_notice_minutes",
                  "max_advance_days"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {
            "minutes": "Length (minutes)",
            "new_patients": "For new patients (a first visit); off: follow-up",
            "price": "Price (USD)",
            "buffer_before_minutes": "Buffer before (minutes)",
            "buffer_after_minutes": "Buffer after (minutes)",
            "slot_step_minutes": "Offer a start time every (minutes)",
            "min_notice_minutes": "Minimum notice (minutes), if not the clinic's",
            "max_advance_days": "Booking horizon (days), if not the clinic's",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        practitioners = cast(_PractitionerChoiceField, self.fields["practitioners"])
        practitioners.queryset = Practitioner.objects.filter(active=True).select_related("user")
        if self.instance.pk:
            self.fields["practitioners"].initial = list(self.instance.practitioners.values_list("pk", flat=True))

    def clean_minutes(self) -> int:
        value = self.cleaned_data["minutes"]
        if not CELL_MINUTES <= value <= 480:
            raise ValidationError("Between 5 and 480 minutes.")
        return value

    def clean_max_advance_days(self) -> int | None:
        value = self.cleaned_data.get("max_advance_days")
        if value is not None and not 1 <= value <= 730:
            raise ValidationError("Between 1 and 730 days, or empty for the clinic's policy.")
        return value

    def clean_slot_step_minutes(self) -> int:
        value = self.cleaned_data["slot_step_minutes"]
        if value < CELL_MINUTES:
            raise ValidationError(f"At least {CELL_MINUTES} minutes.")
        return value

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not slugify(name):
            raise ValidationError("Use letters or digits in the name.")
        return name

    def save(self, commit: bool = True) -> AppointmentType:
        kind: AppointmentType = super().save(commit=False)
        if not kind.slug:
            kind.slug = _unique_slug(kind.name)
        if commit:
            kind.save()
            self.save_m2m()
            kind.practitioners.set(self.cleaned_data["practitioners"])
        return kind


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "visit"
    slug, n = base, 2
    while AppointmentType.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class StaffInviteForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(help_text="the invitation to choose a password goes here")
    username = forms.RegexField(max_length=150, regex=r"^[\w.@+-]+$",
                                error_messages={"invalid": "Letters, digits and @ . + - _ only."})
    role = forms.ChoiceField(choices=STAFF_ROLES)

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(f"The username {username!r} is taken.")
        return username

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class StaffEditForm(forms.ModelForm):
    """Name, email, role and whether the login works. An admin cannot lock themself out."""

    role = forms.ChoiceField(choices=STAFF_ROLES)

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "role", "is_active"]
        labels = {"is_active": "Active (off: the login stops working at once)"}

    def __init__(self, *args, actor: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if self.instance.pk == self.actor.pk:
            if data.get("role") and data["role"] != Role.CLINIC_ADMIN:
                self.add_error("role", "You cannot take the clinic-admin role from yourself; ask another admin.")
            if data.get("is_active") is False:
                self.add_error("is_active", "You cannot deactivate your own login.")
        return data
