from django.urls import path

from fracturecare.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("patients/<int:patient_id>/outcomes/", views.patient_outcomes, name="patient_outcomes"),
    path("patients/<int:patient_id>/outcomes/new/", views.assessment_create, name="assessment_create"),
]
