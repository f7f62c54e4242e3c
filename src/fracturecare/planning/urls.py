from django.urls import path

from fracturecare.planning import views

app_name = "planning"
urlpatterns = [
    path("patients/<int:patient_id>/evaluations/new/", views.evaluation_create, name="evaluate"),
    path("plans/<int:plan_id>/", views.plan_detail, name="detail"),
    path("plans/<int:plan_id>/changes/", views.plan_change, name="change"),
    path("plans/<int:plan_id>/changes/<int:edit_id>/withdraw/", views.plan_change_withdraw, name="change_withdraw"),
    path("plans/<int:plan_id>/sign/", views.plan_sign, name="sign"),
    path("plans/<int:plan_id>/versions/<int:number>/", views.plan_version, name="version"),
    path("plans/<int:plan_id>/referral/", views.plan_referral, name="referral"),
]
