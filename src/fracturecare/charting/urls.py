from django.urls import path

from fracturecare.charting import views

app_name = "charting"
urlpatterns = [
    path("patients/<int:patient_id>/visits/", views.visit_list, name="visit_list"),
    path("patients/<int:patient_id>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/sign/", views.visit_sign, name="visit_sign"),
    path("visits/<int:pk>/amendments/", views.visit_amend, name="visit_amend"),
    path("visits/<int:pk>/addenda/", views.visit_addendum, name="visit_addendum"),
]
