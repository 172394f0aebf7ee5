from django.urls import path

from styrkort.reports import views

app_name = "reports"

urlpatterns = [
    path("o/<slug:org>/rapporter/styrelsen/", views.board, name="board"),
]
