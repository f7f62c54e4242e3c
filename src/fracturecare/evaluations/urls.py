from django.urls import path

from fracturecare.evaluations import views

app_name = "evaluations"
urlpatterns = [
    path("patients/<int:patient_id>/evaluations/new/", views.evaluation_create, name="create"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="detail"),
]
