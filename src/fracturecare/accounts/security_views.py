"""/clinic/security/: who must use two-factor sign-in, locked-out sign-ins, and lost authenticators."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts import lockout, selectors, twofactor
from fracturecare.accounts.forms import ResetTwoFactorForm, SecurityPolicyForm, UnlockForm
from fracturecare.accounts.models import STAFF_ROLES, Role, SecurityPolicy, User
from fracturecare.accounts.permissions import role_required, signed_in_user
from fracturecare.audit.actions import AuditAction
from fracturecare.audit.services import audit_record


@role_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def security_home(request: HttpRequest) -> HttpResponse:
    """The policy form, the current lockouts and each staff member's two-factor state."""
    policy = SecurityPolicy.current()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.pk = 1
            saved.updated_by = request.user
            saved.save()
            audit_record(actor=request.user, action=AuditAction.SECURITY_POLICY_CHANGED, obj=saved,
                         data={f: form.cleaned_data[f] for f in SecurityPolicyForm.Meta.fields}, request=request)
        messages.success(request, "The sign-in policy is saved. It applies from each person's next sign-in.")
        return redirect("security:home")
    return render(request, "accounts/security/home.html", {
        "form": form,
        "lockouts": lockout.active_lockouts(),
        "staff": selectors.staff_two_factor_states(),
        "reset_form": ResetTwoFactorForm(),
    })


@role_required(Role.CLINIC_ADMIN)
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what to unlock: " + "; ".join(
            f"{field} {', '.join(str(e) for e in errors)}" for field, errors in form.errors.items()))
        return redirect("security:home")
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    lockout.unlock(kind=kind, value=value, actor=signed_in_user(request), request=request)
    messages.success(request, f"Unlocked the {kind} “{value}”. Its failed attempts are cleared.")
    return redirect("security:home")


@role_required(Role.CLINIC_ADMIN)
@require_POST
def reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk, role__in=STAFF_ROLES)
    form = ResetTwoFactorForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason to reset two-factor sign-in (it is audited).")
        return redirect("security:home")
    twofactor.two_factor_reset(user=user, actor=signed_in_user(request), reason=form.cleaned_data["reason"],
                               request=request)
    messages.success(request, f"Two-factor sign-in is reset for {user.get_full_name() or user.username}. "
                              "They set up a new authenticator at their next sign-in if their role requires it.")
    return redirect("security:home")
