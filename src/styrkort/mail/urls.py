from django.urls import path

from styrkort.mail import views

app_name = "mail"
urlpatterns = [
    path("aviseringar/", views.preferences, name="preferences"),
    path("aviseringar/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("o/<slug:org>/utskick/", views.deliveries, name="deliveries"),
]
