from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("styrkort.web.urls")),
    path("", include("styrkort.followup.urls")),
    path("", include("styrkort.economy.urls")),
    path("", include("styrkort.planning.urls")),
    path("", include("styrkort.register.urls")),
    path("", include("styrkort.reports.urls")),
    path("", include("styrkort.api.urls")),
    path("", include("styrkort.exchange.urls")),
    path("", include("styrkort.imports.urls")),
    path("", include("styrkort.administration.urls")),
    path("", include("styrkort.public.urls")),
    path("", include("styrkort.mail.urls")),
]

handler403 = "styrkort.web.views.forbidden"
handler404 = "styrkort.web.views.not_found"
