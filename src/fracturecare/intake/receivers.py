"""A new booking asks the patient for their forms (intake and consents, or the follow-up questionnaire)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from fracturecare.intake.services import form_request_for_booking


# A lazy sender ("app_label.Model"): intake sits below scheduling and never imports it.
@receiver(post_save, sender="scheduling.Appointment", dispatch_uid="intake.forms_on_booking")
def forms_on_booking(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """Issue the forms link in the booking's own transaction; `send_form_links` emails it."""
    if created and not raw:
        form_request_for_booking(instance)
