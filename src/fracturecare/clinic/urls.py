from django.urls import path

from fracturecare.clinic import views

app_name = "clinic"
urlpatterns = [
    path("setup/<str:token>/", views.setup, name="setup"),
]
