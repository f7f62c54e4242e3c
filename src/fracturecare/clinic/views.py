"""First-run set-up: `/setup/<token>/`, the one page that works before anyone can sign in."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from fracturecare.clinic.forms import SetupForm
from fracturecare.clinic.selectors import profile_defaults
from fracturecare.clinic.services import AdminDetails, SetupTokenInvalid, setup_complete, setup_token_find


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, token: str) -> HttpResponse:
    """Name the clinic and create the first clinic-admin login. A wrong, used or expired link is a 404."""
    if setup_token_find(token) is None:
        raise Http404("This set-up link is not valid.")
    form = SetupForm(request.POST or None, initial=profile_defaults())
    if request.method == "POST" and form.is_valid():
        admin = AdminDetails(
            username=form.cleaned_data["admin_username"],
            first_name=form.cleaned_data["admin_first_name"],
            last_name=form.cleaned_data["admin_last_name"],
            email=form.cleaned_data["admin_email"],
            password=form.cleaned_data["admin_password"],
        )
        try:
            user = setup_complete(raw_token=token, profile=form.profile_data(), admin=admin, request=request)
        except SetupTokenInvalid:
            raise Http404("This set-up link is not valid.") from None
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("/clinic/settings/")
    return render(request, "clinic/setup/setup.html", {"form": form})
