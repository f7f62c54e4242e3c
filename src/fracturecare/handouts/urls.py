from django.urls import path

from fracturecare.handouts import views

app_name = "handouts"
urlpatterns = [
    path("plans/<int:plan_id>/handout.pdf", views.plan_pdf, name="plan_pdf"),
]
