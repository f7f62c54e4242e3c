from django.urls import include, path

from fracturecare import site_views
from fracturecare.api import api

urlpatterns = [
    path("healthz", site_views.healthz, name="healthz"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("api/v1/", api.urls),
    path("accounts/", include("fracturecare.accounts.urls")),
    path("clinic/", include("fracturecare.dashboard.urls")),
    path("clinic/", include("fracturecare.patients.urls")),
    path("clinic/", include("fracturecare.evaluations.urls")),
    path("clinic/", include("fracturecare.planning.urls")),
    path("clinic/", include("fracturecare.charting.urls")),
    path("clinic/", include("fracturecare.outcomes.urls")),
    path("clinic/", include("fracturecare.handouts.urls")),
    path("clinic/", include("fracturecare.accounts.token_urls")),
    path("clinic/", include("fracturecare.accounts.security_urls")),
    path("clinic/", include("fracturecare.audit.urls")),
    path("clinic/", include("fracturecare.interop.urls")),
    path("", include("fracturecare.outcomes.public_urls")),
    path("", include("fracturecare.intake.urls")),
    path("", include("fracturecare.programmes.urls")),
    path("", include("fracturecare.portal.urls")),
    path("", include("fracturecare.scheduling.urls")),
    path("", include("fracturecare.public.urls")),
]
