"""URLs of the imports app: a published follow-up, uploaded, previewed and stored."""

from django.urls import URLPattern, URLResolver, path

from styrkort.imports import views

app_name = "imports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<slug:org>/las-in/uppfoljning/", views.followup_import_page, name="followup"),
    path("o/<slug:org>/las-in/uppfoljning/spara/", views.followup_import_apply, name="apply"),
]
