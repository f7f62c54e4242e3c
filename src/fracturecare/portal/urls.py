from django.urls import path

from fracturecare.portal import views

app_name = "portal"
urlpatterns = [
    path("me/", views.home, name="home"),
    path("me/programme/", views.programme, name="programme"),
    path("me/plans/<int:plan_id>/handout.pdf", views.handout, name="handout"),
    path("me/record.fhir.json", views.record_fhir, name="record_fhir"),
    path("clinic/patients/<int:patient_id>/portal/", views.invite, name="invite"),
]
