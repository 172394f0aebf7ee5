from django.urls import path

from styrkort.followup import views

app_name = "followup"
P = "o/<slug:org>/perioder/<int:period>/"
ITEM = P + "punkter/<int:item>/"
urlpatterns = [
    path(P, views.matrix, name="matrix"),
    path(P + "framsteg/", views.progress, name="progress"),
    path(P + "nyckeltal/", views.indicators, name="indicators"),
    path(P + "framsteg/<str:body>/utga-fran-forra/", views.start_from_previous, name="start"),
    path(P + "stang/", views.period_state, {"action": "close"}, name="close"),
    path(P + "oppna/", views.period_state, {"action": "reopen"}, name="reopen"),
    path(P + "publicering/", views.publication, name="publication"),
    path(ITEM, views.item, name="item"),
    path(ITEM + "samlad-status/", views.overall_status, name="overall"),
    path(ITEM + "<str:body>/skriv/", views.assessment_edit, name="edit"),
    path(
        ITEM + "<str:body>/klarmarkera/",
        views.assessment_transition,
        {"action": "submit"},
        name="submit",
    ),
    path(
        ITEM + "<str:body>/godkann/",
        views.assessment_transition,
        {"action": "approve"},
        name="approve",
    ),
    path(
        ITEM + "<str:body>/skicka-tillbaka/",
        views.assessment_transition,
        {"action": "return"},
        name="return",
    ),
]
