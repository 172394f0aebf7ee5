from django.urls import path

from styrkort.economy import views

app_name = "economy"
urlpatterns = [
    path("o/<slug:org>/budget/", views.budget_index, name="index"),
    path("o/<slug:org>/budget/<int:frame>/", views.frame_detail, name="frame"),
    path("o/<slug:org>/budget/resultat.svg", views.result_chart, name="result-chart"),
    path(
        "o/<slug:org>/budget/<int:frame>/diagram-<int:period>.svg",
        views.frame_chart,
        name="frame-chart",
    ),
]
