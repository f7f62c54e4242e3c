"""The API tokens page: make and revoke personal access tokens for the JSON API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from fracturecare.accounts import selectors, services
from fracturecare.accounts.forms import TokenCreateForm
from fracturecare.accounts.models import Role
from fracturecare.accounts.permissions import role_required, signed_in_user
from fracturecare.queryparams import page_of

PAGE_SIZE = 50


def _page(request: HttpRequest, form: TokenCreateForm, new_token: services.NewToken | None = None) -> HttpResponse:
    user = signed_in_user(request)
    tokens = page_of(Paginator(selectors.tokens_visible_to(user), PAGE_SIZE), request)
    response = render(request, "accounts/tokens/list.html", {
        "form": form, "page": tokens, "new_token": new_token,
        "sees_everyone": user.role == Role.CLINIC_ADMIN,
    })
    # The page may carry a token in clear: keep it out of every cache.
    response["Cache-Control"] = "no-store"
    return response


@role_required(*services.TOKEN_ROLES)
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """List tokens; a POST makes a new one and shows it, once, on the answer to that POST."""
    if request.method == "GET":
        return _page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            new = services.token_create(user=signed_in_user(request), name=form.cleaned_data["name"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _page(request, TokenCreateForm(), new_token=new)
    return _page(request, form)


@role_required(*services.TOKEN_ROLES)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    token = get_object_or_404(selectors.tokens_visible_to(user), pk=pk)
    services.token_revoke(token=token, actor=user, request=request)
    messages.success(request, f"Token “{token.name}” is revoked. Programs using it now get 401.")
    return redirect("api_tokens:list")
