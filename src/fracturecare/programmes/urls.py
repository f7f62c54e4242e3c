from django.urls import path

from fracturecare.programmes import views

app_name = "programmes"
urlpatterns = [
    path("clinic/patients/<int:patient_id>/programme/", views.patient_programme, name="patient_programme"),
    path("clinic/programmes/<int:programme_id>/override/", views.programme_override, name="override"),
]
