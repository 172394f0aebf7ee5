from django.urls import path

from styrkort.reports import views

app_name = "reports"

P = "o/<slug:org>/perioder/<int:period>/"
urlpatterns = [
    path(P + "lista/", views.followup_view, name="followup-view"),
    path(P + "rapport.<str:fmt>", views.followup_download, name="followup-download"),
    path(P + "dokument/", views.followup_document, name="followup-document"),
    path("o/<slug:org>/rapporter/styrelsen/", views.board, name="board"),
]
