"""The clinic admin's security page (mounted under /clinic/)."""

from django.urls import path

from fracturecare.accounts import security_views

app_name = "security"
urlpatterns = [
    path("security/", security_views.security_home, name="home"),
    path("security/unlock/", security_views.unlock, name="unlock"),
    path("security/staff/<int:pk>/reset-two-factor/", security_views.reset_two_factor, name="reset_two_factor"),
]
