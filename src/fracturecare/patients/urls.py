from django.urls import path

from fracturecare.dashboard.views import home
from fracturecare.patients import views

app_name = "patients"
urlpatterns = [
    # The clinic home (dashboard app) keeps this name: clinic/base.html and the login redirect use it.
    path("", home, name="home"),
    path("patients/", views.patient_list, name="list"),
    path("patients/new/", views.patient_create, name="create"),
    path("patients/<int:patient_id>/", views.patient_detail, name="detail"),
    path("patients/<int:patient_id>/edit/", views.patient_edit, name="edit"),
]
