from django.urls import path

from fracturecare.interop import views

app_name = "interop"

urlpatterns = [
    path("patients/<int:patient_id>/fhir.json", views.patient_fhir, name="patient_fhir"),
    path("visits/<int:pk>/superbill/", views.superbill, name="superbill"),
    path("visits/<int:pk>/superbill.json", views.superbill_json, name="superbill_json"),
]
