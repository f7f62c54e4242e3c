"""Forms for assigning, logging and overriding a programme."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils import timezone

from fracturecare.programmes.knowledge import programme_choices

if TYPE_CHECKING:
    from fracturecare.programmes.selectors import StepView

PAIN_CHOICES = [(i, str(i)) for i in range(11)]


class AssignForm(forms.Form):
    programme_id = forms.ChoiceField(label="Programme")
    start_on = forms.DateField(label="First session on", widget=forms.DateInput(attrs={"type": "date"}))
    cleared = forms.BooleanField(label="Walking is pain-free and I clear the patient to start", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["programme_id"]).choices = programme_choices()
        self.fields["start_on"].initial = timezone.localdate()


class SessionLogForm(forms.Form):
    """The patient's log of a session, filled in the morning after (phone first)."""

    on = forms.DateField(label="Day of the session", widget=forms.DateInput(attrs={"type": "date"}))
    done = forms.TypedChoiceField(label="Did you do the session?", choices=(("yes", "Yes"), ("no", "No")),
                                  coerce=lambda v: v == "yes", widget=forms.RadioSelect)
    pain_during = forms.TypedChoiceField(label="Pain during the session (0 = none, 10 = worst)", choices=PAIN_CHOICES,
                                         coerce=int, required=False, empty_value=None, widget=forms.RadioSelect)
    pain_next_day = forms.TypedChoiceField(label="Pain the next morning (0 = none, 10 = worst)", choices=PAIN_CHOICES,
                                           coerce=int, required=False, empty_value=None, widget=forms.RadioSelect)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("done"):
            for name in ("pain_during", "pain_next_day"):
                if data.get(name) is None:
                    self.add_error(name, "Choose a pain score from 0 to 10.")
        return data


class OverrideForm(forms.Form):
    to_step = forms.TypedChoiceField(label="Move to step", coerce=int)
    next_session_on = forms.DateField(label="Next session on", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason (kept in the record and shown to the patient)", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, steps: list[StepView], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(s.number - 1, f"{s.number}. {s.session}") for s in steps]
        cast(forms.ChoiceField, self.fields["to_step"]).choices = choices
        self.fields["next_session_on"].initial = timezone.localdate()
