"""Clinic settings at /clinic/settings/: for the clinic admin only (others get the friendly 403 page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import BaseForm, ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts.models import Role, User
from fracturecare.accounts.permissions import role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.clinic.forms import BookingPolicyForm, ClinicDetailsForm, MessageTemplateForm
from fracturecare.clinic.messages import DEFAULTS, STOP_LINE, placeholders_for, template_for
from fracturecare.clinic.models import Channel, ClinicProfile, MessageTemplate, TemplateKind
from fracturecare.clinic.selectors import clinic_profile
from fracturecare.clinic.services import message_template_reset, message_template_save, profile_save
from fracturecare.clinicadmin import selectors
from fracturecare.clinicadmin.forms import (
    AppointmentTypeForm,
    AvailabilityExceptionForm,
    AvailabilityRuleForm,
    ClinicClosureForm,
    LocationForm,
    PractitionerForm,
    StaffEditForm,
    StaffInviteForm,
)
from fracturecare.clinicadmin.services import (
    settings_delete,
    settings_save,
    staff_invite,
    staff_send_link,
    staff_update,
)
from fracturecare.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityRule,
    ClinicClosure,
    Location,
    Practitioner,
)

admin_only = role_required(Role.CLINIC_ADMIN)


def _form_page(
    request: HttpRequest, form: BaseForm, *, title: str, back: str, intro: str = "", submit: str = "Save",
    extra: dict | None = None, template: str = "clinicadmin/form.html",
) -> HttpResponse:
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "title": title, "back": back, "intro": intro, "submit": submit, **(extra or {})}
    return render(request, template, context, status=status)


def _save_or_show(
    request: HttpRequest, form: ModelForm, *, title: str, back: str, done: str, **page: Any
) -> HttpResponse:
    """The usual settings edit: on a valid POST save (audited) and go back; otherwise show the form."""
    if request.method == "POST" and form.is_valid():
        settings_save(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, done)
        return redirect(back)
    return _form_page(request, form, title=title, back=back, **page)


@admin_only
def index(request: HttpRequest) -> HttpResponse:
    """The settings home: what is set up, what is left, and links to each part."""
    return render(request, "clinicadmin/index.html",
                  {"profile": clinic_profile(), "checklist": selectors.setup_checklist()})


@admin_only
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    """The clinic's name, contact numbers, email, address and time zone."""
    instance = clinic_profile()
    form = ClinicDetailsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        profile_save(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, "Clinic details saved. The public pages show them now.")
        return redirect("clinicadmin:index")
    return _form_page(request, form, title="Clinic details", back=reverse("clinicadmin:index"),
                      intro="What patients see on the website, in emails and on handouts. Opening hours, slots "
                            "and reminders are in the time zone chosen here.")


@admin_only
@require_http_methods(["GET", "POST"])
def booking_policy(request: HttpRequest) -> HttpResponse:
    """Minimum notice, how far ahead, and the cancellation window for online booking."""
    instance: ClinicProfile = clinic_profile()
    form = BookingPolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        profile_save(
            form=form,
            actor=signed_in_user(request),
            request=request,
            action=AuditAction.CLINIC_BOOKING_POLICY_UPDATED,
        )
        messages.success(request, "Booking policy saved. Online booking follows it now.")
        return redirect("clinicadmin:index")
    return _form_page(request, form, title="Booking policy", back=reverse("clinicadmin:index"),
                      intro="These apply to online booking. The front desk may still book closer in. A visit type "
                            "may set its own notice and horizon.")


# --- locations ---------------------------------------------------------------------------


@admin_only
def locations(request: HttpRequest) -> HttpResponse:
    return render(request, "clinicadmin/locations.html", {"locations": selectors.locations()})


@admin_only
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Location, pk=pk) if pk else None
    form = LocationForm(request.POST or None, instance=instance)
    return _save_or_show(request, form, title=f"Location: {instance}" if instance else "New location",
                         back=reverse("clinicadmin:locations"), done="Location saved.")


# --- practitioners, their hours and time off ---------------------------------------------


@admin_only
def practitioners(request: HttpRequest) -> HttpResponse:
    return render(request, "clinicadmin/practitioners.html", {"practitioners": selectors.practitioners()})


@admin_only
@require_http_methods(["GET", "POST"])
def practitioner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(Practitioner.objects.select_related("user"), pk=pk) if pk else None
    form = PractitionerForm(request.POST or None, instance=instance)
    return _save_or_show(request, form, title=f"Practitioner: {instance}" if instance else "New practitioner",
                         back=reverse("clinicadmin:practitioners"), done="Practitioner saved.",
                         intro="A practitioner is a clinician's login that patients can book.")


@admin_only
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    """A practitioner's weekly shifts: the list and a form to add one."""
    practitioner = get_object_or_404(Practitioner.objects.select_related("user"), pk=pk)
    form = AvailabilityRuleForm(request.POST or None, practitioner=practitioner)
    back = reverse("clinicadmin:hours", args=[pk])
    if request.method == "POST" and form.is_valid():
        settings_save(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, "Shift added. Online booking offers it now.")
        return redirect(back)
    return _form_page(request, form, title=f"Weekly hours: {practitioner}", back=reverse("clinicadmin:practitioners"),
                      submit="Add shift", template="clinicadmin/hours.html",
                      extra={"practitioner": practitioner, "shifts": selectors.shifts(practitioner)})


@admin_only
@require_http_methods(["GET", "POST"])
def time_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A practitioner's days off and extra hours."""
    practitioner = get_object_or_404(Practitioner.objects.select_related("user"), pk=pk)
    form = AvailabilityExceptionForm(request.POST or None, practitioner=practitioner)
    back = reverse("clinicadmin:time_off", args=[pk])
    if request.method == "POST" and form.is_valid():
        settings_save(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, "Saved. Online booking follows it now.")
        return redirect(back)
    return _form_page(request, form, title=f"Time off and extra hours: {practitioner}",
                      back=reverse("clinicadmin:practitioners"), submit="Add", template="clinicadmin/time_off.html",
                      extra={"practitioner": practitioner, "entries": selectors.time_off(practitioner)})


@admin_only
@require_POST
def shift_delete(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AvailabilityRule, pk=pk)
    settings_delete(obj=rule, actor=signed_in_user(request), request=request)
    messages.success(request, "Shift removed.")
    return redirect("clinicadmin:hours", rule.practitioner_id)


@admin_only
@require_POST
def time_off_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(AvailabilityException, pk=pk)
    settings_delete(obj=entry, actor=signed_in_user(request), request=request)
    messages.success(request, "Removed.")
    return redirect("clinicadmin:time_off", entry.practitioner_id)


# --- clinic holidays ---------------------------------------------------------------------


@admin_only
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    form = ClinicClosureForm(request.POST or None)
    back = reverse("clinicadmin:holidays")
    if request.method == "POST" and form.is_valid():
        settings_save(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, "Holiday added: nobody can book that day.")
        return redirect(back)
    return _form_page(request, form, title="Clinic holidays", back=reverse("clinicadmin:index"), submit="Add holiday",
                      template="clinicadmin/holidays.html", extra={"holidays": selectors.holidays()})


@admin_only
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    settings_delete(obj=get_object_or_404(ClinicClosure, pk=pk), actor=signed_in_user(request), request=request)
    messages.success(request, "Holiday removed.")
    return redirect("clinicadmin:holidays")


# --- visit types -------------------------------------------------------------------------


@admin_only
def visit_types(request: HttpRequest) -> HttpResponse:
    return render(request, "clinicadmin/visit_types.html", {"types": selectors.appointment_types()})


@admin_only
@require_http_methods(["GET", "POST"])
def visit_type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    instance = get_object_or_404(AppointmentType, pk=pk) if pk else None
    form = AppointmentTypeForm(request.POST or None, instance=instance)
    return _save_or_show(request, form, title=f"Visit type: {instance}" if instance else "New visit type",
                         back=reverse("clinicadmin:visit_types"), done="Visit type saved. Online booking shows it now.")


# --- staff -------------------------------------------------------------------------------


@admin_only
def staff(request: HttpRequest) -> HttpResponse:
    return render(request, "clinicadmin/staff.html", {"staff": selectors.staff()})


@admin_only
@require_http_methods(["GET", "POST"])
def staff_invite_view(request: HttpRequest) -> HttpResponse:
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation = staff_invite(data=form.cleaned_data, actor=signed_in_user(request), request=request)
        return render(request, "clinicadmin/staff_invited.html", {"invitation": invitation})
    return _form_page(request, form, title="Invite a member of staff", back=reverse("clinicadmin:staff"),
                      submit="Create login and send invitation",
                      intro="They get an email with a link to choose their password. The link works once and "
                            "expires after a few days.")


def _staff_user(pk: int) -> User:
    user = get_object_or_404(User, pk=pk)
    if not user.is_staff_member:
        raise Http404("Not a staff login.")
    return user


@admin_only
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _staff_user(pk)
    form = StaffEditForm(request.POST or None, instance=member, actor=signed_in_user(request))
    if request.method == "POST" and form.is_valid():
        staff_update(form=form, actor=signed_in_user(request), request=request)
        messages.success(request, "Staff login saved.")
        return redirect("clinicadmin:staff")
    return _form_page(request, form, title=f"Staff: {member.get_full_name() or member.username}",
                      back=reverse("clinicadmin:staff"), template="clinicadmin/staff_edit.html",
                      extra={"member": member})


@admin_only
@require_POST
def staff_resend(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = staff_send_link(user=_staff_user(pk), actor=signed_in_user(request), request=request)
    return render(request, "clinicadmin/staff_invited.html", {"invitation": invitation, "resent": True})


# --- message templates -------------------------------------------------------------------


@admin_only
def message_templates(request: HttpRequest) -> HttpResponse:
    custom = set(MessageTemplate.objects.values_list("kind", "channel"))
    rows = [
        {"kind": kind, "channel": channel, "kind_label": TemplateKind(kind).label,
         "channel_label": Channel(channel).label, "custom": (kind, channel) in custom}
        for kind, channel in DEFAULTS
    ]
    return render(request, "clinicadmin/messages.html", {"rows": rows})


@admin_only
@require_http_methods(["GET", "POST"])
def message_template_edit(request: HttpRequest, kind: str, channel: str) -> HttpResponse:
    if (kind, channel) not in DEFAULTS:
        raise Http404("No such message.")
    back = reverse("clinicadmin:messages")
    if request.method == "POST" and "reset" in request.POST:
        message_template_reset(kind=kind, channel=channel, actor=signed_in_user(request), request=request)
        messages.success(request, "Back to the default wording.")
        return redirect(back)
    subject, body, custom = template_for(kind, channel)
    form = MessageTemplateForm(request.POST or None, channel=channel, kind=kind,
                               initial={"subject": subject, "body": body})
    if request.method == "POST" and form.is_valid():
        message_template_save(kind=kind, channel=channel, subject=form.cleaned_data.get("subject", ""),
                              body=form.cleaned_data["body"], actor=signed_in_user(request), request=request)
        messages.success(request, "Message saved. The next one sent uses it.")
        return redirect(back)
    title = f"{TemplateKind(kind).label} — {Channel(channel).label.lower()}"
    return _form_page(request, form, title=title, back=back, template="clinicadmin/message_edit.html",
                      extra={"placeholders": placeholders_for(kind), "custom": custom,
                             "stop_line": STOP_LINE if channel == Channel.SMS else ""})


