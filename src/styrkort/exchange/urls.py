"""URLs of the exchange app: the follow-up as a spreadsheet, both ways."""

from django.urls import URLPattern, URLResolver, path

from styrkort.exchange import views

app_name = "exchange"
P = "o/<slug:org>/perioder/<int:period>/excel/"
urlpatterns: list[URLPattern | URLResolver] = [
    path(P, views.sheet_page, name="sheet"),
    path(P + "ladda-ner/", views.sheet_download, name="download"),
    path(P + "spara/", views.sheet_apply, name="apply"),
]
