"""URLs of the imports app: a published follow-up, uploaded, previewed and stored."""

from django.urls import URLPattern, URLResolver, path

from styrkort.imports import views

app_name = "imports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("o/<slug:org>/las-in/uppfoljning/", views.followup_import_page, name="followup"),
    path("o/<slug:org>/las-in/uppfoljning/spara/", views.followup_import_apply, name="apply"),
    path("o/<slug:org>/budget/import/", views.figures_upload, name="figures"),
    path("o/<slug:org>/planer/las-in/", views.plan_upload, name="plan"),
    path("o/<slug:org>/planer/las-in/mall.xlsx", views.plan_template, name="plan-template"),
]
