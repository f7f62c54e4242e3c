from django.urls import path

from fracturecare.outcomes import views

app_name = "outcomes_public"
urlpatterns = [
    path("forms/<str:token>/outcomes/questionnaire/", views.questionnaire, name="questionnaire"),
]
