"""Clinic pages of the accounts app (mounted under /clinic/)."""

from django.urls import path

from fracturecare.accounts import token_views

app_name = "api_tokens"
urlpatterns = [
    path("api-tokens/", token_views.token_list, name="list"),
    path("api-tokens/<int:pk>/revoke/", token_views.token_revoke, name="revoke"),
]
