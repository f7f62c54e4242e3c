from django.urls import path

from fracturecare.dashboard import views

app_name = "dashboard"
urlpatterns = [
    # The clinic home: clinic/base.html and the login redirect point here.
    path("", views.home, name="home"),
]
