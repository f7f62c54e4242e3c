from django.urls import path

from fracturecare.intake import views

app_name = "intake"
urlpatterns = [
    path("forms/<str:token>/", views.forms_home, name="forms"),
    path("forms/<str:token>/<slug:form>/", views.form_fill, name="form_fill"),
    path("clinic/patients/<int:patient_id>/forms/", views.patient_forms, name="patient_forms"),
    path("clinic/patients/<int:patient_id>/forms/send/", views.patient_forms_send, name="patient_forms_send"),
    path("clinic/patients/<int:patient_id>/forms/consent/", views.consent_in_clinic, name="consent_in_clinic"),
    path("clinic/patients/<int:patient_id>/forms/withdraw/", views.consent_withdraw, name="consent_withdraw"),
]
