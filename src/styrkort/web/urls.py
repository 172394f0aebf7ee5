from django.urls import path

from styrkort.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("o/<slug:org>/", views.organisation_overview, name="organisation"),
    path("o/<slug:org>/sok/", views.search_page, name="search"),
]
