from django.urls import path

from fracturecare.clinicadmin import report_views, views

app_name = "clinicadmin"
urlpatterns = [
    path("settings/", views.index, name="index"),
    path("settings/details/", views.details, name="details"),
    path("settings/booking-policy/", views.booking_policy, name="booking_policy"),
    path("settings/locations/", views.locations, name="locations"),
    path("settings/locations/new/", views.location_edit, name="location_new"),
    path("settings/locations/<int:pk>/", views.location_edit, name="location_edit"),
    path("settings/practitioners/", views.practitioners, name="practitioners"),
    path("settings/practitioners/new/", views.practitioner_edit, name="practitioner_new"),
    path("settings/practitioners/<int:pk>/", views.practitioner_edit, name="practitioner_edit"),
    path("settings/practitioners/<int:pk>/hours/", views.hours, name="hours"),
    path("settings/practitioners/<int:pk>/time-off/", views.time_off, name="time_off"),
    path("settings/shifts/<int:pk>/delete/", views.shift_delete, name="shift_delete"),
    path("settings/time-off/<int:pk>/delete/", views.time_off_delete, name="time_off_delete"),
    path("settings/holidays/", views.holidays, name="holidays"),
    path("settings/holidays/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
    path("settings/visit-types/", views.visit_types, name="visit_types"),
    path("settings/visit-types/new/", views.visit_type_edit, name="visit_type_new"),
    path("settings/visit-types/<int:pk>/", views.visit_type_edit, name="visit_type_edit"),
    path("settings/staff/", views.staff, name="staff"),
    path("settings/staff/invite/", views.staff_invite_view, name="staff_invite"),
    path("settings/staff/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("settings/staff/<int:pk>/send-link/", views.staff_resend, name="staff_resend"),
    path("settings/messages/", views.message_templates, name="messages"),
    path("settings/messages/<slug:kind>/<slug:channel>/", views.message_template_edit, name="message_edit"),
    path("reports/", report_views.report_index, name="reports"),
    path("reports/<slug:kind>.csv", report_views.report_csv, name="report_csv"),
]
