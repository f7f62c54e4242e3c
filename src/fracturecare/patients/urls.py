from django.urls import path

from fracturecare.patients import match_views, views

app_name = "patients"
urlpatterns = [
    path("patients/", views.patient_list, name="list"),
    path("patients/new/", views.patient_create, name="create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="detail"),
    path("patients/<int:patient_id>/edit/", views.patient_edit, name="edit"),
    path("patients/matches/", match_views.match_list, name="matches"),
    path("patients/matches/<int:pk>/merge/", match_views.match_merge_view, name="match_merge"),
    path("patients/matches/<int:pk>/dismiss/", match_views.match_dismiss_view, name="match_dismiss"),
]
