from django.urls import path

from fracturecare.evaluations import views

# The form that records a new evaluation is planning:evaluate (it makes the plan too).
app_name = "evaluations"
urlpatterns = [
    path("evaluations/<int:evaluation_id>/", views.evaluation_detail, name="detail"),
]
