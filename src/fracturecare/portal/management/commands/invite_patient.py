"""Give a patient a portal login from the command line and print (or email) the set-password link."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fracturecare.patients.models import Patient
from fracturecare.portal.services import invitation_send, portal_invite


class Command(BaseCommand):
    help = "Create (or reuse) a patient's portal login and print a link to choose a password."

    def add_arguments(self, parser):
        parser.add_argument("patient_id", type=int, help="the patient's number (as in /clinic/patients/<number>/)")
        parser.add_argument("--email", help="address for the login (default: the patient's email)")
        parser.add_argument("--username", default="", help="default: the email address")
        parser.add_argument("--send", action="store_true", help="also email the link to the patient")

    def handle(self, *args, patient_id, email, username, send, **options):
        patient = Patient.objects.filter(pk=patient_id).first()
        if patient is None:
            raise CommandError(f"No patient {patient_id}.")
        email = email or (patient.user.email if patient.user else "") or patient.email
        if not email:
            raise CommandError("The patient has no email address: give one with --email.")
        try:
            invitation = portal_invite(
                patient=patient, actor=None, actor_label="command line: invite_patient", email=email, username=username
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        what = "Created" if invitation.created else "Reused"
        self.stdout.write(f"{what} login {invitation.user.username!r} for patient {patient.pk}.")
        self.stdout.write(f"Set-password link (one use): {invitation.link}")
        if send:
            invitation_send(invitation)
            self.stdout.write(f"Emailed to {invitation.user.email}.")
